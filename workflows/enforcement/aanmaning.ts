import { patched, setHandler } from '@temporalio/workflow';
import {
  type FlowInput,
  type FlowOutcome,
  flowStateQuery,
  mentesContactUpdate,
  type RemedyOutcomeCommand,
  remedyOutcomeUpdate,
  shortcomingsUpdate,
  talkUpdate,
} from './definitions.js';
import { FlowRun, invalid, notNow, system } from './flow-kit.js';

/** What the aanmaning keeps in its state's data. */
export interface AanmaningData {
  shortcomings?: string[];
  remedyBy?: string;
  talk?: { at: string; summary: string };
  sentAt?: string;
  mentesContactAt?: string;
  remedyTermPassed?: boolean;
}

/**
 * Aanmaning: the case manager sets the shortcomings and the remedy deadline, talks to the
 * organiser, then the written aanmaning goes out by e-mail and registered letter and Mentes is
 * told, who must contact the location within 2 working days. At the deadline the case manager
 * records whether the shortcomings were remedied: remedied closes the case, not remedied is the
 * milestone for the voornemen.
 */
export async function aanmaningWorkflow(input: FlowInput): Promise<FlowOutcome> {
  const run = new FlowRun(input, 'tekortkomingen en hersteltermijn vastleggen');
  const data = run.state.data as AanmaningData;
  let outcome: RemedyOutcomeCommand | undefined;
  let remedyDue: number | undefined;
  run.guard.keep(() => {
    const saved = outcome;
    return () => {
      outcome = saved;
    };
  });
  const remedyTermPassed = () => data.remedyTermPassed === true || (remedyDue !== undefined && Date.now() >= remedyDue);

  setHandler(flowStateQuery, () => run.state);

  // ----- block 1: the milestone, and what the aanmaning will say ----------------------------

  run.guard.onUpdate(shortcomingsUpdate, async (cmd) => {
    data.shortcomings = cmd.shortcomings;
    data.remedyBy = cmd.remedyBy;
    run.enter('mijlpaal', 'gesprek met de organisator vastleggen');
    await run.record(cmd.actor, 'aanmaning.shortcomings', `Tekortkomingen vastgelegd; herstel tegen ${cmd.remedyBy}`, { shortcomings: cmd.shortcomings, remedyBy: cmd.remedyBy });
    return run.state;
  }, {
    validator: (cmd) => {
      // After the talk the written aanmaning goes out: what it says can no longer change.
      if (data.talk) throw notNow('The talk was recorded and the aanmaning is sent; its shortcomings can no longer change');
      if (cmd.shortcomings.length === 0) throw invalid('Name at least one shortcoming');
      if (run.endOfDate(cmd.remedyBy) <= Date.now()) throw invalid('The remedy deadline must lie in the future');
    },
  });

  run.guard.onUpdate(talkUpdate, async (cmd) => {
    data.talk = { at: cmd.at, summary: cmd.summary };
    run.noteSpoken('organisator', 'aanmaningsgesprek', cmd.at);
    await run.record(cmd.actor, 'aanmaning.talk', 'Aanmaningsgesprek met de organisator', { at: cmd.at, summary: cmd.summary });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (!data.shortcomings) throw notNow('Set the shortcomings and the remedy deadline first');
      if (data.talk) throw notNow('The talk was already recorded');
    },
  });

  // ----- block 3: follow-up ------------------------------------------------------------------

  run.guard.onUpdate(mentesContactUpdate, async (cmd) => {
    data.mentesContactAt = cmd.at;
    run.cancelTimer('mentes');
    await run.record(cmd.actor, 'aanmaning.mentes_contact', 'Mentes nam contact op met de voorziening', { at: cmd.at });
    return run.state;
  }, {
    validator: (_cmd) => {
      if (!data.sentAt) throw notNow('The aanmaning has not been sent yet');
      if (data.mentesContactAt) throw notNow('Mentes\'s contact was already recorded');
    },
  });

  run.guard.onUpdate(remedyOutcomeUpdate, async (cmd) => {
    outcome = cmd;
    if (cmd.earlyEscalation) {
      await run.record(cmd.actor, 'aanmaning.early_escalation', `Vroegtijdige escalatie vóór het einde van de hersteltermijn: ${cmd.earlyEscalation.reason}`, {
        remedied: false,
        evidence: cmd.evidence,
        earlyEscalation: cmd.earlyEscalation,
        remedyBy: data.remedyBy,
      });
    } else {
      await run.record(cmd.actor, 'aanmaning.outcome', cmd.remedied ? 'Tekortkomingen hersteld' : 'Tekortkomingen niet hersteld', { remedied: cmd.remedied, evidence: cmd.evidence });
    }
    return run.state;
  }, {
    validator: (cmd) => {
      if (!data.sentAt) throw notNow('The aanmaning has not been sent yet');
      if (outcome) throw notNow('The outcome was already recorded');
      if (cmd.earlyEscalation && cmd.remedied) throw invalid('An early escalation is only for shortcomings that are not remedied');
      // "Not remedied" is only a fact once the term has passed; before that only an explicit, reasoned escalation.
      if (!cmd.remedied && !cmd.earlyEscalation && !remedyTermPassed()) {
        throw notNow(`The remedy term runs until ${data.remedyBy}; record "not remedied" after it, or escalate early with a reason (earlyEscalation)`);
      }
      if (cmd.earlyEscalation && remedyTermPassed()) throw notNow('The remedy term has passed: record the outcome without earlyEscalation');
    },
  });

  // ----- the flow ----------------------------------------------------------------------------

  await run.record(system, 'aanmaning.started', `Aanmaning gestart na mijlpaal ${input.milestone.kind}`, { milestone: input.milestone });
  await run.waitUntil(() => data.talk !== undefined);

  run.enter('communicatie', 'schriftelijke aanmaning versturen');
  const values = {
    location: run.location.locationName,
    municipality: run.location.municipality,
    caseId: input.caseId,
    talkOn: data.talk!.at.slice(0, 10),
    shortcomings: data.shortcomings!.map((s) => `- ${s}`).join('\n'),
    remedyBy: data.remedyBy!,
  };
  await run.send('organisator', 'aanmaning', 'email', 'aanmaning', values);
  await run.send('organisator', 'aanmaning', 'aangetekende_brief', 'aanmaning', values);
  // Issue 13: also to the organiser's e-Box (when it has an enterprise number).
  if (patched('last-mile-letters')) await run.send('organisator', 'aanmaning', 'ebox', 'aanmaning', values);
  await run.send('mentes', 'aanmaning', 'email', 'mentes_aanmaning', values);
  const sentAt = Date.now();
  data.sentAt = new Date(sentAt).toISOString();
  await run.record(system, 'aanmaning.sent', 'Aanmaning verstuurd (e-mail en aangetekend); Mentes verwittigd');

  run.enter('opvolging', `herstel nagaan tegen ${data.remedyBy}`);
  const mentesDue = run.workingDaysFrom(sentAt, input.settings.mentesContactWorkingDays);
  run.at('mentes', mentesDue, 'Contact door Mentes', async () => {
    if (!data.mentesContactAt) await run.remind('mentes', 'Mentes heeft nog geen contact bevestigd', mentesDue);
  });
  remedyDue = run.endOfDate(data.remedyBy!);
  run.at('remedy', remedyDue, 'Hersteltermijn', async () => {
    data.remedyTermPassed = true;
    if (!outcome) await run.remind('remedy', 'de hersteltermijn is verstreken: leg vast of de tekortkomingen hersteld zijn', remedyDue!);
  });
  await run.waitUntil(() => outcome !== undefined);

  await run.finish();
  if (outcome!.remedied) return { result: 'remedied', reason: outcome!.evidence };
  return outcome!.earlyEscalation
    ? { result: 'not_remedied', reason: outcome!.evidence, earlyEscalation: outcome!.earlyEscalation }
    : { result: 'not_remedied', reason: outcome!.evidence };
}
