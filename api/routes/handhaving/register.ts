import type { FastifyRequest } from 'fastify';
import { findCase } from '../../../db/repositories/enforcement.js';
import type { EnforcementCaseRow } from '../../../db/tables/enforcement.js';
import { type CaseState, caseStateQuery } from '../../../workflows/enforcement/definitions.js';
import { scopes, type Viewer } from '../../access/scope.js';
import { viewerOf } from '../../access/viewer.js';
import type { AppDependencies } from '../../dependencies.js';
import { notFound } from '../../problems.js';
import { liveStateForCommand as liveStateOfCommand, liveStateOf } from '../../temporal-errors.js';

/** A case of the register in the caller's scope, and its live state: what the reads and the commands look up. */
export function caseRegister(deps: Pick<AppDependencies, 'db' | 'temporal'>) {
  const findInScope = (viewer: Viewer, id: string) => findCase(deps.db, id, scopes.enforcementCases(viewer));

  /** The case in the caller's scope; outside it, as absent: 404. */
  async function require(request: FastifyRequest, id: string): Promise<EnforcementCaseRow> {
    const row = await findInScope(await viewerOf(request, deps.db), id);
    if (!row) throw notFound(`Case ${id}`);
    return row;
  }

  // The location's workflow id is reused by later cases: only this case's state counts.
  const ofThisCase = (row: EnforcementCaseRow, state: CaseState | null) => (state?.caseId === row.id ? state : null);

  /** For reads: null when it cannot be had soon (the register answers alone). */
  const liveState = async (row: EnforcementCaseRow) => ofThisCase(row, await liveStateOf(deps.temporal, row.workflow_id, caseStateQuery));
  /** For commands: 503 when it cannot be had soon. */
  const liveStateForCommand = async (row: EnforcementCaseRow) => ofThisCase(row, await liveStateOfCommand(deps.temporal, row.workflow_id, caseStateQuery));

  return { findInScope, require, liveState, liveStateForCommand };
}

export type CaseRegister = ReturnType<typeof caseRegister>;
