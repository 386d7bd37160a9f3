import type { FlowInput, FlowOutcome } from './definitions.js';
import { DecisionFlow } from './decision.js';
import { system } from './flow-kit.js';

/**
 * Beslissing tot schorsing of opheffing, after the voornemen and the hearing: drafted, approved
 * by a jurist, the organiser informed orally first (at least one working day before where
 * possible), then the formal decision by e-mail and registered letter, then the parents and the
 * local government. An objection suspends it until it is decided; a suspension's end date asks
 * for a verification.
 */
export async function beslissingWorkflow(input: FlowInput): Promise<FlowOutcome> {
  const flow = new DecisionFlow(input, false);
  const { run, data } = flow;
  await run.record(system, 'beslissing.started', `Beslissing gestart na mijlpaal ${input.milestone.kind}`, { milestone: input.milestone, proposed: input.decision });

  await flow.drafted();

  run.enter('communicatie', 'organisator mondeling vooraf inlichten');
  await run.waitUntil(() => data.oralNotice !== undefined);
  await flow.communicate();

  return flow.followUp();
}
