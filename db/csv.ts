import { CsvError, type Options, parse } from 'csv-parse/sync';

/** One record of a CSV file, with the line of the file it starts on (to name a refused row). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * The records of a CSV file as people export it from a spreadsheet: RFC 4180 (quoted fields may
 * hold the separator, quotes and line breaks), `;` or `,` separated (whichever the header uses),
 * an optional byte-order mark; blank records are left out. csv-parse does the reading.
 */
export function csvRecords(text: string): CsvRecord[] {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const rows = readCsv(text, {
    bom: true,
    delimiter: header.includes(';') ? ';' : ',',
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  });
  const records: CsvRecord[] = [];
  let linesBefore = 0;
  let emptyBefore = 0;
  for (const { record, info } of rows) {
    // info counts up to the end of the record; the lines skipped as empty since lie before it.
    const line = linesBefore + 1 + (info.empty_lines - emptyBefore);
    linesBefore = info.lines;
    emptyBefore = info.empty_lines;
    if (record.some((cell) => cell.trim() !== '')) records.push({ line, cells: record });
  }
  return records;
}

/** A file that is not CSV (an unclosed quote, a quote inside a bare field): refused with its line. */
export class CsvFormatError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

function readCsv(text: string, options: Options) {
  try {
    return parse(text, options) as unknown as { record: string[]; info: { lines: number; empty_lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError) {
      // csv-parse puts the line it stopped on beside its message (its type says unknown).
      const line = typeof err.lines === 'number' ? err.lines : 1;
      throw new CsvFormatError(line, `line ${line} is not CSV: ${err.message.replace(/:.*$/, '')}`);
    }
    throw err;
  }
}
