// Writes a table as CSV and Markdown under the results folder (results/tables/NAME.{csv,md}).
import { join } from 'node:path';
import { writeAtomic } from '../util/files.js';
import { projectRoot } from '../util/root.js';
import { formatCell, tableRows, type Cell, type FrameLike, type Row } from './table.js';

/** The results folder a run publishes into: SNAS_RESULTS (set by the notebook runner) or results/. */
export function resultsDir(): string {
  return process.env.SNAS_RESULTS || join(projectRoot(), 'results');
}

function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(t: Row[] | FrameLike): string {
  const { columns, rows } = tableRows(t);
  return [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
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
