// Writes a table as CSV and Markdown under the results folder (results/tables/NAME.{csv,md}).
import { join } from 'node:path';
import { resultsDir } from '../runs/paths.js';
import { csvText } from '../util/csv.js';
import { writeAtomic } from '../util/files.js';
import { formatCell, tableRows, type FrameLike, type Row } from './table.js';

/** A table as CSV, numbers at full precision. */
export function toCsv(t: Row[] | FrameLike): string {
  const { columns, rows } = tableRows(t);
  return csvText(columns, rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))), String);
}

export function toMarkdown(t: Row[] | FrameLike, caption?: string): string {
  const { columns, rows } = tableRows(t);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${columns.map(esc).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((v) => esc(formatCell(v))).join(' | ')} |`),
  ];
  return `${caption ? `${caption}\n\n` : ''}${lines.join('\n')}\n`;
}

/** Writes NAME.csv and NAME.md; returns their paths. */
export function writeTable(name: string, t: Row[] | FrameLike, caption?: string): { csv: string; md: string } {
  const dir = join(resultsDir(), 'tables');
  const csv = join(dir, `${name}.csv`);
  const md = join(dir, `${name}.md`);
  writeAtomic(csv, toCsv(t));
  writeAtomic(md, toMarkdown(t, caption));
  return { csv, md };
}
