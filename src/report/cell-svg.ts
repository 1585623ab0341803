// A cell drawn as a graph in SVG, in the spirit of the paper's Figures 2 and 5: the two
// inputs on the left, the four intermediate nodes, the output (their concatenation) on the
// right, and one labelled, coloured edge per kept op.
import type { CellGenotype } from '../space/genotype.js';
import { STEPS, type OpName } from '../space/primitives.js';
import { escapeHtml } from './table.js';

export const OP_COLOURS: Record<OpName, string> = {
  none: '#9e9e9e', max_pool_3x3: '#d62728', avg_pool_3x3: '#ff7f0e', skip_connect: '#2ca02c',
  sep_conv_3x3: '#1f77b4', sep_conv_5x5: '#17becf', dil_conv_3x3: '#9467bd', dil_conv_5x5: '#e377c2',
};

interface Point { x: number; y: number }

const W = 760;
const H = 340;

function nodePosition(i: number): Point {
  if (i === 0) return { x: 60, y: 90 };
  if (i === 1) return { x: 60, y: 260 };
  if (i < 2 + STEPS) return { x: 200 + (i - 2) * 130, y: i % 2 === 0 ? 100 : 250 };
  return { x: W - 60, y: 175 };
}

const LABELS = ['c\u2096\u208b\u2082', 'c\u2096\u208b\u2081', '0', '1', '2', '3', 'c\u2096'];

export interface CellSvgOptions {
  title?: string;
  /** Draw 'none' edges as faint dotted lines. */
  showNone?: boolean;
  /** Label and colour every edge alike (e.g. 'mixed' for the search cell's 14 edges). */
  mixedLabel?: string;
}

/** SVG of a cell. */
export function cellSvg(cell: CellGenotype, opts: CellSvgOptions = {}): string {
  const parts: string[] = [];
  const edges = cell.edges.filter((e) => opts.showNone || e.op !== 'none');
  edges.forEach((e, i) => {
    const a = nodePosition(e.input);
    const b = nodePosition(e.node);
    const sameSource = edges.filter((f) => f.node === e.node && f.input === e.input);
    const bend = (i % 2 === 0 ? 1 : -1) * (20 + 10 * sameSource.indexOf(e));
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const c = { x: (a.x + b.x) / 2 - (dy / len) * bend, y: (a.y + b.y) / 2 + (dx / len) * bend };
    const mid = { x: 0.25 * a.x + 0.5 * c.x + 0.25 * b.x, y: 0.25 * a.y + 0.5 * c.y + 0.25 * b.y };
    const colour = opts.mixedLabel ? '#555' : OP_COLOURS[e.op];
    const dash = e.op === 'none' && !opts.mixedLabel ? ' stroke-dasharray="3,3" opacity="0.6"' : '';
    parts.push(`<path d="M${a.x},${a.y} Q${c.x.toFixed(1)},${c.y.toFixed(1)} ${b.x},${b.y}" fill="none" stroke="${colour}" stroke-width="2" marker-end="url(#arrow)"${dash}/>`);
    parts.push(`<text x="${mid.x.toFixed(1)}" y="${(mid.y - 4).toFixed(1)}" font-size="10" text-anchor="middle" fill="${colour}" stroke="white" stroke-width="3" paint-order="stroke">${escapeHtml(opts.mixedLabel ?? e.op)}</text>`);
  });
  for (let n = 2; n < 2 + STEPS; n++) {
    const a = nodePosition(n);
    const b = nodePosition(2 + STEPS);
    parts.push(`<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" stroke="#bbb" stroke-dasharray="4,3" marker-end="url(#arrow)"/>`);
  }
  LABELS.forEach((label, i) => {
    const p = nodePosition(i);
    const io = i < 2 || i === 2 + STEPS;
    parts.push(`<rect x="${p.x - 26}" y="${p.y - 13}" width="52" height="26" rx="${io ? 4 : 13}" fill="${io ? '#e8f0fe' : '#fff8e1'}" stroke="#555"/>`);
    parts.push(`<text x="${p.x}" y="${p.y + 4}" font-size="12" text-anchor="middle">${escapeHtml(label)}</text>`);
  });
  const title = opts.title ? `<text x="10" y="18" font-size="14" font-weight="600">${escapeHtml(opts.title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="28" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>
${title}
${parts.join('\n')}
</svg>`;
}
