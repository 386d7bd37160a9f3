import type { Role } from '../../../db/tables/reference.js';
import type { ScreeningTaskRow } from '../../../db/tables/screening.js';
import {
  type AssignScreeningCommand,
  assignScreeningUpdate,
  type CodeScreeningCommand,
  codeScreeningUpdate,
  type ScreeningTaskState,
} from '../../../workflows/screening/definitions.js';
import { teamAssignCommand } from '../../commands/assign.js';
import { command, withActor } from '../../commands/command-path.js';
import type { AppDependencies } from '../../dependencies.js';
import { codeBody } from '../../schemas/screening.js';

/** Who screens: case managers and team coordinators; admins read along. */
export const screeners: Role[] = ['klantenbeheerder', 'teamcoordinator'];

/** The commands of a screening task, each a Temporal Update of its workflow on the one command path. */
export const taskCommands = (deps: Pick<AppDependencies, 'db'>) => [
  command<ScreeningTaskRow, ScreeningTaskState, Omit<CodeScreeningCommand, 'actor'>, CodeScreeningCommand>({
    path: 'code',
    summary: 'Code a screening: risico, geen_risico or verder_onderzoek_nodig, with a motivation',
    description:
      'A Temporal Update validated by the task\'s workflow: 409 when the task is already coded, 400 for a motivation ' +
      'under 10 characters. verder_onderzoek_nodig sets up a follow-up on the dossier. The model only proposed the ' +
      'dossier: the decision is the case manager\'s.',
    roles: screeners,
    body: codeBody,
    update: codeScreeningUpdate,
    toCommand: withActor,
  }),
  teamAssignCommand<ScreeningTaskRow, ScreeningTaskState, AssignScreeningCommand>(deps.db, 'the screening task', assignScreeningUpdate, screeners),
];
