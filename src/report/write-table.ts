// Writes a table as CSV, Markdown and LaTeX under the results folder (results/tables/NAME.{csv,md,tex}).
import { join } from 'node:path';
import { resultsDir } from '../results/paths.js';
import { csvText } from '../util/csv.js';
import { writeAtomic } from '../util/files.js';
import { latexTable } from './latex-table.js';
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

export interface WrittenTable {
  csv: string;
  md: string;
  tex: string;
  /** The three paths relative to the results folder, for messages (published pages name no absolute path). */
  relative: string[];
}

/** Writes NAME.csv, NAME.md and NAME.tex (booktabs, label tab:snas-NAME); returns their paths. */
export function writeTable(name: string, t: Row[] | FrameLike, caption?: string): WrittenTable {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`table name '${name}': expected letters, digits, '_' or '-'`);
  const dir = join(resultsDir(), 'tables');
  const csv = join(dir, `${name}.csv`);
  const md = join(dir, `${name}.md`);
  const tex = join(dir, `${name}.tex`);
  writeAtomic(csv, toCsv(t));
  writeAtomic(md, toMarkdown(t, caption));
  writeAtomic(tex, latexTable(t, { caption, label: `snas-${name}`, origin: `tables/${name}.csv` }));
  return { csv, md, tex, relative: ['csv', 'md', 'tex'].map((ext) => `tables/${name}.${ext}`) };
}
