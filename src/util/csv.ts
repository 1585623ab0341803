// CSV text from rows and rows from CSV text, through papaparse (quoting, embedded commas and
// newlines). Numbers are written at a fixed precision so that files compare byte for byte.
import Papa from 'papaparse';

export type CsvValue = string | number | boolean | null | undefined;

/** A number as records write it: integers exactly, others with 8 significant digits. */
function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(8);
}

/**
 * CSV text with a header of `columns` and one line per row, '\n'-terminated. Numbers go through
 * `number` (default: 8 significant digits); empty, null and undefined cells are empty.
 */
export function csvText(columns: readonly string[], rows: readonly Record<string, CsvValue>[], number: (v: number) => string = formatNumber): string {
  const cell = (v: CsvValue) => (typeof v === 'number' ? number(v) : v === null || v === undefined ? '' : String(v));
  const data = rows.map((r) => columns.map((c) => cell(r[c])));
  return `${Papa.unparse({ fields: [...columns], data }, { newline: '\n' })}\n`;
}

/** Rows of CSV text with a header line; fields that read as finite numbers become numbers. */
export function parseCsv(text: string): Record<string, string | number>[] {
  const r = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  return r.data.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v !== '' && Number.isFinite(Number(v)) ? Number(v) : v])));
}
