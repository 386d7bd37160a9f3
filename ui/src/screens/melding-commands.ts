// The commands on one report, as forms: only those that make sense in its phase and for the
// user's role. Each form sends its own Idempotency-Key (kept for retries of one submission).
import { inputError } from '../lib/alerts.js';
import { checkbox, field, h, select, val } from '../lib/dom.js';
import type { Me } from '../lib/session.js';
import type { Melding } from './melding-detail.js';
import { assigneeOptions, personLabel } from '../lib/people.js';

type OnUpdated = (updated: Melding, message: string) => void;
import { label, labels } from '../lib/format.js';
import { locationLookup } from './locations.js';
import { type CommandSpec, commandForm } from '../components/command-form.js';

const staff = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
const coordinators = ['teamcoordinator', 'crisiscoordinator'];

const reasonField = (labelText = 'Reden', name = 'reason', required = true): HTMLElement =>
  field(labelText, h('textarea', { name, rows: 2, required, minlength: 3, maxlength: 2000 }));
const basisField = () =>
  field('Grondslag', h('input', { type: 'text', name: 'basis', required: true, minlength: 3, maxlength: 2000 }), 'De regel of afspraak waarop de wijziging steunt');

/** A command form for this melding: posted to /meldingen/{id}/{path}. */
const commandFor = <B>(item: Melding, onUpdated: OnUpdated, spec: CommandSpec<B>) => commandForm<Melding, B>(`/meldingen/${encodeURIComponent(item.id)}`, onUpdated, spec);


function triageForm(m: Melding, onUpdated: OnUpdated) {
  return commandFor(m, onUpdated, {
    path: 'triage',
    title: 'Triage bevestigen of wijzigen',
    submitLabel: 'Triage vastleggen',
    collapsed: m.triageConfirmed,
    hint: m.triageConfirmed ? null : `Voorstel van de regel: ${label(labels.triage, m.triageProposed)}. Bevestig of wijzig het, met een reden.`,
    fields: [field('Triage', select('triage', Object.entries(labels.triage), m.triage)), reasonField()],
    toBody: (f: HTMLFormElement) => ({ triage: val(f, 'triage'), reason: val(f, 'reason') }),
    done: 'Triage vastgelegd.',
  });
}

function linkForm(m: Melding, onUpdated: OnUpdated) {
  const input = h('input', { type: 'text', name: 'locationId', required: true, placeholder: 'LOC-…', maxlength: 64, value: m.locationId ?? '' });
  return commandFor(m, onUpdated, {
    path: 'link',
    title: 'Koppelen aan locatie',
    submitLabel: 'Koppelen',
    hint: 'De melding wordt daarna toegewezen volgens de triage.',
    fields: [field('Locatie-id', input), locationLookup(input)],
    toBody: (f: HTMLFormElement) => ({ locationId: val(f, 'locationId') }),
    done: 'Melding gekoppeld en toegewezen.',
  });
}

function assignForm(m: Melding, onUpdated: OnUpdated) {
  return commandFor(m, onUpdated, {
    path: 'assign',
    title: 'Toewijzen',
    submitLabel: 'Toewijzen',
    collapsed: true,
    fields: [
      field('Nieuwe behandelaar', select('assigneeId', [['', 'kies…'], ...assigneeOptions((p) => ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator'].includes(p.role)
        && p.id !== m.assigneeId && (m.triage === 'crisis' ? p.role === 'crisiscoordinator' || p.teamId === m.teamId : p.teamId === m.teamId))], '', { required: true })),
      reasonField(),
    ],
    toBody: (f: HTMLFormElement) => ({ assigneeId: val(f, 'assigneeId'), reason: val(f, 'reason') }),
    done: 'Melding toegewezen.',
  });
}

