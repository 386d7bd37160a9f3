// The commands on one report, as forms: only those that make sense in its phase and for the
// user's role. Each form sends its own Idempotency-Key (kept for retries of one submission).
import { inputError } from './alerts.js';
import { checkbox, field, h, select } from './dom.js';
import { budgetUnitLabels, feedbackChannelLabels, followUpLabels, label, triageLabels } from './format.js';
import { locationLookup } from './locations.js';
import { commandForm } from './command-form.js';

const staff = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
const coordinators = ['teamcoordinator', 'crisiscoordinator'];

const reasonField = (labelText = 'Reden', name = 'reason', required = true) =>
  field(labelText, h('textarea', { name, rows: 2, required, minlength: 3, maxlength: 2000 }));
const basisField = () =>
  field('Grondslag', h('input', { type: 'text', name: 'basis', required: true, minlength: 3, maxlength: 2000 }), 'De regel of afspraak waarop de wijziging steunt');

/** A command form for this melding: posted to /meldingen/{id}/{path}. */
const commandFor = (item, onUpdated, spec) => commandForm(`/meldingen/${encodeURIComponent(item.id)}`, onUpdated, spec);

const val = (form, name) => form.elements[name].value.trim();

function triageForm(m, onUpdated) {
  return commandFor(m, onUpdated, {
    path: 'triage',
    title: 'Triage bevestigen of wijzigen',
    submitLabel: 'Triage vastleggen',
    collapsed: m.triageConfirmed,
    hint: m.triageConfirmed ? null : `Voorstel van de regel: ${label(triageLabels, m.triageProposed)}. Bevestig of wijzig het, met een reden.`,
    fields: [field('Triage', select('triage', Object.entries(triageLabels), m.triage)), reasonField()],
    toBody: (f) => ({ triage: val(f, 'triage'), reason: val(f, 'reason') }),
    done: 'Triage vastgelegd.',
  });
}

function linkForm(m, onUpdated) {
  const input = h('input', { type: 'text', name: 'locationId', required: true, placeholder: 'LOC-…', maxlength: 64, value: m.locationId ?? '' });
  return commandFor(m, onUpdated, {
    path: 'link',
    title: 'Koppelen aan locatie',
    submitLabel: 'Koppelen',
    hint: 'De melding wordt daarna toegewezen volgens de triage.',
    fields: [field('Locatie-id', input), locationLookup(input)],
    toBody: (f) => ({ locationId: val(f, 'locationId') }),
    done: 'Melding gekoppeld en toegewezen.',
  });
}

function assignForm(m, onUpdated) {
  return commandFor(m, onUpdated, {
    path: 'assign',
    title: 'Toewijzen',
    submitLabel: 'Toewijzen',
    collapsed: true,
    fields: [
      field('Nieuwe behandelaar (gebruikers-id)', h('input', { type: 'text', name: 'assigneeId', required: true, maxlength: 64, placeholder: 'u-kb-…' })),
      reasonField(),
    ],
    toBody: (f) => ({ assigneeId: val(f, 'assigneeId'), reason: val(f, 'reason') }),
    done: 'Melding toegewezen.',
  });
}

function acknowledgeForm(m, onUpdated, me) {
  const other = m.assigneeId && m.assigneeId !== me.id;
  return commandFor(m, onUpdated, {
    path: 'acknowledge',
    title: 'Opnemen',
    submitLabel: 'Opnemen',
    hint: `Je neemt de melding op en beoordeelt ze; daarmee is de termijn gehaald.${other ? ` Ze is toegewezen aan ${m.assigneeId}.` : ''}`,
    fields: [field('Notitie (optioneel)', h('textarea', { name: 'note', rows: 2, maxlength: 5000 }))],
    toBody: (f) => (val(f, 'note') ? { note: val(f, 'note') } : {}),
    done: 'Melding opgenomen.',
  });
}

