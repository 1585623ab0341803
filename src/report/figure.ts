// A plotly figure as a self-contained HTML fragment for notebook output. plotly.js itself is
// not in the fragment: the notebook runner inlines it once per rendered notebook (it looks
// for the data-snas-plotly marker), so the HTML renders offline.
export interface Figure {
  data: Record<string, unknown>[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Marker attribute the notebook publisher looks for before inlining plotly.js. */
export const PLOTLY_MARKER = 'data-snas-plotly';

let counter = 0;

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
  };
}

/** HTML for one figure: a div and a script that draws it once plotly.js is on the page. */
export function figureHtml(fig: Figure, id = `snas-fig-${++counter}`): string {
  const spec = withDefaults(fig);
  return [
    `<div id="${id}" ${PLOTLY_MARKER}="1" style="width:100%;min-height:400px"></div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var spec = ${scriptJson(spec)}, tries = 0;`,
    '  function draw() {',
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    '    if (!el) return;',
    '    if (window.Plotly) { window.Plotly.newPlot(el, spec.data, spec.layout, spec.config); return; }',
    "    if (++tries < 200) { setTimeout(draw, 50); return; }",
    "    el.textContent = 'plotly.js is not loaded here: open the HTML rendering under results/notebooks/.';",
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
}
