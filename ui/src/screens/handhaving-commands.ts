// The commands on one enforcement case, as forms: only those that fit its current step (and where
// the step is in it) and the user's role, as in docs/enforcement.md. Each form sends its own
// Idempotency-Key (kept for retries of one submission).
import { inputError } from '../lib/alerts.js';
import { checkbox, checked, control, field, h, select, val } from '../lib/dom.js';
import { brusselsLocalToIso, labels } from '../lib/format.js';
import { type CommandSpec, commandForm } from '../components/command-form.js';
import type { Me } from '../lib/session.js';
import { type Case, type StepData, stepData } from './handhaving-detail.js';

type OnUpdated = (updated: Case, message: string) => void;
type Proposal = NonNullable<NonNullable<Case['live']>['urgentProposal']>;

const caseManagers: string[] = ['klantenbeheerder', 'teamcoordinator'];
const kbOnly: string[] = ['klantenbeheerder'];
const juristOnly: string[] = ['jurist'];

const decisionOptions = () => Object.entries(labels.decisionKind);
const text = (name: string, rows = 2, max = 5000, required = true) => h('textarea', { name, rows, required, minlength: 3, maxlength: max });

/** "Now" as a datetime-local value in Brussels wall time. */
function nowLocal() {
  const parts: Record<string, string> = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
    .formatToParts(new Date()).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
const atInput = (name = 'at') => h('input', { type: 'datetime-local', name, required: true, value: nowLocal() });
function instant(form: HTMLFormElement, name = 'at') {
  const iso = brusselsLocalToIso(control(form, name).value);
  if (!iso) throw inputError('Vul een geldig tijdstip in.');
  return iso;
}

/** A command form for this case: posted to /handhaving/{id}/{path}. */
const commandFor = <B>(item: Case, onUpdated: OnUpdated, spec: CommandSpec<B>) => commandForm<Case, B>(`/handhaving/${encodeURIComponent(item.id)}`, onUpdated, spec);

/** One command of a step: the roles that give it, when it fits the step as it stands, and its form. */
interface StepCommand {
  roles: readonly string[];
  when: (data: StepData, c: Case) => boolean;
  form: (data: StepData, c: Case) => CommandSpec<unknown>;
}

/** The forms of those commands that the user's role gives and that fit the step now, in order. */
function formsOf(c: Case, data: StepData, role: string | undefined, onUpdated: OnUpdated, commands: readonly StepCommand[]): HTMLElement[] {
  return commands.filter((command) => command.roles.includes(role ?? '') && command.when(data, c)).map((command) => commandFor(c, onUpdated, command.form(data, c)));
}

// ----- aanmaning -----------------------------------------------------------------------------

const aanmaningCommands: StepCommand[] = [{
  roles: kbOnly,
  when: (data) => !data.talk,
  form: (data) => ({
    path: 'shortcomings',
    title: 'Tekortkomingen en hersteltermijn',
    submitLabel: 'Tekortkomingen vastleggen',
    collapsed: Boolean(data.shortcomings),
    hint: 'Wat de aanmaning zal zeggen; één tekortkoming per regel.',
    fields: [
      field('Tekortkomingen (één per regel)', h('textarea', { name: 'shortcomings', rows: 4, required: true, maxlength: 30000 }, (data.shortcomings ?? []).join('\n'))),
      field('Herstellen tegen', h('input', { type: 'date', name: 'remedyBy', required: true, value: data.remedyBy ?? '' })),
    ],
    toBody: (f: HTMLFormElement) => {
      const shortcomings = val(f, 'shortcomings').split('\n').map((s) => s.trim()).filter(Boolean);
      if (shortcomings.length === 0) throw inputError('Vul minstens één tekortkoming in.');
      if (shortcomings.some((s) => s.length < 3)) throw inputError('Elke tekortkoming moet minstens 3 tekens lang zijn.');
      return { shortcomings, remedyBy: val(f, 'remedyBy') };
    },
    done: 'Tekortkomingen en hersteltermijn vastgelegd.',
  }),
}, {
  roles: kbOnly,
  when: (data) => Boolean(data.shortcomings) && !data.talk,
  form: () => ({
    path: 'talk',
    title: 'Gesprek met de organisator',
    submitLabel: 'Gesprek vastleggen',
    hint: 'Daarna gaat de schriftelijke aanmaning uit (e-mail en aangetekende brief) en wordt Mentes verwittigd.',
    fields: [field('Gesprek op', atInput()), field('Samenvatting', text('summary', 3))],
    toBody: (f: HTMLFormElement) => ({ at: instant(f), summary: val(f, 'summary') }),
    done: 'Gesprek vastgelegd; de aanmaning wordt verstuurd.',
  }),
}, {
  roles: caseManagers,
  when: (data) => Boolean(data.sentAt) && !data.mentesContactAt,
  form: () => ({
    path: 'mentes-contact',
    title: 'Contact door Mentes',
    submitLabel: 'Contact vastleggen',
    collapsed: true,
    fields: [field('Contact op', atInput())],
    toBody: (f: HTMLFormElement) => ({ at: instant(f) }),
    done: 'Contact door Mentes vastgelegd.',
  }),
}, {
  roles: kbOnly,
  when: (data) => Boolean(data.sentAt),
  form: (data) => ({
    path: 'remedy-outcome',
    title: 'Resultaat van het herstel',
    submitLabel: 'Resultaat vastleggen',
    // Before the remedy term has passed, "not remedied" only as an early escalation with its reason.
    hint: data.remedyTermPassed
      ? 'Hersteld sluit het dossier; niet hersteld leidt tot een voornemen.'
      : `De hersteltermijn loopt tot ${data.remedyBy}. Niet hersteld kan nu enkel als vroegtijdige escalatie met een reden (bv. de organisator weigert schriftelijk).`,
    fields: [
      field('Resultaat', select('remedied', data.remedyTermPassed
        ? [['true', 'Hersteld'], ['false', 'Niet hersteld']]
        : [['true', 'Hersteld'], ['early', 'Niet hersteld: vroegtijdige escalatie']], 'true')),
      field('Vaststelling', text('evidence', 3)),
      ...(data.remedyTermPassed ? [] : [field('Reden voor vroegtijdige escalatie', text('earlyReason', 2, 5000, false))]),
    ],
    toBody: (f: HTMLFormElement) => {
      const choice = val(f, 'remedied');
      if (choice !== 'early') return { remedied: choice === 'true', evidence: val(f, 'evidence') };
      const reason = val(f, 'earlyReason');
      if (reason.length < 3) throw inputError('Geef de reden voor de vroegtijdige escalatie.');
      return { remedied: false, evidence: val(f, 'evidence'), earlyEscalation: { reason } };
    },
    done: 'Resultaat van het herstel vastgelegd.',
  }),
}];

// ----- voornemen and decisions ------------------------------------------------------------------

const awaitingReview = (data: StepData) => Boolean(data.draft) && (data.reviews?.length ?? 0) < (data.draft?.version ?? 1);

function reviewForm(what: string): CommandSpec<unknown> {
  return {
    path: 'review',
    title: `Juridisch nazicht van ${what}`,
    submitLabel: 'Nazicht vastleggen',
    hint: 'Afkeuren stuurt het ontwerp terug met je opmerkingen.',
    fields: [
      field('Oordeel', select('approve', [['true', 'Goedkeuren'], ['false', 'Afkeuren']], 'true')),
      field('Opmerkingen', text('remarks', 3)),
    ],
    toBody: (f: HTMLFormElement) => ({ approve: val(f, 'approve') === 'true', remarks: val(f, 'remarks') }),
    done: 'Nazicht vastgelegd.',
  };
}

/**
 * The draft of a voornemen or a decision and its legal review: the klantenbeheerder drafts (again,
 * after a rejection) until a jurist approves; while a version awaits its review, only the jurist acts.
 */
function draftAndReview(what: string, draft: (data: StepData, c: Case) => Omit<CommandSpec<unknown>, 'submitLabel'>): StepCommand[] {
  return [
    { roles: kbOnly, when: (data) => !data.approved && !awaitingReview(data), form: (data, c) => ({ ...draft(data, c), submitLabel: 'Ter nazicht voorleggen' }) },
    { roles: juristOnly, when: awaitingReview, form: () => reviewForm(what) },
  ];
}

const voornemenCommands: StepCommand[] = [...draftAndReview('het voornemen', (_data, c) => ({
  path: 'draft',
  title: 'Ontwerp van voornemen',
  fields: [
    field('Voorgenomen beslissing', select('decision', decisionOptions(), stepData(c.live?.current).decision ?? 'schorsing')),
    field('Tekst van het voornemen', text('text', 6, 20000)),
  ],
  toBody: (f: HTMLFormElement) => ({ decision: val(f, 'decision'), text: val(f, 'text') }),
  done: 'Ontwerp ter nazicht voorgelegd.',
})), {
  roles: kbOnly,
  when: (data) => Boolean(data.sentAt),
  form: () => ({
    path: 'hearing',
    title: 'Hoorrecht',
    submitLabel: 'Hoorrecht vastleggen',
    hint: 'Een vraag om gehoord te worden, de planning van de hoorzitting of haar verslag.',
    fields: [
      field('Wat', select('action', [['requested', 'Gevraagd'], ['planned', 'Gepland'], ['report', 'Verslag']], 'requested')),
      field('Tijdstip', atInput()),
      field('Notitie', text('note', 3)),
    ],
    toBody: (f: HTMLFormElement) => ({ action: val(f, 'action'), at: instant(f), note: val(f, 'note') }),
    done: 'Hoorrecht vastgelegd.',
  }),
}, {
  roles: caseManagers,
  when: (data) => Boolean(data.sentAt),
  form: () => ({
    path: 'conclude-hearing',
    title: 'Hoorrecht afronden',
    submitLabel: 'Afronden',
    hint: 'Na het verslag van de hoorzitting of na de termijn.',
    fields: [
      field('Vervolg', select('proceed', [['true', 'Verder naar de beslissing'], ['false', 'Dossier sluiten']], 'true')),
      field('Reden', text('reason', 3)),
    ],
    toBody: (f: HTMLFormElement) => ({ proceed: val(f, 'proceed') === 'true', reason: val(f, 'reason') }),
    done: 'Hoorrecht afgerond.',
  }),
}];

const objectionPending = (data: StepData) => Boolean(data.objection?.recorded && !data.objection?.outcome);
const schorsing = (data: StepData) => (data.decision ?? data.draft?.decision) !== 'opheffing';

const decisionCommands: StepCommand[] = [...draftAndReview('de beslissing', (data) => ({
  path: 'decision',
  title: 'Beslissing opstellen',
  fields: [
    field('Beslissing', select('decision', decisionOptions(), data.decision ?? 'schorsing')),
    field('Motivering (voor de organisator)', text('motivation', 5, 20000)),
    field('Publieke motivering', text('publicMotivation', 3, 5000), 'Voor ouders, lokaal bestuur en het publiek: zonder persoonsgegevens.'),
    field('Datum', h('input', { type: 'date', name: 'date', required: true }), 'Schorsing: laatste dag; opheffing: ingangsdatum.'),
    checkbox('integrityHarmed', 'De integriteit van de kinderen werd (mogelijk) geschaad (ouders krijgen psychosociale ondersteuning aangeboden)'),
  ],
  toBody: (f: HTMLFormElement) => ({
    decision: val(f, 'decision'),
    motivation: val(f, 'motivation'),
    publicMotivation: val(f, 'publicMotivation'),
    date: val(f, 'date'),
    integrityHarmed: checked(f, 'integrityHarmed'),
  }),
  done: 'Beslissing ter nazicht voorgelegd.',
})), {
  roles: kbOnly,
  when: (data) => Boolean(data.approved) && !data.oralNotice && !data.sentAt,
  form: () => ({
    path: 'oral-notice',
    title: 'Mondeling vooraf ingelicht',
    submitLabel: 'Vastleggen',
    hint: 'Waar mogelijk minstens één werkdag voor de formele beslissing.',
    fields: [field('Ingelicht op', atInput()), field('Notitie', text('note', 2))],
    toBody: (f: HTMLFormElement) => ({ at: instant(f), note: val(f, 'note') }),
    done: 'Mondelinge kennisgeving vastgelegd.',
  }),
}, {
  roles: ['klantenbeheerder', 'jurist'],
  when: (data) => Boolean(data.sentAt) && (!data.objection || objectionPending(data)),
  form: (data) => ({
    path: 'objection',
    title: 'Bezwaar',
    submitLabel: 'Bezwaar vastleggen',
    collapsed: !objectionPending(data),
    fields: [
      field('Wat', select('action', [['received', 'Bezwaar ontvangen'], ['decided', 'Over het bezwaar beslist']], objectionPending(data) ? 'decided' : 'received')),
      field('Uitkomst (bij beslist)', select('upheld', [['', '—'], ['true', 'Gegrond'], ['false', 'Ongegrond']], '')),
      field('Notitie', text('note', 2)),
    ],
    toBody: (f: HTMLFormElement) => {
      const action = val(f, 'action');
      const upheld = val(f, 'upheld');
      if (action === 'decided' && !upheld) throw inputError('Kies bij een beslist bezwaar of het gegrond is.');
      return { action, ...(action === 'decided' ? { upheld: upheld === 'true' } : {}), note: val(f, 'note') };
    },
    done: 'Bezwaar vastgelegd.',
  }),
}, {
  roles: caseManagers,
  when: (data) => Boolean(data.sentAt) && schorsing(data) && (!data.suspensionEnd || data.suspensionEnd.action === 'extend'),
  form: () => ({
    path: 'suspension-end',
    title: 'Einde van de schorsing',
    submitLabel: 'Vastleggen',
    collapsed: true,
    fields: [
      field('Wat', select('action', [['lift', 'Schorsing opheffen na verificatie'], ['extend', 'Schorsing verlengen'], ['escalate', 'Escaleren naar opheffing']], 'lift')),
      field('Nieuwe einddatum (bij verlengen)', h('input', { type: 'date', name: 'until' })),
      field('Verificatie', text('verification', 3)),
    ],
    toBody: (f: HTMLFormElement) => {
      const action = val(f, 'action');
      const until = val(f, 'until');
      if (action === 'extend' && !until) throw inputError('Vul bij verlengen de nieuwe einddatum in.');
      return { action, ...(action === 'extend' ? { until } : {}), verification: val(f, 'verification') };
    },
    done: 'Einde van de schorsing vastgelegd.',
  }),
}];

// ----- any step --------------------------------------------------------------------------------

const caseCommands: StepCommand[] = [{
  roles: caseManagers,
  when: (_data, c) => c.step !== 'dringende_beslissing',
  form: () => ({
    path: 'escalate-urgent',
    title: 'Escaleren naar dringende beslissing',
    submitLabel: 'Escaleren',
    collapsed: true,
    hint: 'Onderbreekt de huidige stap: beslissing bij hoogdringendheid, zonder voorafgaand hoorrecht.',
    fields: [field('Beslissing', select('decision', decisionOptions(), 'schorsing')), field('Reden', text('reason', 3))],
    toBody: (f: HTMLFormElement) => ({ decision: val(f, 'decision'), reason: val(f, 'reason') }),
    done: 'Geëscaleerd naar een dringende beslissing.',
  }),
}, {
  roles: caseManagers,
  when: () => true,
  form: () => ({
    path: 'close',
    title: 'Dossier sluiten',
    submitLabel: 'Sluiten',
    collapsed: true,
    hint: 'In elke stap, bv. omdat de tekortkomingen hersteld zijn.',
    fields: [field('Reden', text('reason', 3))],
    toBody: (f: HTMLFormElement) => ({ reason: val(f, 'reason') }),
    done: 'Handhavingsdossier gesloten.',
  }),
}];

/** The commands of each step, by the flow that runs it. */
const stepCommands: Record<string, readonly StepCommand[]> = {
  aanmaning: aanmaningCommands,
  voornemen: voornemenCommands,
  beslissing: decisionCommands,
  dringende_beslissing: decisionCommands,
};

/** After an urgent advice from Zorginspectie: confirm the decision in urgent necessity, or keep the ordinary route. */
function urgentProposalForm(c: Case, proposal: Proposal, onUpdated: OnUpdated) {
  return commandFor(c, onUpdated, {
    path: 'urgent-proposal',
    title: 'Voorstel: beslissing bij dringende noodzakelijkheid',
    submitLabel: 'Keuze vastleggen',
    hint: `Dringend advies van Zorginspectie. ${proposal.note ?? ''}`.trim(),
    fields: [
      field('Keuze', select('route', [['schorsing', 'Bevestigen: dringende schorsing'], ['opheffing', 'Bevestigen: dringende opheffing'], ['gewoon', 'Gewone weg volgen']], 'schorsing')),
      field('Reden', text('reason', 3)),
    ],
    toBody: (f: HTMLFormElement) => {
      const route = val(f, 'route');
      return route === 'gewoon' ? { confirm: false, reason: val(f, 'reason') } : { confirm: true, decision: route, reason: val(f, 'reason') };
    },
    done: 'Keuze over het voorstel vastgelegd.',
  });
}

/** The command forms for the case as it stands now. */
export function handhavingCommandPanel(c: Case, me: Me, onUpdated: OnUpdated): HTMLElement {
  const panel = h('section', { class: 'commands', 'aria-labelledby': 'hh-acties-titel' }, h('h2', { id: 'hh-acties-titel' }, 'Acties'));
  if (c.status === 'closed') {
    panel.append(h('p', { class: 'muted' }, 'Het handhavingsdossier is gesloten; er zijn geen acties meer.'));
    return panel;
  }
  const proposal = c.live?.urgentProposal;
  if (proposal && !proposal.decided && caseManagers.includes(me?.role ?? '')) panel.append(urgentProposalForm(c, proposal, onUpdated));
  const current = c.live?.current;
  if (!c.live || !current) {
    if (proposal && !proposal.decided) return panel;
    panel.append(h('p', { class: 'muted' }, 'De lopende stap is (nog) niet beschikbaar. Vernieuw over enkele ogenblikken.'));
    return panel;
  }
  const data = stepData(current);
  const role = me?.role;
  const forms = formsOf(c, data, role, onUpdated, [...((current.flow && stepCommands[current.flow]) ?? []), ...caseCommands]);
  if (forms.length === 0) panel.append(h('p', { class: 'muted' }, 'Met jouw rol is er in deze stap nu niets te doen.'));
  panel.append(...forms);
  return panel;
}
