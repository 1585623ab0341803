// A table as LaTeX for a paper (booktabs): the same rows and caption as its CSV, Markdown and
// HTML forms, numbers rounded as the SNAS paper prints them, a mean and its `_std` column joined
// as "mean ± std", and every row marked as measured here or quoted.
import { tableRows, type Cell, type FrameLike, type Row } from './table.js';

/** Characters LaTeX reserves, and symbols pdflatex's utf8 input does not know, as LaTeX. */
const LATEX_TEXT: Record<string, string> = {
  '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}',
  '~': '\\textasciitilde{}', '^': '\\textasciicircum{}', '<': '\\textless{}', '>': '\\textgreater{}', '|': '\\textbar{}',
  '±': '$\\pm$', '×': '$\\times$', '→': '$\\to$', '←': '$\\leftarrow$', '≤': '$\\le$', '≥': '$\\ge$', '≈': '$\\approx$',
  '≠': '$\\ne$', '−': '$-$', '·': '$\\cdot$', '∞': '$\\infty$', '√': '$\\surd$', '°': '$^\\circ$',
  α: '$\\alpha$', β: '$\\beta$', γ: '$\\gamma$', δ: '$\\delta$', ε: '$\\epsilon$', η: '$\\eta$', θ: '$\\theta$',
  κ: '$\\kappa$', λ: '$\\lambda$', μ: '$\\mu$', π: '$\\pi$', ρ: '$\\rho$', σ: '$\\sigma$', τ: '$\\tau$',
  φ: '$\\phi$', χ: '$\\chi$', ψ: '$\\psi$', ω: '$\\omega$', Δ: '$\\Delta$', Σ: '$\\Sigma$', Ω: '$\\Omega$',
};

/** Characters pdflatex reads as they are (its default utf8 input covers Latin-1 and typographic punctuation). */
const PLAIN = /^[\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2026]$/u;

