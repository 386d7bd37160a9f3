import { closedObject, idString } from './common.js';

/**
 * The body of every process's reassign command (`POST /<record>/assign`: reports, enforcement
 * cases, inspections, screening tasks): whom to, and why. A reason must say something: blanks
 * only are refused.
 */
export const assignBody = closedObject({
  assigneeId: { ...idString, description: 'The active staff member who takes the work over' },
  reason: { type: 'string', minLength: 3, maxLength: 2_000, pattern: '\\S', description: 'Why (absence, workload): on the timeline and in the audit trail' },
}, ['assigneeId', 'reason']);

export interface AssignBody {
  assigneeId: string;
  reason: string;
}
