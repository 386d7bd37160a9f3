import type { UpdateDefinition } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { findUser } from '../../db/repositories/users.js';
import type { Database } from '../../db/schema.js';
import type { Role } from '../../db/tables/reference.js';
import type { Actor } from '../../workflows/shared/actor.js';
import { HttpProblem, problemTypes } from '../problems.js';
import { type AssignBody, assignBody } from '../schemas/assign.js';
import { command, type DeclaredCommand, withActor } from './command-path.js';

/**
 * Reassigning work (absence, workload) is one command for every process: reports, enforcement
 * cases, inspections and screening tasks each declare it here, with who may give it and who may
 * take the work over; the command then travels the one command path (command-path.ts) to the
 * process's own Update, which records the change with the reason (docs/work-surfaces.md).
 */

/** Who reassigns an enforcement case, an inspection or a screening task: the team coordinator of its team (the scope finds only those). */
export const reassigners: readonly Role[] = ['teamcoordinator'];

/** Who may take the work over: an active staff member of one of these roles, of this team when one is named. */
export interface AssigneeRule {
  roles: readonly Role[];
  /** The record's team; null: any team (a crisis report goes to the coordinators on duty, whatever their team). */
  teamId: string | null;
}

const refused = (message: string) =>
  new HttpProblem(400, problemTypes.validation, 'Bad Request', `body.assigneeId ${message}`, { errors: [{ field: 'body.assigneeId', message }] });

/**
 * The one check of a new assignee: known, active, of a role that does this work and, where the
 * record belongs to a team, of that team. Refused: 400 problem+json, the same for an unknown
 * user as for one who may not take the work (it says nothing the user list does not).
 */
export async function checkAssignee(db: Kysely<Database>, assigneeId: string, rule: AssigneeRule): Promise<void> {
  const user = await findUser(db, assigneeId);
  const roles = rule.roles.join(' or ');
  if (!user || !user.active || !rule.roles.includes(user.role)) throw refused(`is not an active ${roles}`);
  if (rule.teamId !== null && user.team_id !== rule.teamId) throw refused(`is not an active ${roles} of team ${rule.teamId}`);
}

export interface AssignSpec<Row, State, Cmd> {
  summary: string;
  /** Who may reassign (the caller's role); the caller's scope is the process's `find`. */
  roles: readonly Role[];
  update: UpdateDefinition<State, [Cmd]>;
  db: Kysely<Database>;
  /** Who may take this record over. */
  assignee(row: Row): AssigneeRule;
}

const description =
  'Hands the work over to another active staff member of the record\'s team, with a reason that the timeline and the ' +
  'audit trail keep; Mijn werk shows the new assignee at once. 400 when the new assignee is unknown, inactive or may ' +
  'not take the work; 404 when the record does not exist or lies outside the caller\'s scope; 409 when it is already ' +
  'assigned to that person or has ended. An Idempotency-Key makes a retried command count once.';

/** The reassign command of a process: `POST <record>/assign {assigneeId, reason}`. */
export function assignCommand<Row, State, Cmd extends AssignBody & { actor: Actor }>(spec: AssignSpec<Row, State, Cmd>): DeclaredCommand<Row, State> {
  return command<Row, State, AssignBody, Cmd>({
    path: 'assign',
    summary: spec.summary,
    description,
    roles: spec.roles,
    body: assignBody,
    update: spec.update,
    async toCommand(body, context) {
      await checkAssignee(spec.db, body.assigneeId, spec.assignee(context.row));
      // The body as the command with who gave it: the shape every process's assign command has.
      return withActor(body, context) as Cmd;
    },
  });
}

/**
 * The reassign command of a record of a team (an enforcement case, an inspection request, a
 * screening task): the team coordinator hands `what` to one of `takers` of the record's team.
 */
export function teamAssignCommand<Row extends { team_id: string | null }, State, Cmd extends AssignBody & { actor: Actor }>(
  db: Kysely<Database>,
  what: string,
  update: UpdateDefinition<State, [Cmd]>,
  takers: readonly Role[],
): DeclaredCommand<Row, State> {
  return assignCommand<Row, State, Cmd>({
    summary: `Hand ${what} to another case manager of its team (absence, workload), with a reason`,
    roles: reassigners,
    update,
    db,
    assignee: (row) => ({ roles: takers, teamId: row.team_id }),
  });
}
