// The libraries a rendered notebook needs offline: plotly.js (its figures) and MathJax 3 (its
// maths). execute.py inlines each into the notebook's HTML after the marker comment below
// (one-file pages); the supplementary archive links one shared copy under assets/ instead.
import { join } from 'node:path';
import { plotlySource } from '../report/write-figure.js';
import { projectRoot } from '../util/root.js';

export interface Asset {
  /** File name under assets/. */
  file: string;
  /** Where it comes from (node_modules). */
  source: () => string;
  /** The comment execute.py opens the inlined copy with. */
  marker: string;
}

export const PLOTLY: Asset = { file: 'plotly.min.js', source: plotlySource, marker: 'plotly.js, inlined once' };
export const MATHJAX: Asset = { file: 'mathjax-tex-svg-full.js', source: () => join(projectRoot(), 'node_modules', 'mathjax', 'es5', 'tex-svg-full.js'), marker: 'MathJax 3, inlined once' };
export const ASSETS: Asset[] = [PLOTLY, MATHJAX];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A notebook page with each inlined library replaced by a link to `prefix`/FILE; returns the page
 * and the assets it links. The inlined source escapes "</script", so the first "</script>" after
 * a marker closes that element.
 */
export function linkAssets(html: string, prefix: string): { html: string; used: Asset[] } {
  const used: Asset[] = [];
  let out = html;
  for (const asset of ASSETS) {
    const re = new RegExp(`<script type="text/javascript">/\\* ${escape(asset.marker)} \\*/\\n[\\s\\S]*?</script>`);
    if (!re.test(out)) continue;
    out = out.replace(re, () => `<script src="${prefix}/${asset.file}"></script>`);
    used.push(asset);
  }
  return { html: out, used };
}

/** A figure page (written by writeFigure beside figures/plotly.min.js) linking the shared copy instead. */
export function linkFigurePage(html: string, prefix: string): string {
  return html.replace('<script src="plotly.min.js"></script>', `<script src="${prefix}/plotly.min.js"></script>`);
}
