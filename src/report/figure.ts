// A plotly figure as a self-contained HTML fragment for notebook output. plotly.js itself is
// not in the fragment: the notebook runner inlines it once per rendered notebook (it looks
// for the data-snas-plotly marker), so the HTML renders offline; in a live notebook the kernel
// sends it once (plotlyLibraryHtml, src/report/show.ts).
import { randomBytes } from 'node:crypto';

export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Animation frames (plotly's): what a slider's steps switch between (src/report/slider.ts). */
  frames?: Record<string, unknown>[];
}

/** Marker attribute the notebook publisher looks for before inlining plotly.js. */
export const PLOTLY_MARKER = 'data-snas-plotly';

/** Marker attribute of the live notebook's copy of plotly.js (execute.py drops that output: the rendering inlines its own). */
export const PLOTLY_LIBRARY_MARKER = 'data-snas-plotly-library';

let counter = 0;
// Element ids unique across kernels and restarts: a live page keeps the outputs of earlier
// kernels, and a second figure with an id already on the page would draw into the first.
const session = randomBytes(4).toString('hex');

/** JSON that is safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The figure with snas-lab's defaults (margins, no plotly logo, responsive) under its own settings. */
export function withDefaults(fig: Figure): Required<Figure> {
  return {
    data: fig.data,
    layout: { margin: { t: 40, r: 20, b: 50, l: 60 }, ...fig.layout },
    config: { displaylogo: false, responsive: true, ...fig.config },
    frames: fig.frames ?? [],
  };
}

/** plotly.js inlined, for a live notebook page that has none: defines window.Plotly. */
export function plotlyLibraryHtml(source: string, version: string): string {
  return `<script type="text/javascript" ${PLOTLY_LIBRARY_MARKER}="${version}">\n${source.replace(/<\/script/gi, '<\\/script')}\n</script>`;
}

/** HTML for one figure: a div and a script that draws it once plotly.js is on the page. */
export function figureHtml(fig: Figure, id = `snas-fig-${session}-${++counter}`): string {
  const spec = withDefaults(fig);
  return [
    `<div id="${id}" ${PLOTLY_MARKER}="1" style="width:100%;min-height:400px"></div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var spec = ${scriptJson(spec)}, tries = 0;`,
    '  function draw() {',
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    '    if (!el) return;',
    '    if (window.Plotly) { window.Plotly.newPlot(el, spec); return; }',
    "    if (++tries < 200) { setTimeout(draw, 50); return; }",
    "    el.textContent = 'plotly.js is not on this page: rerun the notebook from its first cell (its kernel sends plotly.js with its first figure), or open the HTML rendering under results/notebooks/.';",
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
}
