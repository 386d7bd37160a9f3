import { render, type TemplateName } from '../../workflows/shared/templates.js';
import type { LetterLayout } from './pdf.js';

/**
 * The formal letters of enforcement as documents (issue 13): which templates become a PDF, for
 * whom (the organiser's version, or the public version for parents, local government and the
 * public), and what each says beyond the e-mail: the legal basis, the motivation, the term and
 * how to object. The legal references are assumptions to be confirmed by the agency's jurists
 * (docs/letters.md).
 */
export type Audience = 'organisator' | 'publiek';

export const legalBasis =
  'Decreet van 20 april 2012 houdende de organisatie van kinderopvang van baby’s en peuters (hoofdstuk handhaving); ' +
  'besluit van de Vlaamse Regering van 22 november 2013 betreffende de voorwaarden voor een vergunning voor gezinsopvang en groepsopvang van baby’s en peuters.';

export const objectionHow =
  'Bezwaar dient u schriftelijk in bij het agentschap Opgroeien, team Handhaving kinderopvang, Hallepoortlaan 27, 1060 Brussel, ' +
  'met een aangetekende brief of via het e-Box-bericht waarmee u deze beslissing ontving. Vermeld ons kenmerk, uw naam en adres, ' +
  'de beslissing waartegen u bezwaar indient en uw argumenten, en voeg de stukken toe die u wilt inroepen.';

/** Templates that are formal letters, with their audience. Everything else (reminders, tasks) is a message only. */
export const letterTemplates: Partial<Record<TemplateName, { audience: Audience; kind: string }>> = {
  aanmaning: { audience: 'organisator', kind: 'Aanmaning' },
  voornemen: { audience: 'organisator', kind: 'Voornemen tot beslissing' },
  beslissing: { audience: 'organisator', kind: 'Beslissing' },
  beslissing_ouders: { audience: 'publiek', kind: 'Beslissing (versie voor ouders)' },
  beslissing_lokaal_bestuur: { audience: 'publiek', kind: 'Beslissing (versie voor het lokaal bestuur)' },
  tussentijds_ouders: { audience: 'publiek', kind: 'Tussentijds bericht aan ouders' },
  einde_schorsing_ouders: { audience: 'publiek', kind: 'Einde van de schorsing' },
  infosessie_uitnodiging: { audience: 'publiek', kind: 'Uitnodiging informatiesessie' },
  vervangcapaciteit_herinnering: { audience: 'publiek', kind: 'Vervangcapaciteit: herinnering' },
  vervangcapaciteit_einde: { audience: 'publiek', kind: 'Vervangcapaciteit: einde' },
};

export const isPublicTemplate = (t: TemplateName) => letterTemplates[t]?.audience === 'publiek';

export interface LetterContext {
  caseId: string;
  /** ISO instant of the letter; its date is printed and fixed in the PDF. */
  issuedAt: string;
  recipient: string;
  /** The organiser's name and the location's address: only in the organiser's version. */
  organiser?: { name: string; street: string; postalCode: string; municipality: string };
  /** "Gezinsopvang in <municipality>" for family childcare, whose name is often a person's. */
  publicName: string;
  municipality: string;
}

const longDate = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'long', timeZone: 'Europe/Brussels' });

const sender = ['Agentschap Opgroeien – Kinderopvang, team Handhaving', 'Hallepoortlaan 27, 1060 Brussel', 'K&G-Lijn (voor ouders): 078 15 01 00'];

function addressee(ctx: LetterContext, audience: Audience): string[] {
  if (audience === 'organisator' && ctx.organiser) {
    return [ctx.organiser.name, `Betreft: ${ctx.publicName === ctx.organiser.name ? ctx.publicName : 'uw opvanglocatie'}`, ctx.organiser.street, `${ctx.organiser.postalCode} ${ctx.organiser.municipality}`];
  }
  if (ctx.recipient === 'lokaal_bestuur') return [`Aan het college van burgemeester en schepenen van ${ctx.municipality}`, 't.a.v. het lokaal loket kinderopvang'];
  return [`Aan de ouders van de kinderen in de opvang ${ctx.publicName}`];
}

function paragraphs(text: string): string[] {
  return text.split(/\n{2,}/).map((p) => p.trim()).filter((p) => p && !/^Met vriendelijke groeten/.test(p));
}

/** The PDF layout of a letter, or undefined for a template that is no formal letter. */
export function letterLayout(template: TemplateName, values: Record<string, string>, ctx: LetterContext): LetterLayout | undefined {
  const meta = letterTemplates[template];
  if (!meta) return undefined;
  const message = render(template, values);
  const sections: LetterLayout['sections'] = [{ paragraphs: paragraphs(message.body) }];
  const decision = template === 'beslissing' || template === 'beslissing_ouders' || template === 'beslissing_lokaal_bestuur';
  if (meta.audience === 'organisator' || decision) sections.push({ heading: 'Rechtsgrond', paragraphs: [legalBasis] });
  if (template === 'beslissing') {
    sections.push({
      heading: 'Bezwaar',
      paragraphs: [`U kunt tegen deze beslissing bezwaar indienen tot en met ${values.objectionUntil}. ${objectionHow}`, values.urgency ? 'Een bezwaar schorst deze beslissing niet: ze is genomen bij dringende noodzakelijkheid.' : 'Een tijdig bezwaar schorst de beslissing tot het agentschap erover beslist.'],
    });
  }
  if (template === 'voornemen') sections.push({ heading: 'Hoorrecht', paragraphs: [`U kunt uw standpunt schriftelijk of mondeling toelichten tot en met ${values.hearingUntil}. Neem daarvoor contact op met uw klantenbeheerder en vermeld ons kenmerk.`] });
  if (meta.audience === 'publiek') sections.push({ paragraphs: ['Deze versie bevat geen persoonsgegevens. Met vragen kunt u terecht bij de K&G-Lijn; het lokaal bestuur kan terecht bij de intersectorale medewerker van Opgroeien.'] });
  sections.push({ paragraphs: ['Met vriendelijke groeten,', 'Agentschap Opgroeien'] });
  return {
    sender,
    addressee: addressee(ctx, meta.audience),
    reference: `Ons kenmerk: ${ctx.caseId} · Brussel, ${longDate.format(new Date(ctx.issuedAt))}`,
    title: message.subject,
    sections,
    footer: `${meta.kind} · ${ctx.caseId}${meta.audience === 'publiek' ? ' · publieke versie' : ''}`,
    issuedAt: ctx.issuedAt,
    subject: meta.kind,
    keywords: ['handhaving', template, meta.audience],
  };
}

/**
 * Removes known personal data from a text: every marker is replaced by "[weggelaten]". Markers
 * are whole strings (names, e-mail addresses, phone numbers), matched case-insensitively.
 */
export function redact(text: string, markers: readonly string[]): string {
  let out = text;
  for (const m of markers) {
    const marker = m.trim();
    if (marker.length < 3) continue;
    out = out.replace(new RegExp(marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[weggelaten]');
  }
  return out;
}
