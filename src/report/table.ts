// An HTML table from rows of records or from a danfo DataFrame (danfo has no HTML output).
export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

/** The part of a danfo DataFrame this module reads. */
export interface FrameLike {
  columns: string[];
  values: unknown[] | unknown[][];
}

export interface TableOptions {
  caption?: string;
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
  /** Per-column formatters, overriding the default. */
  format?: Record<string, (v: Cell) => string>;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function formatCell(v: Cell, digits = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return String(Number(v.toPrecision(digits)));
  }
  return String(v);
}

function isFrame(t: Row[] | FrameLike): t is FrameLike {
  return !Array.isArray(t) && Array.isArray((t as FrameLike).columns);
}

/** Column names and rows of cells, from records (columns in first-seen order) or a DataFrame. */
export function tableRows(t: Row[] | FrameLike): { columns: string[]; rows: Cell[][] } {
  if (isFrame(t)) {
    const values = t.values as unknown[];
    const rows = (values.length > 0 && !Array.isArray(values[0]) ? [values] : values) as Cell[][];
    return { columns: t.columns, rows };
  }
  const columns: string[] = [];
  for (const r of t) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  return { columns, rows: t.map((r) => columns.map((c) => r[c])) };
}

export function tableHtml(t: Row[] | FrameLike, opts: TableOptions = {}): string {
  const { columns, rows } = tableRows(t);
  const fmt = (col: string, v: Cell) => escapeHtml(opts.format?.[col]?.(v) ?? formatCell(v, opts.digits));
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((v, i) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${fmt(columns[i]!, v)}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = opts.caption ? `<caption>${escapeHtml(opts.caption)}</caption>` : '';
  return [
    '<table class="snas-table">',
    caption,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    '</table>',
    // The doubled class outranks JupyterLab's ':not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td'
    // (specificity 0,2,1), which right-aligns every cell.
    '<style>table.snas-table{border-collapse:collapse;font-size:13px}table.snas-table caption{text-align:left;font-weight:600;padding:4px 0}',
    'table.snas-table.snas-table th,table.snas-table.snas-table td{border:1px solid #ccc;padding:3px 8px;text-align:left}',
    'table.snas-table.snas-table td.num{text-align:right;font-variant-numeric:tabular-nums}</style>',
  ].join('\n');
}

/** Plain-text rendering (outside notebooks). */
export function tableText(t: Row[] | FrameLike, opts: TableOptions = {}): string {
  const { columns, rows } = tableRows(t);
  const cells = [columns, ...rows.map((r) => r.map((v, i) => opts.format?.[columns[i]!]?.(v) ?? formatCell(v, opts.digits)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Cell[]) => r.map((v, i) => String(v ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [opts.caption ?? '', ...cells.map(line)].filter((l) => l !== '').join('\n');
}
