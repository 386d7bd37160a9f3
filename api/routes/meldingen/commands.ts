import { resolveLocationLink } from '../../../db/repositories/locations.js';
import type { MeldingRow } from '../../../db/tables/meldingen.js';
import type { Role } from '../../../db/tables/reference.js';
import {
  type AcknowledgeCommand,
  acknowledgeUpdate,
  type AssignCommand,
  assignUpdate,
  type CloseCommand,
  closeUpdate,
  type ExtendCommand,
  extendDeadlineUpdate,
  type FeedbackCommand,
  feedbackUpdate,
  type LinkCommand,
  linkUpdate,
  type MeldingState,
  type PauseCommand,
  pauseDeadlineUpdate,
  resumeDeadlineUpdate,
  type TriageCommand,
  triageUpdate,
} from '../../../workflows/melding/definitions.js';
import { toIsoUtc } from '../../../workflows/clock/brussels-time.js';
import type { AppDependencies } from '../../dependencies.js';
import { assignCommand } from '../../commands/assign.js';
import { command, withActor } from '../../commands/command-path.js';
import { HttpProblem, problemTypes } from '../../problems.js';
import { commandBodies } from '../../schemas/meldingen.js';

export const staff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
export const coordinators: Role[] = ['teamcoordinator', 'crisiscoordinator'];

const badField = (field: string, message: string) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `${field} ${message}`, { errors: [{ field, message }] });

type Body<C> = Omit<C, 'actor' | 'at'>;

/** The commands of a report, each a Temporal Update of its workflow (docs/meldingen.md). */
export function meldingCommands(deps: Pick<AppDependencies, 'db'>) {
  return [
    command<MeldingRow, MeldingState, Body<TriageCommand>, TriageCommand>({
      path: 'triage',
      summary: 'Confirm or override the proposed triage (crisis or regular), with a reason; later reclassification is recorded too',
      roles: staff,
      body: commandBodies.triage,
      update: triageUpdate,
      toCommand: withActor,
    }),
    command<MeldingRow, MeldingState, { locationId: string }, LinkCommand>({
      path: 'link',
      summary: 'Link a report from the to-be-linked queue to its location; it is then assigned',
      roles: staff,
      body: commandBodies.link,
      update: linkUpdate,
      async toCommand(body, { actor }) {
        const link = await resolveLocationLink(deps.db, { locationId: body.locationId });
        if (!link) throw badField('body.locationId', 'is not a known location with a dossier');
        return { link, actor };
      },
    }),
    assignCommand<MeldingRow, MeldingState, AssignCommand>({
      summary: 'Reassign the report (absence, workload), with a reason',
      roles: coordinators,
      update: assignUpdate,
      db: deps.db,
      // A crisis report goes to whoever handles crises, whatever their team; a regular one stays in its team.
      assignee: (row) => ({ roles: staff, teamId: row.triage === 'crisis' ? null : row.team_id }),
    }),
    command<MeldingRow, MeldingState, Body<AcknowledgeCommand>, AcknowledgeCommand>({
      path: 'acknowledge',
      summary: 'Pick up the report (crisis: acknowledge it); meets its deadline',
      roles: staff,
      body: commandBodies.acknowledge,
      update: acknowledgeUpdate,
      toCommand: (body, context) => ({ ...withActor(body, context), at: toIsoUtc(Date.now()) }),
    }),
    command<MeldingRow, MeldingState, Body<PauseCommand>, PauseCommand>({
      path: 'deadline/pause',
      summary: 'Pause (opschorten) the running deadline: the remaining budget is kept',
      roles: staff,
      body: commandBodies.pause,
      update: pauseDeadlineUpdate,
      toCommand: withActor,
    }),
    command<MeldingRow, MeldingState, Body<PauseCommand>, PauseCommand>({
      path: 'deadline/resume',
      summary: 'Resume a paused deadline: the due moment moves by the pause',
      roles: staff,
      body: commandBodies.pause,
      update: resumeDeadlineUpdate,
      toCommand: withActor,
    }),
    command<MeldingRow, MeldingState, Body<ExtendCommand>, ExtendCommand>({
      path: 'deadline/extend',
      summary: 'Extend (verlengen) the deadline by a number of hours, within its cap',
      roles: coordinators,
      body: commandBodies.extend,
      update: extendDeadlineUpdate,
      toCommand: withActor,
    }),
    command<MeldingRow, MeldingState, Body<FeedbackCommand>, FeedbackCommand>({
      path: 'feedback',
      summary: 'Record the feedback to the reporter (terugkoppeling); by e-mail it is queued in the outbox',
      roles: staff,
      body: commandBodies.feedback,
      update: feedbackUpdate,
      toCommand: withActor,
    }),
    command<MeldingRow, MeldingState, Body<CloseCommand>, CloseCommand>({
      path: 'close',
      summary: 'Close the report with its follow-ups; needs feedback given or a reason why not',
      roles: staff,
      body: commandBodies.close,
      update: closeUpdate,
      toCommand: withActor,
    }),
  ];
}