function deadlineForms(m, onUpdated, me) {
  const d = m.live?.deadline;
  if (!d || m.live.deadlineMet) return [];
  const forms = [];
  const pauseBody = (f) => ({ reason: val(f, 'reason'), basis: val(f, 'basis') });
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
  const room = d.extensionCap - d.extensionTotal;
  if (coordinators.includes(me.role) && room > 0) {
    const unit = label(budgetUnitLabels, d.budget?.unit);
    forms.push(commandFor(m, onUpdated, {
      path: 'deadline/extend', title: 'Termijn verlengen', submitLabel: 'Verlengen', collapsed: true,
      hint: `Nog ${room} ${unit} verlenging mogelijk (maximum ${d.extensionCap} ${unit}).`,
      fields: [
        field('Verlengen met (uren)', h('input', { type: 'number', name: 'hours', required: true, min: 0.25, max: Math.min(720, room), step: 0.25 })),
        reasonField(), basisField(),
      ],
      toBody: (f) => ({ hours: Number(val(f, 'hours')), reason: val(f, 'reason'), basis: val(f, 'basis') }),
      done: 'Termijn verlengd.',
    }));
  }
  return forms;
}

function feedbackForm(m, onUpdated) {
  const given = m.live?.feedback;
  return commandFor(m, onUpdated, {
    path: 'feedback',
    title: 'Terugkoppeling aan de melder',
    submitLabel: 'Terugkoppeling vastleggen',
    collapsed: Boolean(given),
    hint: 'Per e-mail gaat het bericht naar de uitgaande post; per telefoon of brief noteer je wat de melder te horen kreeg.',
    fields: [
      field('Kanaal', select('channel', Object.entries(feedbackChannelLabels), 'telefoon')),
      field('Bericht', h('textarea', { name: 'message', rows: 3, required: true, minlength: 3, maxlength: 10000 })),
    ],
    toBody: (f) => ({ channel: val(f, 'channel'), message: val(f, 'message') }),
    done: 'Terugkoppeling vastgelegd.',
  });
}

function followUpRow(kind, text) {
  const row = h('div', { class: 'followup' },
    checkbox('followUps.kind', text, { value: kind }),
    h('input', { type: 'text', name: 'followUps.note', 'data-kind': kind, maxlength: 2000, placeholder: 'toelichting (optioneel)', 'aria-label': `Toelichting bij ${text}` }));
  if (kind === 'doorgestuurd') {
    row.append(field('Doorgestuurd naar', select('followUps.forwardedTo', [['', 'kies…'], ['parket', 'Parket'], ['VECK', 'VECK']], '')));
  }
  return row;
}

function closeBody(f, needsReason) {
  const followUps = [...f.querySelectorAll('input[name="followUps.kind"]:checked')].map((box) => {
    const kind = box.value;
    const note = f.querySelector(`input[name="followUps.note"][data-kind="${kind}"]`).value.trim();
    const item = { kind, ...(note ? { note } : {}) };
    if (kind === 'doorgestuurd') {
      const to = val(f, 'followUps.forwardedTo');
      if (!to) throw inputError('Kies bij “doorgestuurd” naar wie: parket of VECK.');
      item.forwardedTo = to;
    }
    return item;
  });
  if (followUps.length === 0) throw inputError('Kies minstens één opvolging.');
  const body = { followUps };
  if (needsReason && val(f, 'noFeedbackReason')) body.noFeedbackReason = val(f, 'noFeedbackReason');
  return body;
}

function closeForm(m, onUpdated) {
  const needsReason = !m.live?.feedback;
  return commandFor(m, onUpdated, {
    path: 'close',
    title: 'Afsluiten',
    submitLabel: 'Afsluiten',
    hint: needsReason ? 'Er is nog geen terugkoppeling gegeven: doe dat eerst, of vul de reden in waarom dat niet kan.' : null,
    fields: [
      h('fieldset', {}, h('legend', {}, 'Opvolgingen (minstens één)'),
        Object.entries(followUpLabels).map(([kind, text]) => followUpRow(kind, text))),
      needsReason ? reasonField('Reden zonder terugkoppeling', 'noFeedbackReason', false) : null,
    ],
    toBody: (f) => closeBody(f, needsReason),
    done: 'Melding afgesloten.',
  });
}

/** The command forms for the report as it stands now. */
export function commandPanel(m, me, onUpdated) {
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
  const forms = [];
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