function acknowledgeForm(m: Melding, onUpdated: OnUpdated, me: Me) {
  const other = m.assigneeId && m.assigneeId !== me.id;
  return commandFor(m, onUpdated, {
    path: 'acknowledge',
    title: 'Opnemen',
    submitLabel: 'Opnemen',
    hint: `Je neemt de melding op en beoordeelt ze; daarmee is de termijn gehaald.${other ? ` Ze is toegewezen aan ${personLabel(m.assigneeId)}.` : ''}`,
    fields: [field('Notitie (optioneel)', h('textarea', { name: 'note', rows: 2, maxlength: 5000 }))],
    toBody: (f: HTMLFormElement) => (val(f, 'note') ? { note: val(f, 'note') } : {}),
    done: 'Melding opgenomen.',
  });
}

function deadlineForms(m: Melding, onUpdated: OnUpdated, me: Me) {
  const d = m.live?.deadline;
  if (!d || m.live?.deadlineMet) return [];
  const forms: HTMLElement[] = [];
  const pauseBody = (f: HTMLFormElement) => ({ reason: val(f, 'reason'), basis: val(f, 'basis') });
  if (d.state === 'running') {
    forms.push(commandFor(m, onUpdated, {
      path: 'deadline/pause', title: 'Termijn opschorten', submitLabel: 'Opschorten', collapsed: true,
      hint: 'De resterende tijd blijft bewaard tot je de termijn hervat.',
      fields: [reasonField(), basisField()], toBody: pauseBody, done: 'Termijn opgeschort.',
    }));
  } else {
    forms.push(commandFor(m, onUpdated, {
      path: 'deadline/resume', title: 'Termijn hervatten', submitLabel: 'Hervatten', collapsed: true,
      fields: [reasonField(), basisField()], toBody: pauseBody, done: 'Termijn hervat.',
    }));
  }
  const room = (d.extensionCap ?? 0) - (d.extensionTotal ?? 0);
  if (coordinators.includes(me.role) && room > 0) {
    const unit = label(labels.budgetUnit, d.budget?.unit);
    forms.push(commandFor(m, onUpdated, {
      path: 'deadline/extend', title: 'Termijn verlengen', submitLabel: 'Verlengen', collapsed: true,
      hint: `Nog ${room} ${unit} verlenging mogelijk (maximum ${d.extensionCap} ${unit}).`,
      fields: [
        field('Verlengen met (uren)', h('input', { type: 'number', name: 'hours', required: true, min: 0.25, max: Math.min(720, room), step: 0.25 })),
        reasonField(), basisField(),
      ],
      toBody: (f: HTMLFormElement) => ({ hours: Number(val(f, 'hours')), reason: val(f, 'reason'), basis: val(f, 'basis') }),
      done: 'Termijn verlengd.',
    }));
  }
  return forms;
}

function feedbackForm(m: Melding, onUpdated: OnUpdated) {
  const given = m.live?.feedback;
  return commandFor(m, onUpdated, {
    path: 'feedback',
    title: 'Terugkoppeling aan de melder',
    submitLabel: 'Terugkoppeling vastleggen',
    collapsed: Boolean(given),
    hint: 'Per e-mail gaat het bericht naar de uitgaande post; per telefoon of brief noteer je wat de melder te horen kreeg.',
    fields: [
      field('Kanaal', select('channel', Object.entries(labels.feedbackChannel), 'telefoon')),
      field('Bericht', h('textarea', { name: 'message', rows: 3, required: true, minlength: 3, maxlength: 10000 })),
    ],
    toBody: (f: HTMLFormElement) => ({ channel: val(f, 'channel'), message: val(f, 'message') }),
    done: 'Terugkoppeling vastgelegd.',
  });
}

function followUpRow(kind: string, text: string) {
  const row = h('div', { class: 'followup' },
    checkbox('followUps.kind', text, { value: kind }),
    h('input', { type: 'text', name: 'followUps.note', 'data-kind': kind, maxlength: 2000, placeholder: 'toelichting (optioneel)', 'aria-label': `Toelichting bij ${text}` }));
  if (kind === 'doorgestuurd') {
    row.append(field('Doorgestuurd naar', select('followUps.forwardedTo', [['', 'kies…'], ['parket', 'Parket'], ['VECK', 'VECK']], '')));
  }
  return row;
}

