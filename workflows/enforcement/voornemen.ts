import { patched, setHandler } from '@temporalio/workflow';
import {
  type ConcludeCommand,
  concludeUpdate,
  type DecisionKind,
  draftUpdate,
  type FlowInput,
  type FlowOutcome,
  flowStateQuery,
  hearingUpdate,
  reviewUpdate,
} from './definitions.js';
import { FlowRun, notNow, system } from './flow-kit.js';

/**
 * Voornemen tot beslissing: the case manager drafts it, a jurist approves it (a rejection sends
 * it back with remarks), it goes to the organiser by e-mail and registered letter, and the
 * organiser has the right to be heard (hoorrecht) within a term of working days. When the
 * hearing is done or its term has passed, the case manager concludes: on to the decision, or close.
 */
export async function voornemenWorkflow(input: FlowInput): Promise<FlowOutcome> {
  const run = new FlowRun(input, 'ontwerp van voornemen opstellen');
  const data = run.state.data as {
    draft?: { decision: DecisionKind; text: string; version: number };
    reviews: { approve: boolean; remarks: string; by: string }[];
    approved?: boolean;
    sentAt?: string;
    hearingUntil?: string;
    hearing: { action: string; at: string; note: string }[];
    termPassed?: boolean;
  };
  data.reviews = [];
  data.hearing = [];
  let conclusion: ConcludeCommand | undefined;

  setHandler(flowStateQuery, () => run.state);

  // ----- block 1: draft and legal review -----------------------------------------------------

  setHandler(draftUpdate, async (cmd) => {
    data.draft = { decision: cmd.decision, text: cmd.text, version: (data.draft?.version ?? 0) + 1 };
    run.enter('mijlpaal', 'juridisch nazicht door een jurist');
    await run.record(cmd.actor, 'voornemen.draft', `Ontwerp voornemen tot ${cmd.decision} (versie ${data.draft.version})`, { decision: cmd.decision });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (data.approved) throw notNow('The voornemen was already approved');
      if (data.draft && data.reviews.length < data.draft.version) throw notNow('The current draft awaits its review');
    },
  });

  setHandler(reviewUpdate, async (cmd) => {
    data.reviews.push({ approve: cmd.approve, remarks: cmd.remarks, by: cmd.actor.id });
    if (cmd.approve) data.approved = true;
    else run.enter('mijlpaal', 'ontwerp aanpassen na opmerkingen van de jurist');
    await run.record(cmd.actor, cmd.approve ? 'voornemen.approved' : 'voornemen.rejected', cmd.approve ? 'Voornemen goedgekeurd door jurist' : 'Voornemen teruggestuurd door jurist', { remarks: cmd.remarks });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (!data.draft || data.reviews.length >= data.draft.version) throw notNow('There is no draft waiting for review');
    },
  });

  // ----- block 3: hearing ----------------------------------------------------------------------

  setHandler(hearingUpdate, async (cmd) => {
    data.hearing.push({ action: cmd.action, at: cmd.at, note: cmd.note });
    const titles = { requested: 'Hoorzitting aangevraagd', planned: 'Hoorzitting gepland', report: 'Verslag van de hoorzitting' };
    await run.record(cmd.actor, `voornemen.hearing.${cmd.action}`, titles[cmd.action], { at: cmd.at, note: cmd.note });
    return run.state;
  }, {
    validator: (cmd) => {
      if (!data.sentAt) throw notNow('The voornemen has not been sent yet');
      if (conclusion) throw notNow('The hearing was already concluded');
      if (cmd.action !== 'requested' && !data.hearing.some((h) => h.action === 'requested')) throw notNow('No hearing was requested');
    },
  });

  setHandler(concludeUpdate, async (cmd) => {
    conclusion = cmd;
    await run.record(cmd.actor, 'voornemen.concluded', cmd.proceed ? 'Hoorrecht afgerond: naar beslissing' : 'Hoorrecht afgerond: dossier sluiten', { reason: cmd.reason });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (!data.sentAt) throw notNow('The voornemen has not been sent yet');
      if (conclusion) throw notNow('Already concluded');
      const heard = data.hearing.some((h) => h.action === 'report');
      if (!heard && !data.termPassed) throw notNow(`The hearing term runs until ${data.hearingUntil}; conclude after the hearing report or the term`);
    },
  });

  // ----- the flow ------------------------------------------------------------------------------

  await run.record(system, 'voornemen.started', `Voornemen gestart na mijlpaal ${input.milestone.kind}`, { milestone: input.milestone, proposed: input.decision });
  await run.waitUntil(() => data.approved === true);

  run.enter('communicatie', 'voornemen versturen');
  const sentAt = Date.now();
  const hearingUntil = run.workingDaysFrom(sentAt, input.settings.hearingTermWorkingDays);
  data.hearingUntil = new Date(hearingUntil).toISOString();
  const values = {
    location: run.location.locationName,
    decision: data.draft!.decision,
    decisionVerb: data.draft!.decision === 'schorsing' ? 'schorsen' : 'op te heffen',
    text: data.draft!.text,
    hearingUntil: data.hearingUntil.slice(0, 10),
  };
  await run.send('organisator', 'voornemen', 'email', 'voornemen', values);
  await run.send('organisator', 'voornemen', 'aangetekende_brief', 'voornemen', values);
  // Issue 13: also to the organiser's e-Box (when it has an enterprise number).
  if (patched('last-mile-letters')) await run.send('organisator', 'voornemen', 'ebox', 'voornemen', values);
  data.sentAt = new Date(sentAt).toISOString();
  await run.record(system, 'voornemen.sent', 'Voornemen verstuurd (e-mail en aangetekend); hoorrecht loopt', { hearingUntil: data.hearingUntil });

  run.enter('opvolging', `hoorrecht tot ${data.hearingUntil.slice(0, 10)}, dan besluiten`);
  run.at('hearing-reminder', hearingUntil - input.settings.reminderBeforeMs, 'Herinnering einde hoortermijn', async () => {
    if (!conclusion) await run.remind('hearing-reminder', 'de hoortermijn loopt bijna af', hearingUntil);
  });
  run.at('hearing-term', hearingUntil, 'Einde hoortermijn', async () => {
    data.termPassed = true;
    if (!conclusion) await run.remind('hearing-term', 'de hoortermijn is verstreken: besluit over het vervolg', hearingUntil);
  });
  await run.waitUntil(() => conclusion !== undefined);

  await run.finish();
  return conclusion!.proceed
    ? { result: 'proceed', decision: data.draft!.decision, reason: conclusion!.reason }
    : { result: 'closed', reason: conclusion!.reason };
}
