// The figures the papers printed (src/report/paper-tables.yaml: SNAS' tables, NASP's): quoted, never measured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../util/root.js';
import type { Row } from './table.js';

export interface PaperRow {
  method: string;
  genotype?: string;
  [column: string]: string | number | undefined;
}

export interface PaperTables {
  table1: PaperRow[];
  table2: PaperRow[];
  table3: PaperRow[];
  /** The NASP paper's Table 2 and Table 6. */
  nasp_table2: PaperRow[];
  nasp_table6: PaperRow[];
}

let cache: PaperTables | undefined;

export function paperTables(): PaperTables {
  return (cache ??= parse(readFileSync(join(projectRoot(), 'src', 'report', 'paper-tables.yaml'), 'utf8')) as PaperTables);
}

/**
 * A paper table with measurements: each quoted row followed by the measured rows of the same
 * method; measured methods the paper's table lacks come last.
 */
export function withMeasured<M extends { method: string }>(paper: PaperRow[], measured: M[], paperRow: (p: PaperRow) => Row, measuredRow: (m: M) => Row): Row[] {
  const rows: Row[] = [];
  for (const p of paper) {
    rows.push(paperRow(p));
    for (const m of measured.filter((x) => x.method === p.method)) rows.push(measuredRow(m));
  }
  for (const m of measured.filter((x) => !paper.some((p) => p.method === x.method))) rows.push(measuredRow(m));
  return rows;
}
