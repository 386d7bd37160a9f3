import type { FlowInput, FlowOutcome } from './definitions.js';
import { DecisionFlow } from './decision.js';
import { system } from './flow-kit.js';

/**
 * Beslissing bij dringende noodzakelijkheid: when children's integrity is at risk, the decision
 * is taken without a prior hearing, communicated at once and in force immediately; an objection
 * does not suspend it (precautionary principle).
 */
export async function dringendeBeslissingWorkflow(input: FlowInput): Promise<FlowOutcome> {
  const flow = new DecisionFlow(input, true);
  await flow.run.record(system, 'dringende_beslissing.started', `Dringende beslissing gestart na mijlpaal ${input.milestone.kind}`, { milestone: input.milestone });

  await flow.drafted();
  await flow.communicate();

  return flow.followUp();
}
