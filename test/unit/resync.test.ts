import { describe, expect, it } from 'vitest';
import type { CaseState, FlowState } from '../../workflows/enforcement/definitions.js';
import { stepWithoutProgress } from '../../workflows/enforcement/resync.js';

// Which running case the operator's repair (npm run cases:resync) asks to hear its step again.

const started = '2026-03-02T10:00:00.000Z';
const at = (s: number) => Date.parse(started) + s * 1000;
const step = { flow: 'aanmaning' as const, workflowId: 'handhaving:LOC-1/abcd/1-aanmaning', startedAt: started, endedAt: null, outcome: null };
const caseWith = (over: Partial<CaseState>): CaseState => ({ caseId: 'HH-1', status: 'open', steps: [step], current: null, ...over }) as CaseState;

describe('stepWithoutProgress', () => {
  it('names a running step its case has not heard from after the grace', () => {
    expect(stepWithoutProgress(caseWith({}), at(121), 120_000)).toEqual({ workflowId: step.workflowId, since: started });
  });

  it('leaves a step just started: its first report may be on its way', () => {
    expect(stepWithoutProgress(caseWith({}), at(119), 120_000)).toBeNull();
  });

  it('leaves a case that knows its step, one between steps, one without steps, a closed one', () => {
    expect(stepWithoutProgress(caseWith({ current: { seq: 1 } as FlowState }), at(600), 120_000)).toBeNull();
    expect(stepWithoutProgress(caseWith({ steps: [{ ...step, endedAt: '2026-03-02T10:05:00.000Z' }] }), at(600), 120_000)).toBeNull();
    expect(stepWithoutProgress(caseWith({ steps: [] }), at(600), 120_000)).toBeNull();
    expect(stepWithoutProgress(caseWith({ status: 'closed' }), at(600), 120_000)).toBeNull();
  });
});
