import type { Role } from '../../../db/tables/reference.js';
import type { InspectionRow } from '../../../db/tables/inspections.js';
import { type AssignInspectionCommand, assignInspectionUpdate, type CancelCommand, cancelUpdate, type InspectionState } from '../../../workflows/inspection/definitions.js';
import { teamAssignCommand } from '../../commands/assign.js';
import { command, withActor } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { conflict } from '../../problems.js';
import { cancelBody } from '../../schemas/inspections.js';

export const commanders: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator'];
/** Who follows a request up: a case manager or the team coordinator of the dossier's team. */
const followers: Role[] = ['klantenbeheerder', 'teamcoordinator'];

/**
 * The commands of an inspection request, each a Temporal Update of its workflow on the one command
 * path (docs/inspections.md). The cancellation goes on to Modular: 202 until Modular confirms it.
 */
export const inspectionCommands = (deps: Pick<AppDependencies, 'db'>) => [
  command<InspectionRow, InspectionState, Omit<CancelCommand, 'actor'>, CancelCommand>({
    path: 'cancel',
    summary: 'Cancel the inspection: the cancellation goes to Modular and is confirmed',
    description:
      '200 with status `geannuleerd` once Modular confirmed; 202 when the cancellation is on its way (Modular slow ' +
      'or down, or the order not yet created: it is sent as soon as possible). 409 when the request has ended or ' +
      'Modular refuses (the final report is made).',
    roles: commanders,
    body: cancelBody,
    update: cancelUpdate,
    toCommand: withActor,
    status(state) {
      if (state.cancellation?.refusedReason) throw conflict(`Modular refused the cancellation: ${state.cancellation.refusedReason}`);
      return state.status === 'geannuleerd' ? 200 : 202;
    },
  }),
  teamAssignCommand<InspectionRow, InspectionState, AssignInspectionCommand>(deps.db, 'the follow-up of the request', assignInspectionUpdate, followers),
];
