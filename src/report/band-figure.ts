// Curves with a shaded band (Fig. 4 style): one line per series for the mean over seeds and
// a filled region from the lowest to the highest seed.
import type { Figure } from './figure.js';

export interface Band {
  x: number[];
  mean: number[];
  lo: number[];
  hi: number[];
}

export interface BandSeries extends Band {
  name: string;
  /** Its colour (a series keeps one colour across figures); default: by its place in the list. */
  colour?: string;
}

/** The series colours, in order (fourteen, so that every search of notebook 05 has its own). */
export const SERIES_COLOURS = [
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#e377c2', '#7f7f7f', '#bcbd22',
  '#393b79', '#e7969c', '#637939', '#ad494a',
];

function rgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

export interface BandFigureOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Multiplies every value (e.g. 100 for fractions shown as %). */
  factor?: number;
  height?: number;
}

export function bandFigure(series: BandSeries[], opts: BandFigureOptions): Figure {
  const f = opts.factor ?? 1;
  const data = series.flatMap((s, i) => {
    const colour = s.colour ?? SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    return [
      {
        type: 'scatter', mode: 'lines', x: [...s.x, ...[...s.x].reverse()], y: [...s.hi.map((v) => v * f), ...[...s.lo].reverse().map((v) => v * f)],
        fill: 'toself', fillcolor: rgba(colour, 0.18), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: s.name,
      },
      { type: 'scatter', mode: 'lines+markers', name: s.name, x: s.x, y: s.mean.map((v) => v * f), line: { color: colour }, legendgroup: s.name },
    ];
  });
  return {
    data,
    layout: {
      title: { text: opts.title }, height: opts.height ?? 380,
      xaxis: { title: { text: opts.xTitle } }, yaxis: { title: { text: opts.yTitle } },
    },
  };
}
