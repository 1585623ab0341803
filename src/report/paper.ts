// The figures the paper printed (src/report/paper-tables.yaml): quoted, never measured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../util/root.js';

export interface PaperRow {
  method: string;
  genotype?: string;
  [column: string]: string | number | undefined;
}

export interface PaperTables {
  table1: PaperRow[];
  table2: PaperRow[];
  table3: PaperRow[];
}

let cache: PaperTables | undefined;

export function paperTables(): PaperTables {
  return (cache ??= parse(readFileSync(join(projectRoot(), 'src', 'report', 'paper-tables.yaml'), 'utf8')) as PaperTables);
}
