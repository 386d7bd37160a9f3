import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestSystem, type TestSystem, testDataConverter } from './harness.js';
import { intake, locationOfTeam, post } from './melding-helpers.js';

// Histories recorded with the intake path before issue 15 (two saves through normal activities:
// `melding.registered`, then `melding.assigned`; the crisis roster read as a normal activity).
// The workflow now takes one save through a local activity behind `patched('melding-intake-v2')`;
// reports registered before that must replay unchanged. Binary (History.encode), encrypted with
// the test payload key (harness.ts TEST_PAYLOAD_KEYS).
//
// To record them again from the workflow code of the moment (only ever from a predecessor):
//   RECORD_MELDING_HISTORIES=1 npx vitest run test/integration/melding-intake-replay.test.ts
const fixtures = {
  regular: 'melding-intake-v1-regulier.bin',
  crisis: 'melding-intake-v1-crisis.bin',
  unlinked: 'melding-intake-v1-te-koppelen.bin',
} as const;
const recording = process.env.RECORD_MELDING_HISTORIES === '1';
const fixtureUrl = (file: string) => new URL(`./histories/${file}`, import.meta.url);

describe.skipIf(!recording)('recording the intake histories', () => {
  let sys: TestSystem;
  beforeAll(async () => {
    sys = await startTestSystem();
  });
  afterAll(async () => sys?.stop());

  async function save(workflowId: string, file: string) {
    const history = await sys.temporal.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(fixtureUrl(file), protos.temporal.api.history.v1.History.encode(history as protos.temporal.api.history.v1.IHistory).finish());
  }

  it('records a regular, a crisis and an unlinked report', async () => {
    const location = await locationOfTeam(sys, 'team-antwerpen');
    const coordinator = 'u-tc-antwerpen';
    const handler = location.case_manager_id!;

    const regular = await post(sys, '/meldingen', coordinator, intake.regular(location.location_id));
    expect(regular.status).toBe(201);
    await post(sys, `/meldingen/${regular.body.id}/acknowledge`, handler, { note: 'Bekeken.' });
    await post(sys, `/meldingen/${regular.body.id}/feedback`, handler, { channel: 'telefoon', message: 'Opgevolgd.' });
    const closed = await post(sys, `/meldingen/${regular.body.id}/close`, handler, { followUps: [{ kind: 'toegevoegd_aan_dossier' }] });
    expect(closed.body.phase).toBe('afgesloten');
    await sys.temporal.workflow.getHandle(`melding:${regular.body.id}`).result();
    await save(`melding:${regular.body.id}`, fixtures.regular);

    const crisis = await post(sys, '/meldingen', coordinator, intake.crisis(location.location_id));
    expect(crisis.status).toBe(201);
    expect(crisis.body.triage).toBe('crisis');
    await post(sys, `/meldingen/${crisis.body.id}/acknowledge`, crisis.body.assigneeId ?? coordinator, { note: 'Gebeld.' });
    await save(`melding:${crisis.body.id}`, fixtures.crisis);

    const { location: _l, ...unlinkedBody } = intake.regular(location.location_id);
    const unlinked = await post(sys, '/meldingen', coordinator, { ...unlinkedBody, location: { addressText: 'Ergens in Antwerpen' } });
    expect(unlinked.body.phase).toBe('te_koppelen');
    const linked = await post(sys, `/meldingen/${unlinked.body.id}/link`, handler, { locationId: location.location_id });
    expect(linked.body.phase).toBe('toegewezen');
    await save(`melding:${unlinked.body.id}`, fixtures.unlinked);
  });
});

describe.skipIf(recording)('intake histories recorded before issue 15', () => {
  for (const [kind, file] of Object.entries(fixtures)) {
    it.skipIf(!existsSync(fixtureUrl(file)))(`replays the ${kind} report`, async () => {
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