function closeBody(f: HTMLFormElement, needsReason: boolean) {
  const followUps = [...f.querySelectorAll<HTMLInputElement>('input[name="followUps.kind"]:checked')].map((box) => {
    const kind = box.value;
    const note = f.querySelector<HTMLInputElement>(`input[name="followUps.note"][data-kind="${kind}"]`)?.value.trim() ?? '';
    const item: { kind: string; note?: string; forwardedTo?: string } = { kind, ...(note ? { note } : {}) };
    if (kind === 'doorgestuurd') {
      const to = val(f, 'followUps.forwardedTo');
      if (!to) throw inputError('Kies bij “doorgestuurd” naar wie: parket of VECK.');
      item.forwardedTo = to;
    }
    return item;
  });
  if (followUps.length === 0) throw inputError('Kies minstens één opvolging.');
  const body: { followUps: typeof followUps; noFeedbackReason?: string } = { followUps };
  if (needsReason && val(f, 'noFeedbackReason')) body.noFeedbackReason = val(f, 'noFeedbackReason');
  return body;
}

function closeForm(m: Melding, onUpdated: OnUpdated) {
  const needsReason = !m.live?.feedback;
  return commandFor(m, onUpdated, {
    path: 'close',
    title: 'Afsluiten',
    submitLabel: 'Afsluiten',
    hint: needsReason ? 'Er is nog geen terugkoppeling gegeven: doe dat eerst, of vul de reden in waarom dat niet kan.' : null,
    fields: [
      h('fieldset', {}, h('legend', {}, 'Opvolgingen (minstens één)'),
        Object.entries(labels.followUp).map(([kind, text]) => followUpRow(kind, text))),
      needsReason ? reasonField('Reden zonder terugkoppeling', 'noFeedbackReason', false) : null,
    ],
    toBody: (f: HTMLFormElement) => closeBody(f, needsReason),
    done: 'Melding afgesloten.',
  });
}

/** The command forms for the report as it stands now. */
export function commandPanel(m: Melding, me: Me, onUpdated: OnUpdated) {
  const panel = h('section', { class: 'commands', 'aria-labelledby': 'acties-titel' }, h('h2', { id: 'acties-titel' }, 'Acties'));
  if (!staff.includes(me.role)) {
    panel.append(h('p', { class: 'muted' }, 'Met jouw rol kun je deze melding alleen inzien.'));
    return panel;
  }
  const phase = m.phase;
  if (phase === 'afgesloten') {
    panel.append(h('p', { class: 'muted' }, 'De melding is afgesloten; er zijn geen acties meer.'));
    return panel;
  }
  const linked = phase !== 'te_koppelen';
  const forms: HTMLElement[] = [];
  if (!linked) forms.push(linkForm(m, onUpdated));
  // A crisis proposal is confirmed first; a regular one after the daily work.
  if (!m.triageConfirmed && m.triage === 'crisis') forms.push(triageForm(m, onUpdated));
  if (phase === 'toegewezen') forms.push(acknowledgeForm(m, onUpdated, me));
  if (linked && m.anonymous) forms.push(h('p', { class: 'hint' }, 'Anonieme melding: terugkoppeling is niet mogelijk. Sluit af met een reden zonder terugkoppeling.'));
  if (linked && !m.anonymous) forms.push(feedbackForm(m, onUpdated));
  if (phase === 'in_behandeling') forms.push(closeForm(m, onUpdated));
  if (m.triageConfirmed || m.triage !== 'crisis') forms.push(triageForm(m, onUpdated));
  if (linked && coordinators.includes(me.role)) forms.push(assignForm(m, onUpdated));
  if (linked) forms.push(...deadlineForms(m, onUpdated, me));
  panel.append(...forms);
  return panel;
}
