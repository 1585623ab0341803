// The complexity columns of Tables 2 and 3 regenerated from the published genotypes, beside
// the figures the paper printed, with every mismatch flagged.
import { countGenotypeNetwork, type NetworkCost } from '../cost/index.js';
import { NETWORK_DEFAULTS, poolBNOf, type NetworkKind } from '../networks/derived.js';
import { genotypeByName } from '../space/registry.js';
import { paperTables } from './paper.js';
import type { Row } from './table.js';

export function countPublished(kind: NetworkKind, genotype: string, channels?: number, poolBN = poolBNOf(genotype)): NetworkCost {
  const d = NETWORK_DEFAULTS[kind];
  return countGenotypeNetwork({ kind, genotype: genotypeByName(genotype), ...d, channels: channels ?? d.channels, poolBN });
}

const millions = (v: number, decimals: number) => Number((v / 1e6).toFixed(decimals));

/** Does an exact count round to the paper's figure (printed in millions with `decimals` decimals)? */
export function matchesPaper(exact: number, paperMillions: number, decimals: number): boolean {
  return millions(exact, decimals) === paperMillions;
}

/** Table 2's params column: every published genotype on the CIFAR network (C 36, 20 cells). */
export function table2ParamsRows(): Row[] {
  return paperTables().table2.filter((r) => r.genotype).map((r) => {
    const g = r.genotype!;
    const c = countPublished('cifar10', g);
    const paper = r.params_m as number;
    return {
      method: r.method,
      genotype: g,
      pools: poolBNOf(g) ? 'BN after pools (SNAS code)' : 'bare pools (DARTS code)',
      'params M (paper)': paper,
      'params (measured)': c.params,
      'params M (measured)': millions(c.params, 1),
      'params with aux (measured)': c.params_with_aux,
      match: matchesPaper(c.params, paper, 1) ? 'yes' : 'NO',
    };
  });
}

/** Table 3's complexity columns (ImageNet mobile, 14 cells) at each width, beside the paper's row. */
export function table3ComplexityRows(channels: number[] = [48, 50]): Row[] {
  const rows: Row[] = [];
  for (const r of paperTables().table3.filter((x) => x.genotype)) {
    for (const c of channels) {
      const m = countPublished('imagenet', r.genotype!, c);
      const paramsOk = matchesPaper(m.params, r.params_m as number, 1);
      const maddsOk = matchesPaper(m.mult_adds, r.mult_adds_m as number, 0);
      rows.push({
        method: r.method, genotype: r.genotype!, C: c,
        'params M (paper)': r.params_m as number, 'params M (measured)': millions(m.params, 2),
        'mult-adds M (paper)': r.mult_adds_m as number, 'mult-adds M (measured)': millions(m.mult_adds, 1),
        'all ops M (measured)': millions(m.ops_all, 1),
        match: paramsOk && maddsOk ? 'yes' : `NO (${[paramsOk ? '' : 'params', maddsOk ? '' : 'mult-adds'].filter(Boolean).join(', ')})`,
        'top-1 err % (paper, quoted)': r.top1_error as number, 'top-5 err % (paper, quoted)': r.top5_error as number,
      });
    }
  }
  return rows;
}

/**
 * Table 3 as results/tables/table3 holds it: one row per (method, source). Every paper row is
 * quoted (source paper); for the rows with a published genotype, a measured row follows with
 * the parameters and multiply-adds counted here at C = `channels`. Accuracy is not measured
 * (it needs ImageNet training).
 */
export function table3Rows(channels = 48): Row[] {
  const rows: Row[] = [];
  for (const r of paperTables().table3) {
    rows.push({
      method: r.method, source: 'paper', top1_error: r.top1_error as number, top5_error: r.top5_error as number,
      params_m: r.params_m as number, mult_adds_m: r.mult_adds_m as number, search_cost_gpu_days: r.search_cost_gpu_days as number | undefined, channels: undefined,
    });
    if (!r.genotype) continue;
    const m = countPublished('imagenet', r.genotype, channels);
    rows.push({
      method: r.method, source: 'measured', top1_error: undefined, top5_error: undefined,
      params_m: millions(m.params, 2), mult_adds_m: millions(m.mult_adds, 1), search_cost_gpu_days: undefined, channels,
    });
  }
  return rows;
}
