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
} from './definitions.js';
import { FlowRun, notNow, onDraftAndReview, type Review, system } from './flow-kit.js';

/** What the voornemen keeps in its state's data. */
export interface VoornemenData {
  draft?: { decision: DecisionKind; text: string; version: number };
  reviews: Review[];
  approved?: boolean;
  sentAt?: string;
  hearingUntil?: string;
  hearing: { action: string; at: string; note: string }[];
  termPassed?: boolean;
}

/**
 * Voornemen tot beslissing: the case manager drafts it, a jurist approves it (a rejection sends
 * it back with remarks), it goes to the organiser by e-mail and registered letter, and the
 * organiser has the right to be heard (hoorrecht) within a term of working days. When the
 * hearing is done or its term has passed, the case manager concludes: on to the decision, or close.
 */
export async function voornemenWorkflow(input: FlowInput): Promise<FlowOutcome> {
  const run = new FlowRun(input, 'ontwerp van voornemen opstellen');
  const data = run.state.data as unknown as VoornemenData;
  data.reviews = [];
  data.hearing = [];
  let conclusion: ConcludeCommand | undefined;
  run.guard.keep(() => {
    const saved = conclusion;
    return () => {
      conclusion = saved;
    };
  });

  setHandler(flowStateQuery, () => run.state);

  // ----- block 1: draft and legal review -----------------------------------------------------

  onDraftAndReview(run, data, {
    update: draftUpdate,
    event: 'voornemen',
    what: 'voornemen',
    draft: (cmd, version) => ({ decision: cmd.decision, text: cmd.text, version }),
    details: (cmd) => ({ decision: cmd.decision }),
  });

  // ----- block 3: hearing ----------------------------------------------------------------------

  run.guard.onUpdate(hearingUpdate, async (cmd) => {
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

  run.guard.onUpdate(concludeUpdate, async (cmd) => {
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
  const remindBeforeEnd = (id: string) => async () => {
    if (!conclusion) await run.remind(id, 'de hoortermijn loopt bijna af', Date.parse(data.hearingUntil!));
  };
  const termEnds = (id: string) => async () => {
    data.termPassed = true;
    if (!conclusion) await run.remind(id, 'de hoortermijn is verstreken: besluit over het vervolg', Date.parse(data.hearingUntil!));
  };
  run.at('hearing-reminder', hearingUntil - input.settings.reminderBeforeMs, 'Herinnering einde hoortermijn', remindBeforeEnd('hearing-reminder'));
  run.at('hearing-term', hearingUntil, 'Einde hoortermijn', termEnds('hearing-term'));
  // The hearing term runs from the notification of the registered letter once its date is known.
  run.termFromLetter(run.keyOf('organisator', 'voornemen', 'aangetekende_brief'), async (termFrom) => {
    const until = run.workingDaysFrom(run.startOfDate(termFrom), input.settings.hearingTermWorkingDays);
    if (conclusion || until <= Date.parse(data.hearingUntil!) || !patched('letter-term-from-notification')) return;
    data.hearingUntil = new Date(until).toISOString();
    data.termPassed = false;
    run.moveTimer('hearing-reminder', until - input.settings.reminderBeforeMs, 'Herinnering einde hoortermijn', (id) => remindBeforeEnd(id)());
    run.moveTimer('hearing-term', until, 'Einde hoortermijn', (id) => termEnds(id)());
    run.enter('opvolging', `hoorrecht tot ${data.hearingUntil.slice(0, 10)}, dan besluiten`);
    await run.record(system, 'voornemen.term_recounted', `Hoortermijn herrekend vanaf de betekening van de aangetekende brief (${termFrom}): tot ${data.hearingUntil.slice(0, 10)}`, { termFrom, hearingUntil: data.hearingUntil });
  });
  await run.waitUntil(() => conclusion !== undefined);

  await run.finish();
  return conclusion!.proceed
    ? { result: 'proceed', decision: data.draft!.decision, reason: conclusion!.reason }
    : { result: 'closed', reason: conclusion!.reason };
}
