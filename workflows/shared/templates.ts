/**
 * Dutch message templates for the outbox. `{{name}}` is replaced by the value of `name`; a
 * missing value is an error, so no message leaves with a hole in it.
 */
export const templates = {
  terugkoppeling_melder: {
    subject: 'Uw melding over kinderopvang (referentie {{reference}})',
    body:
      'Beste {{name}},\n\n' +
      'U meldde ons op {{receivedOn}} een situatie in de kinderopvang. Hartelijk dank daarvoor.\n\n' +
      '{{message}}\n\n' +
      'Met vriendelijke groeten,\nAgentschap Opgroeien – team klantenbeheer',
  },
  escalatie_herinnering: {
    subject: 'Herinnering: melding {{reference}} vraagt opvolging vóór {{dueAt}}',
    body: 'De melding {{reference}} ({{triage}}) over {{location}} moet opgevolgd zijn vóór {{dueAt}}. Neem ze op in de toepassing.',
  },
  escalatie_teamcoordinator: {
    subject: 'Termijn verstreken: melding {{reference}}',
    body:
      'De termijn voor de opvolging van melding {{reference}} ({{triage}}) over {{location}} is verstreken op {{dueAt}}. ' +
      'Behandelaar: {{assignee}}. De melding blijft gemarkeerd als te laat tot ze behandeld is.',
  },
  escalatie_volgende_coordinator: {
    subject: 'Crisismelding {{reference}} aan u toegewezen: niet opgenomen binnen de termijn',
    body:
      'De crisismelding {{reference}} over {{location}} werd niet opgenomen door {{previous}} vóór {{dueAt}}. ' +
      'Ze is nu aan u toegewezen. Neem ze onmiddellijk op.',
  },
  escalatie_centraal: {
    subject: 'Escalatie: melding {{reference}} nog steeds niet opgenomen',
    body: 'De melding {{reference}} ({{triage}}) over {{location}} is nog niet opgenomen; de termijn verstreek op {{dueAt}}. Behandelaar: {{assignee}}.',
  },
  aanmaning: {
    subject: 'Aanmaning voor {{location}}',
    body:
      'Geachte organisator,\n\nNa ons gesprek van {{talkOn}} stellen wij de volgende tekortkomingen vast in {{location}}:\n{{shortcomings}}\n\n' +
      'Wij vragen u deze te herstellen uiterlijk op {{remedyBy}}. Mentes neemt binnen twee werkdagen contact met u op om u daarbij te ondersteunen.\n\n' +
      'Met vriendelijke groeten,\nAgentschap Opgroeien',
  },
  mentes_aanmaning: {
    subject: 'Nieuwe aanmaning: {{location}} ({{municipality}})',
    body: 'Aan {{location}} in {{municipality}} werd een aanmaning bezorgd (dossier {{caseId}}). Gelieve binnen twee werkdagen contact op te nemen met de voorziening.',
  },
  voornemen: {
    subject: 'Voornemen tot {{decision}} voor {{location}}',
    body:
      'Geachte organisator,\n\nHet agentschap is van plan de vergunning van {{location}} te {{decisionVerb}}.\n\n{{text}}\n\n' +
      'U hebt het recht gehoord te worden: u kunt uw standpunt schriftelijk of mondeling toelichten tot en met {{hearingUntil}}.\n\n' +
      'Met vriendelijke groeten,\nAgentschap Opgroeien',
  },
  beslissing: {
    subject: 'Beslissing tot {{decision}} voor {{location}}',
    body:
      'Geachte organisator,\n\nHet agentschap beslist tot {{decision}} van de vergunning van {{location}}{{period}}.\n\nMotivering:\n{{motivation}}\n\n' +
      '{{urgency}}U kunt tegen deze beslissing bezwaar indienen tot en met {{objectionUntil}}.\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  beslissing_ouders: {
    subject: 'Belangrijke informatie over de kinderopvang van uw kind: {{location}}',
    body:
      'Beste ouder,\n\nHet agentschap Opgroeien heeft beslist tot {{decision}} van de vergunning van {{location}}{{period}}.\n\n' +
      'Motivering:\n{{publicMotivation}}\n\nUw gemeente helpt bij het zoeken naar tijdelijke opvang.{{support}}\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  beslissing_lokaal_bestuur: {
    subject: 'Handhaving kinderopvang in uw gemeente: {{location}}',
    body:
      'Beste,\n\nHet agentschap Opgroeien heeft beslist tot {{decision}} van de vergunning van {{location}}{{period}}. ' +
      'Er komen {{capacity}} opvangplaatsen vrij waarvoor tijdelijke vervangopvang nodig is.\n\nMotivering:\n{{publicMotivation}}\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  herinnering_handhaving: {
    subject: 'Handhaving {{caseId}}: {{what}}',
    body: 'Handhavingsdossier {{caseId}} voor {{location}}: {{what}} (uiterlijk {{dueAt}}).',
  },
  brief_niet_afgehaald: {
    subject: 'Aangetekende brief niet afgehaald: {{location}}',
    body:
      'De aangetekende brief "{{letter}}" (referentie {{tracking}}) voor {{location}} werd aangeboden op {{presentedOn}} maar niet afgehaald. ' +
      'Wettelijke terugval (aanname, te bevestigen door de juristen): de brief geldt als ter kennis gebracht op de aanbiedingsdatum; de termijn loopt vanaf {{termFrom}}. ' +
      'Bezorg de brief ook met een gewone brief en bel de organisator.',
  },
  tussentijds_ouders: {
    subject: 'Tussentijds bericht over de schorsing van {{location}}',
    body:
      'Beste ouder,\n\nDe vergunning van {{location}} is geschorst{{period}}. Dit is tussentijds bericht {{number}}.\n\n{{news}}\n\n' +
      'Uw gemeente helpt bij het zoeken naar tijdelijke opvang. Met vragen kunt u terecht bij de K&G-Lijn.\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  einde_schorsing_ouders: {
    subject: 'De schorsing van {{location}} is beëindigd',
    body: 'Beste,\n\nDe schorsing van de vergunning van {{location}} is beëindigd: {{outcome}}\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  infosessie_uitnodiging: {
    subject: 'Uitnodiging: informatiesessie over {{location}}',
    body:
      'Beste,\n\nHet agentschap Opgroeien licht de beslissing over {{location}} mondeling toe op een informatiesessie op {{when}}, {{place}}.\n\n{{note}}\n\n' +
      'Het lokaal bestuur is erbij betrokken. Met vragen kunt u terecht bij de K&G-Lijn.\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  infosessie_taak: {
    subject: 'Taak: informatiesessie voor ouders van {{location}} op {{when}}',
    body: 'Bereid de informatiesessie voor ouders en lokaal bestuur van {{location}} voor: {{when}}, {{place}}. De uitnodigingen zijn verstuurd.',
  },
  vervangcapaciteit_herinnering: {
    subject: 'Tijdelijke vervangcapaciteit voor {{location}} loopt af op {{endsOn}}',
    body:
      'Beste,\n\nDe tijdelijke vervangcapaciteit van {{places}} opvangplaatsen na de beslissing over {{location}} loopt af op {{endsOn}}. ' +
      '{{extension}}\n\nContactpersoon bij Opgroeien: de intersectorale medewerker.\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  vervangcapaciteit_einde: {
    subject: 'Tijdelijke vervangcapaciteit voor {{location}} afgelopen',
    body: 'Beste,\n\nDe tijdelijke vervangcapaciteit van {{places}} opvangplaatsen na de beslissing over {{location}} is afgelopen op {{endsOn}}.\n\nMet vriendelijke groeten,\nAgentschap Opgroeien',
  },
  brief_niet_bezorgd: {
    subject: 'Aangetekende brief niet bezorgd: {{location}}',
    body: 'De aangetekende brief "{{letter}}" (referentie {{tracking}}) voor {{location}} werd niet bezorgd. Neem contact op met de organisator en bezorg de brief opnieuw.',
  },
} as const;

export type TemplateName = keyof typeof templates;

export function render(name: TemplateName, values: Record<string, string>): { subject: string; body: string } {
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
      return value;
    });
  return { subject: fill(templates[name].subject), body: fill(templates[name].body) };
}

const brusselsFormat = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Brussels' });

/** A moment as people in Flanders read it, e.g. "22 november 2026 om 14:05". */
export const formatBrussels = (iso: string) => brusselsFormat.format(new Date(iso));