/** Text as LaTeX: reserved characters escaped, known symbols as maths, anything else named by its code point. */
export function latexText(s: string): string {
  let out = '';
  for (const ch of s.replace(/\s+/g, ' ')) {
    const mapped = LATEX_TEXT[ch];
    if (mapped !== undefined) out += mapped;
    else if (PLAIN.test(ch)) out += ch;
    else out += `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;
  }
  return out;
}

/**
 * Decimal places per column, as the paper prints them: accuracies and CIFAR errors with two
 * decimals (Tables 1, 2), ImageNet top-1/top-5 errors with one (Table 3), parameters in
 * millions with one, multiply-adds in millions with none.
 */
const DECIMALS: [RegExp, number][] = [
  [/^top[15]_error$/, 1],
  [/(^|_)(acc|error)$/, 2],
  [/^params_m$/, 1],
  [/^mult_adds_m$/, 0],
  [/_hours$/, 2],
];

/** A number as the paper prints its column; elsewhere three significant digits. */
export function latexNumber(column: string, v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '--' : v > 0 ? '$\\infty$' : '$-\\infty$';
  const places = DECIMALS.find(([re]) => re.test(column))?.[1];
  let s: string;
  if (places !== undefined) s = v.toFixed(places);
  else if (/gpu_days$/.test(column)) s = v >= 0.1 || v === 0 ? String(Number(v.toFixed(1))) : String(Number(v.toPrecision(2))); // 1, 1.5, 0.4, 3150
  else if (Number.isInteger(v)) s = String(v);
  else s = String(Number(v.toPrecision(3)));
  return s.startsWith('-') ? `$-$${s.slice(1)}` : s;
}

function cellText(column: string, v: Cell): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return latexNumber(column, v);
  return latexText(String(v));
}

/**
 * A caption for a paper's own numbering: "Table 2 (CIFAR-10): test error ..." becomes "Test
 * error ... (Table 2 of the SNAS paper, CIFAR-10)", the rest of the text unchanged.
 */
export function paperCaption(caption: string): string {
  const m = /^Table (\d+)(?:\s*\(([^)]*)\))?:\s*/.exec(caption);
  if (!m) return caption;
  const rest = caption.slice(m[0].length);
  const where = `Table ${m[1]} of the SNAS paper${m[2] ? `, ${m[2]}` : ''}`;
  const sentence = rest.search(/\.(\s|$)/);
  const first = sentence < 0 ? rest : rest.slice(0, sentence);
  const after = sentence < 0 ? '' : rest.slice(sentence);
  return `${first.charAt(0).toUpperCase()}${first.slice(1)} (${where})${after}`;
}

/** Columns that say where rows were computed rather than what was measured. */
const CONTEXT = /^(scale|hardware|dataset|backend)$/;

/**
 * Context columns (scale, hardware, dataset, backend) that hold one value in every row, or one
 * per source: moved from the body to a note in the caption, so that a table keeps its
 * measurements in columns and its constant context in words. Measured columns always stay.
 */
function foldedColumns(columns: string[], rows: Cell[][]): { index: number; note: string }[] {
  const source = columns.indexOf('source');
  const empty = (v: Cell) => v === null || v === undefined || v === '';
  const out: { index: number; note: string }[] = [];
  columns.forEach((c, i) => {
    if (!CONTEXT.test(c) || i === 0 || rows.length < 2) return;
    const values = (subset: Cell[][]) => [...new Set(subset.map((r) => r[i]).filter((v) => !empty(v)).map(String))];
    const all = values(rows);
    if (all.length <= 1) {
      out.push({ index: i, note: `${c.replace(/_/g, ' ')} ${all[0] ?? '(empty)'}` });
      return;
    }
    if (source < 0) return;
    const groups = [...new Set(rows.map((r) => String(r[source] ?? '')))];
    const per = groups.map((g) => ({ g, v: values(rows.filter((r) => String(r[source] ?? '') === g)) }));
    if (per.every((x) => x.v.length <= 1)) {
      out.push({ index: i, note: `${c.replace(/_/g, ' ')} ${per.map((x) => `${x.v[0] ?? '(empty)'} (${x.g})`).join(', ')}` });
    }
  });
  return out;
}

export interface LatexTableOptions {
  caption?: string;
  /** \label{tab:LABEL}. */
  label?: string;
  /** Where the table came from, in a comment on its first line. */
  origin?: string;
}

/**
 * A booktabs table. A column NAME followed by NAME_std becomes one column "NAME" of
 * "mean ± std" (the std left out where a row has none, as for quoted rows); numeric columns are
 * right-aligned. Rows are marked by the table's `source` column (measured, or quoted as 'paper');
 * a table without one is measured throughout, which the caption then says. A table wider than the
 * text is scaled down to fit.
 */
export function latexTable(t: Row[] | FrameLike, opts: LatexTableOptions = {}): string {
  const { columns, rows } = tableRows(t);
  const stdOf = new Map<number, number>();
  columns.forEach((c, i) => {
    const j = columns.indexOf(`${c}_std`);
    if (j >= 0) stdOf.set(i, j);
  });
  const folded = foldedColumns(columns, rows);
  const dropped = new Set([...stdOf.values(), ...folded.map((f) => f.index)]);
  const shown = columns.map((c, i) => ({ c, i })).filter(({ i }) => !dropped.has(i));
  const numeric = (i: number) => rows.some((r) => typeof r[i] === 'number') && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined || r[i] === '');
  const align = shown.map(({ i }) => (numeric(i) ? 'r' : 'l')).join('');
  const body = rows.map((r) => shown.map(({ c, i }) => {
    const main = cellText(c, r[i]);
    const j = stdOf.get(i);
    const std = j === undefined ? '' : cellText(c, r[j]);
    return main && std ? `${main} $\\pm$ ${std}` : main;
  }).join(' & '));
  const header = shown.map(({ c, i }) => latexText(stdOf.has(i) ? `${c.replace(/_/g, ' ')} (± std)` : c.replace(/_/g, ' ')));
  const marked = columns.includes('source') ? '' : ' All rows were measured by snas-lab.';
  const same = folded.length ? ` Where the rows were computed: ${folded.map((f) => f.note).join('; ')}.` : '';
  const caption = `${paperCaption(opts.caption ?? '')}${marked}${same}`.trim();
  return [
    `% ${opts.origin ?? 'a table'}, written by snas-lab: regenerate rather than edit. Needs \\usepackage{booktabs,graphicx}.`,
    '\\begin{table}[htbp]',
    '\\centering',
    caption ? `\\caption{${latexText(caption)}}` : '',
    opts.label ? `\\label{tab:${opts.label}}` : '',
    '\\small',
    '\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%',
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    `${header.join(' & ')} \\\\`,
    '\\midrule',
    ...body.map((line) => `${line} \\\\`),
    '\\bottomrule',
    '\\end{tabular}}',
    '\\end{table}',
  ].filter((l) => l !== '').join('\n') + '\n';
}
