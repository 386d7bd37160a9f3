import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { civilFromDays, daysBetween, daysFromCivil, endOfLocalDay, parseLocalDate, toBrusselsDateTime, toIsoUtc } from '../clock/brussels-time.js';
import { type Actor, system } from '../shared/actor.js';
import {
  type ReplacementCapacityInput,
  type ReplacementCapacityState,
  replacementCapacityQuery,
  replacementCapacityUpdate,
} from './definitions.js';
import { durable } from './flow-kit.js';
import { notNow } from './flow-kit.js';


/** 'YYYY-MM-DD' plus whole months, the day clamped to the month's last (31 January + 1 month = 28/29 February). */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parseLocalDate(date);
  const m0 = month - 1 + months;
  const y = year + Math.floor(m0 / 12);
  const m = (m0 % 12 + 12) % 12 + 1;
  const last = civilFromDays(daysFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1) - 1).day;
  return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(day, last)).padStart(2, '0')}`;
}

/** "12/12/2026 om 19:30" (Brussels) for an invitation. */
export function formatSessionMoment(iso: string): string {
  const t = toBrusselsDateTime(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(t.day)}/${p(t.month)}/${t.year} om ${p(t.hour)}:${p(t.minute)}`;
}

/**
 * The municipality's temporary replacement capacity for the places a decision frees (DOMAIN.md
 * §2: 12 months, extendable once by 6): its state in the register per municipality and on the
 * dossier, a reminder to the municipality and the case manager before the end, then its end.
 * Started by the decision's flow (abandoned when that flow ends: it outlives it). With
 * `compressDayMs` every day is that many ms, from the workflow's start.
 */
export async function replacementCapacityWorkflow(input: ReplacementCapacityInput): Promise<ReplacementCapacityState> {
  const s = input.settings;
  const months = s.replacementCapacityMonths ?? 12;
  const extension = s.replacementExtensionMonths ?? 6;
  const reminderDays = s.replacementReminderDays ?? 30;
  const started = Date.now();
  const workflowId = workflowInfo().workflowId;
  const momentOf = (date: string) => (s.compressDayMs ? started + daysBetween(input.decidedOn, date) * s.compressDayMs : endOfLocalDay(date));
  const dayMs = s.compressDayMs ?? 86_400_000;
  const endsOn = addMonths(input.decidedOn, months);
  const state: ReplacementCapacityState = { decisionId: input.decisionId, status: 'lopend', startsOn: input.decidedOn, endsOn, endsAt: toIsoUtc(momentOf(endsOn)), extended: false, reminders: 0 };
  let events = 0;
  let ended: { actor: Actor; reason: string } | undefined;
  const values = () => ({ location: input.location.locationName, places: String(input.places), endsOn: state.endsOn });

  async function save(actor: Actor, title: string) {
    events += 1;
    await durable.saveReplacementCapacity({
      key: `${workflowId}:${events}`,
      decisionId: input.decisionId,
      caseId: input.caseId,
      location: input.location,
      places: input.places,
      startsOn: state.startsOn,
      endsOn: state.endsOn,
      endsAt: state.endsAt,
      extended: state.extended,
      status: state.status,
      workflowId,
      title,
      actor,
    });
  }
  async function send(recipient: 'lokaal_bestuur' | 'klantenbeheerder', kind: string, template: 'vervangcapaciteit_herinnering' | 'vervangcapaciteit_einde' | 'herinnering_handhaving', v: Record<string, string>) {
    const channel = recipient === 'lokaal_bestuur' ? 'email' : 'intern';
    await durable.sendCommunication({ key: `${input.caseId}:${workflowId}:${recipient}:${kind}:${channel}`, caseId: input.caseId, location: input.location, recipient, channel, template, values: v });
  }

  setHandler(replacementCapacityQuery, () => state);
  setHandler(replacementCapacityUpdate, async (cmd) => {
    if (cmd.action === 'end') {
      ended = { actor: cmd.actor, reason: cmd.reason };
      await condition(() => state.status === 'beeindigd');
      return state;
    }
    state.endsOn = addMonths(state.endsOn, extension);
    state.endsAt = toIsoUtc(momentOf(state.endsOn));
    state.extended = true;
    state.status = 'verlengd';
    await save(cmd.actor, `Vervangcapaciteit verlengd tot ${state.endsOn}: ${cmd.reason}`);
    return state;
  }, {
    validator: (cmd) => {
      if (state.status === 'afgelopen' || state.status === 'beeindigd' || ended) throw notNow('The replacement capacity has ended');
      if (cmd.action === 'extend' && state.extended) throw notNow(`The replacement capacity was already extended once (by ${extension} months)`);
    },
  });

  await save(system, `Tijdelijke vervangcapaciteit: ${input.places} plaatsen in ${input.location.municipality} tot ${state.endsOn}`);
  let remindedFor = '';
  for (;;) {
    const seen = state.endsOn;
    const endsAt = momentOf(seen);
    const remindAt = endsAt - reminderDays * dayMs;
    const moved = () => state.endsOn !== seen || ended !== undefined;
    if (remindedFor !== seen && Date.now() < remindAt) {
      if (await condition(moved, Math.max(remindAt - Date.now(), 1))) {
        if (ended) break;
        continue;
      }
    }
    if (remindedFor !== seen) {
      remindedFor = seen;
      state.reminders += 1;
      const extensionText = state.extended ? 'De termijn werd al eenmaal verlengd en kan niet verder verlengd worden.' : `De termijn kan eenmaal met ${extension} maanden verlengd worden; vraag dat tijdig aan bij de intersectorale medewerker van Opgroeien.`;
      await send('lokaal_bestuur', `vervangcapaciteit-herinnering:${state.reminders}`, 'vervangcapaciteit_herinnering', { ...values(), extension: extensionText });
      await send('klantenbeheerder', `vervangcapaciteit-herinnering:${state.reminders}`, 'herinnering_handhaving', { caseId: input.caseId, location: input.location.locationName, what: `de tijdelijke vervangcapaciteit (${input.places} plaatsen) loopt af op ${state.endsOn}${state.extended ? '' : '; verlengen kan eenmaal'}`, dueAt: state.endsAt });
      continue;
    }
    if (await condition(moved, Math.max(endsAt - Date.now(), 1))) {
      if (ended) break;
      continue;
    }
    state.status = 'afgelopen';
    await save(system, `Tijdelijke vervangcapaciteit afgelopen op ${state.endsOn}`);
    await send('lokaal_bestuur', 'vervangcapaciteit-einde', 'vervangcapaciteit_einde', values());
    return state;
  }
  state.status = 'beeindigd';
  await save(ended!.actor, `Tijdelijke vervangcapaciteit beëindigd: ${ended!.reason}`);
  return state;
}

