import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../db/schema.js';
import { PDFArray, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';

// WinAnsi bytes 0x80–0x9F that differ from Latin-1.
const winAnsi: Record<number, string> = { 0x80: '€', 0x82: '‚', 0x83: 'ƒ', 0x84: '„', 0x85: '…', 0x86: '†', 0x87: '‡', 0x88: 'ˆ', 0x89: '‰', 0x8a: 'Š', 0x8b: '‹', 0x8c: 'Œ', 0x8e: 'Ž', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—', 0x98: '˜', 0x99: '™', 0x9a: 'š', 0x9b: '›', 0x9c: 'œ', 0x9e: 'ž', 0x9f: 'Ÿ' };
const decodeByte = (b: number) => winAnsi[b] ?? String.fromCharCode(b);

/**
 * Opens a PDF with pdf-lib (it must parse) and reads its text back: the page content streams
 * (Flate-decoded) and the hex strings pdf-lib writes for the standard fonts (`<…> Tj`), one
 * line per text operator. Enough for the letters this product makes.
 */
export async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string; title: string | undefined }> {
  const doc = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const page of doc.getPages()) {
    const contents = page.node.get(PDFName.of('Contents'));
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents];
    for (const ref of refs) {
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const filter = stream.dict.get(PDFName.of('Filter'));
      const raw = Buffer.from(stream.contents);
      const content = (filter?.toString() === '/FlateDecode' ? inflateSync(raw) : raw).toString('latin1');
      for (const m of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
        const hex = m[1]!;
        let s = '';
        for (let i = 0; i + 1 < hex.length; i += 2) s += decodeByte(parseInt(hex.slice(i, i + 2), 16));
        lines.push(s);
      }
    }
  }
  // Lines joined by spaces: a name the layout wrapped over two lines reads as one again.
  return { pages: doc.getPageCount(), text: lines.join(' ').replace(/\s+/g, ' '), title: doc.getTitle() };
}

/**
 * Every document of a case: downloads it, checks it opens, its hash matches the list, the header
 * and the audit trail, and that it carries none of `never` (no letter) nor, in a public version,
 * any of `notPublic`. Answers the templates seen.
 */
export async function checkDocuments(
  sys: { http(path: string, init?: RequestInit & { as?: string }): Promise<Response>; db: Kysely<Database> },
  caseId: string,
  as: string,
  markers: { never: string[]; notPublic: string[] },
): Promise<string[]> {
  const docs = (await (await sys.http(`/handhaving/${caseId}/documents`, { as })).json()) as { id: string; template: string; audience: string; sha256: string }[];
  const audit = await sys.db.selectFrom('audit_log').select('details').where('subject_id', '=', caseId).where('action', '=', 'handhaving.document').execute();
  const auditHash = new Map(audit.map((a) => [(a.details as { documentId: string }).documentId, (a.details as { sha256: string }).sha256]));
  for (const doc of docs) {
    const res = await sys.http(`/handhaving/${caseId}/documents/${doc.id}`, { as });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect(hash).toBe(doc.sha256);
    expect(auditHash.get(doc.id), doc.template).toBe(hash);
    const { text } = await pdfText(bytes);
    expect(text).toContain(caseId);
    for (const m of markers.never) expect(text, `${doc.template} contains ${m}`).not.toContain(m);
    if (doc.audience === 'publiek') for (const m of markers.notPublic) expect(text, `${doc.template} contains ${m}`).not.toContain(m);
  }
  return docs.map((d) => d.template);
}
