import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';

/**
 * Letters as PDF (issue 13), with pdf-lib and its standard Helvetica: no font files to ship. The
 * standard fonts encode WinAnsi (Windows-1252), which has every letter Dutch needs (ë é è ï ö ü
 * à ç, and ’ “ ” – € …); anything outside it is folded to its base letter, or "?", so a stray
 * character never stops a letter. The output is deterministic for the same content and date:
 * no clock, no random id; the same letter gives the same SHA-256.
 */
export interface LetterLayout {
  /** Sender block, one line each. */
  sender: string[];
  /** Addressee block, one line each. */
  addressee: string[];
  /** E.g. "Ons kenmerk: HH-… · Brussel, 1 december 2026". */
  reference: string;
  title: string;
  /** Sections: an optional heading and its paragraphs (a paragraph may hold "\n" line breaks). */
  sections: { heading?: string; paragraphs: string[] }[];
  /** Small print at the bottom of every page. */
  footer: string;
  /** The letter's date (PDF metadata), ISO; fixed so the document's hash does not depend on the clock. */
  issuedAt: string;
  subject: string;
  keywords: string[];
}

// Letters without a decomposition to a base letter.
const fold: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h' };

// The characters WinAnsiEncoding has beyond Latin-1 (0x80–0x9F).
const winAnsiExtra = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Folds text into what WinAnsi can show. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\t') out += '    ';
    else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtra.has(ch)) out += ch;
    else if (ch === '\n' || ch === '\r') out += ch;
    else if (fold[ch]) out += fold[ch];
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...base].every((c) => c.codePointAt(0)! >= 0x20 && c.codePointAt(0)! <= 0x7e) && base ? base : '?';
    }
  }
  return out;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const words = raw.split(/ +/);
    let line = '';
    for (const word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      // A single word longer than the line (an URL, a long reference) is cut.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = rest.length;
        while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n -= 1;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

const A4: [number, number] = [595.28, 841.89];
const margin = 64;

export async function renderLetterPdf(layout: LetterLayout): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const date = new Date(layout.issuedAt);
  doc.setTitle(toWinAnsi(layout.title));
  doc.setSubject(toWinAnsi(layout.subject));
  doc.setAuthor('Agentschap Opgroeien');
  doc.setCreator('handhaving-orchestrator');
  doc.setProducer('pdf-lib');
  doc.setKeywords(layout.keywords.map(toWinAnsi));
  doc.setLanguage('nl-BE');
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  const width = A4[0] - 2 * margin;
  const pages = [doc.addPage(A4)];
  let y = A4[1] - margin;
  const page = () => pages[pages.length - 1]!;
  const need = (h: number) => {
    if (y - h < margin + 30) {
      pages.push(doc.addPage(A4));
      y = A4[1] - margin;
    }
  };
  const write = (text: string, opts: { font?: PDFFont; size?: number; gap?: number } = {}) => {
    const font = opts.font ?? regular;
    const size = opts.size ?? 10.5;
    for (const line of wrap(toWinAnsi(text), font, size, width)) {
      need(size * 1.4);
      page().drawText(line, { x: margin, y: y - size, size, font, color: rgb(0, 0, 0) });
      y -= size * 1.4;
    }
    y -= opts.gap ?? 0;
  };

  for (const line of layout.sender) write(line, { size: 9 });
  y -= 14;
  for (const line of layout.addressee) write(line);
  y -= 14;
  write(layout.reference, { size: 9, gap: 14 });
  write(layout.title, { font: bold, size: 14, gap: 10 });
  for (const section of layout.sections) {
    if (section.heading) write(section.heading, { font: bold, size: 11, gap: 2 });
    for (const p of section.paragraphs) write(p, { gap: 8 });
    y -= 4;
  }
  pages.forEach((p, i) => {
    const text = toWinAnsi(`${layout.footer} · pagina ${i + 1} van ${pages.length}`);
    p.drawText(text, { x: margin, y: margin - 20, size: 7.5, font: regular, color: rgb(0.3, 0.3, 0.3) });
  });
  return doc.save({ useObjectStreams: false });
}
