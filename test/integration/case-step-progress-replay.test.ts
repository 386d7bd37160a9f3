import { readFileSync } from 'node:fs';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { testDataConverter } from './harness.js';

// A case whose first step's progress was dropped (docs/reliability.md, gap 7), recorded by the
// fault check 1 of 2026-12-02 10:05 (FAULTS_CHECKS=1, a benchmark beside it): the worker running
// the case was killed right after it started the aanmaning; the next workflow task carried both
// the step's start and the step's first two `flowProgress` signals, the signals were handled
// first (before the start had resolved) and dropped, and the case never took a command: its
// start's Update (`start:HH-7013DD36`) was accepted and never completed. Payloads re-encrypted
// with the test payload key (harness.ts TEST_PAYLOAD_KEYS). The fix is behind
// `patched('case-progress-before-step-started')`: this history must replay unchanged.
const history = protos.temporal.api.history.v1.History.decode(readFileSync(new URL('./histories/case-step-progress-dropped-v1.bin', import.meta.url)));
const EventType = protos.temporal.api.enums.v1.EventType;

describe('a case recorded with its step progress dropped', () => {
  it('is the defect: the start was accepted, the step started and reported, the start never answered', () => {
    const types = (history.events ?? []).map((e) => e.eventType);
    expect(types.filter((t) => t === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(1);
    expect(types).toContain(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED);
    expect(types.filter((t) => t === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(2);
    expect(types).toContain(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    expect(types).not.toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  });

  it('replays against the current workflow code', async () => {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
      history,
      'handhaving:LOC-000031',
    );
  });
});
