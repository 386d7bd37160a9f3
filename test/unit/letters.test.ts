import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type LetterContextData, publicValuesOf } from '../../activities/letters/activities.js';
import { letterLayout, letterTemplates } from '../../activities/letters/letters.js';
import { renderLetterPdf, toWinAnsi } from '../../activities/letters/pdf.js';
import { type TemplateName, templates } from '../../workflows/shared/templates.js';
import { pdfText } from '../integration/letters-helpers.js';

// Every letter kind as a PDF: it opens, reads back, is deterministic (the same hash for the same
// letter), and its public version carries none of the test case's personal data.

const reporter = ['Rita Verklikker', 'rita@melder.test', '0470 12 34 56'];
const organiser = ['Anneke Peeters', 'anneke.peeters@voorbeeld.test', '03 123 45 67', "'t Kabouterhuisje van Anneke"];
const children = ['Lotte Vermeulen', 'Noah Dubois'];
const parents = ['Els Mertens', 'els.mertens@gezin.test'];

const ctx: LetterContextData = {
  locationName: organiser[3]!,
  publicName: 'Gezinsopvang in Sint-Niklaas',
  kind: 'gezinsopvang',
  street: 'Kerkstraat 12',
  postalCode: '9100',
  municipality: 'Sint-Niklaas',
  organiserName: organiser[0]!,
  enterpriseNumber: '0123.456.789',
  reporterMarkers: reporter,
  privateMarkers: [...organiser, ...parents],
};

/** Every placeholder of a template filled; free texts carry every marker, as a careless case manager might type. */
function valuesFor(name: TemplateName): Record<string, string> {
  const keys = new Set([...`${templates[name].subject} ${templates[name].body}`.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));
  const free = `Vastgesteld bij ${children.join(' en ')}; gemeld door ${reporter[0]} (${reporter[1]}); organisator ${organiser[0]}, ${organiser[1]}, ${organiser[2]}; ouder ${parents[0]} ${parents[1]}. Één café, ë é è ï ö ü à ç – “citaat” €.`;
  return Object.fromEntries([...keys].map((k) => [k, k === 'location' ? organiser[3]! : /date|until|on|by|when|dueAt|endsOn/i.test(k) ? '2026-12-31' : free]));
}

describe('letters as PDF', () => {
  const kinds = Object.keys(letterTemplates) as TemplateName[];

  it.each(kinds)('%s: opens, reads back, deterministic; the public version has no personal data; no letter names the reporter', async (name) => {
    const meta = letterTemplates[name]!;
    const values = publicValuesOf(name, valuesFor(name), ctx);
    const layout = letterLayout(name, values, {
      caseId: 'HH-0000ABCD',
      issuedAt: '2026-12-01T09:00:00Z',
      recipient: name.includes('lokaal') ? 'lokaal_bestuur' : meta.audience === 'publiek' ? 'ouders' : 'organisator',
      publicName: ctx.publicName,
      municipality: ctx.municipality,
      ...(meta.audience === 'organisator' ? { organiser: { name: ctx.organiserName, street: ctx.street, postalCode: ctx.postalCode, municipality: ctx.municipality } } : {}),
    })!;
    const pdf = await renderLetterPdf(layout);
    const again = await renderLetterPdf(layout);
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(createHash('sha256').update(again).digest('hex'));
    const { text, pages, title } = await pdfText(pdf);
    expect(pages).toBeGreaterThan(0);
    expect(title).toBe(toWinAnsi(layout.title));
    expect(text).toContain('HH-0000ABCD');
    expect(text).toContain('Één café, ë é è ï ö ü à ç – “citaat” €'); // Dutch characters survive (WinAnsi)
    for (const m of reporter) expect(text, `${name}: ${m}`).not.toContain(m);
    if (meta.audience === 'publiek') {
      for (const m of [...organiser, ...parents]) expect(text, `${name}: ${m}`).not.toContain(m);
      expect(text).toContain('Gezinsopvang in Sint-Niklaas');
    } else {
      expect(text).toContain('Rechtsgrond');
      expect(text).toContain(organiser[0]); // the organiser's own version is addressed to them
    }
    if (name === 'beslissing') expect(text).toMatch(/bezwaar indienen tot en met 2026-12-31/);
  });

  it('folds characters WinAnsi lacks instead of failing', () => {
    expect(toWinAnsi('Łódź ő 😀 ė')).toBe('Lódz o ? e');
  });
});
