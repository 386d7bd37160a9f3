import type { FastifyInstance } from 'fastify';
import { findMelding } from '../../../db/repositories/meldingen.js';
import type { MeldingRow } from '../../../db/tables/meldingen.js';
import type { MeldingState } from '../../../workflows/melding/definitions.js';
import { scopes } from '../../access/scope.js';
import { recordCommands, registerCommands } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict, notFound } from '../../problems.js';
import { idempotencyHeaders } from '../../schemas/common.js';
import { meldingSchema, meldingStateSchema } from '../../schemas/meldingen.js';
import { meldingCommands } from './commands.js';
import { intakeRoute } from './intake.js';
import { meldingRecords, readRoutes } from './reads.js';
import { meldingStarter } from './starts.js';
import { liveStateStarting, toView, withState } from './views.js';

/**
 * Reports (docs/meldingen.md): the intake, the register read through the caller's scope
 * (docs/access.md), and the commands, each an Update on the one command path.
 */
export default async function meldingRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.addSchema(meldingStateSchema);
  app.addSchema(meldingSchema);
  // The API that takes intakes also starts their workflows, and any queued start a crash left
  // behind; only while it listens (not while it is built for its OpenAPI document).
  const starter = meldingStarter(deps, app.log);
  app.addHook('onListen', async () => starter.run());
  app.addHook('onClose', async () => starter.stop());
  const live = liveStateStarting(deps.temporal, starter);
  intakeRoute(app, deps, starter, live);
  readRoutes(app, deps, live);
  registerCommands<MeldingRow, MeldingState>(app, {
    ...recordCommands<MeldingRow>('meldingen', meldingRecords, deps),
    headers: idempotencyHeaders,
    find: (viewer, id) => findMelding(deps.db, id, scopes.meldingen(viewer)),
    startQueued: (row) => starter.startIfQueued(row.id),
    gone: (row) => conflict(`Melding ${row.id} is closed (phase ${row.phase}) and takes no more commands`),
    notFound: (id) => notFound(`Melding ${id}`),
    answer: (row, state) => toView(withState(row, state), state),
  }, meldingCommands(deps));
}
