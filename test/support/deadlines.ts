// Deadlines of seconds for tests, the fault checks and the bench (DEADLINE_OVERRIDES,
// docs/deadlines.md): a kind's budget and escalation ladder, so escalations happen while one watches.

/** One rung: its id, its offset from the due moment (ms, negative before it) and whom it alerts. */
export type Rung = [id: string, offsetMs: number, target: string];

/** A deadline kind's override: a budget of `budgetMs` (as clock hours) and its ladder. */
export function secondsDeadline(budgetMs: number, ...rungs: Rung[]) {
  return { budget: { unit: 'hours', amount: budgetMs / 3_600_000 }, rungs: rungs.map(([id, offsetMs, target]) => ({ id, offsetMs, target })) };
}

/** A regular report's ladder (report_follow_up): the handler before, the team coordinator at, the central lead after (when given). */
export function reportRungs(beforeMs: number, afterMs?: number): Rung[] {
  return [
    ['reminder_handler', -beforeMs, 'handler'],
    ['due_teamcoordinator', 0, 'teamcoordinator'],
    ...(afterMs === undefined ? [] : [['overdue_central_lead', afterMs, 'central_lead'] as Rung]),
  ];
}

/** A crisis report's ladder (crisis_report_acknowledgement): the coordinator on duty before, the next one at, the central lead after. */
export function crisisRungs(beforeMs: number, afterMs: number): Rung[] {
  return [
    ['reminder_handler', -beforeMs, 'handler'],
    ['due_next_coordinator', 0, 'next_coordinator'],
    ['overdue_central_lead', afterMs, 'central_lead'],
  ];
}
