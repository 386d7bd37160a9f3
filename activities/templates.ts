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
