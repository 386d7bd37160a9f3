import { readFileSync } from 'node:fs';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { testDataConverter } from './harness.js';

// Histories recorded with the intake path before issue 15 (two saves through normal activities:
// `melding.registered`, then `melding.assigned`; the crisis roster read as a normal activity).
// The workflow now takes one save through a local activity behind `patched('melding-intake-v2')`;
// reports registered before that must replay unchanged. Binary (History.encode), encrypted with
// the test payload key (harness.ts TEST_PAYLOAD_KEYS).
//
// They were recorded by a test block (commit bc0dac0, "recording the intake histories") run with the
// workflow code before the change; a fixture is recorded once, from the predecessor, never again.
const fixtures = {
  regular: 'melding-intake-v1-regulier.bin',
  crisis: 'melding-intake-v1-crisis.bin',
  unlinked: 'melding-intake-v1-te-koppelen.bin',
} as const;
const fixtureUrl = (file: string) => new URL(`./histories/${file}`, import.meta.url);

describe('intake histories recorded before issue 15', () => {
  for (const [kind, file] of Object.entries(fixtures)) {
    it(`replays the ${kind} report`, async () => {
      const history = protos.temporal.api.history.v1.History.decode(readFileSync(fixtureUrl(file)));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      expect(started?.workflowType?.name).toBe('meldingWorkflow');
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
        history,
        `melding:${file}`,
      );
    });
  }
});

// Reports the API registered and started while the workflow still saved the intake again in its
// first task (the backstop, a local activity), before `IntakeDecision.committed`: recorded at
// commit 3833a6a from that workflow code (a throw-away test run in a worktree of it), once.
const backstopFixtures = {
  regular: 'melding-intake-v3-backstop-regulier.bin',
  crisis: 'melding-intake-v3-backstop-crisis.bin',
} as const;

describe('histories of reports registered by the API with the backstop save', () => {
  for (const [kind, file] of Object.entries(backstopFixtures)) {
    it(`replays the ${kind} report, its backstop included`, async () => {
      const history = protos.temporal.api.history.v1.History.decode(readFileSync(fixtureUrl(file)));
      const markers = history.events?.map((e) => e.markerRecordedEventAttributes?.markerName).filter(Boolean);
      expect(markers).toContain('core_local_activity');
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: testDataConverter },
        history,
        `melding:${file}`,
      );
    });
  }
});
