// A plotly figure with a slider over precomputed states (a temperature, an epoch): every state's
// traces are computed when the notebook runs and stored as animation frames, so the slider moves
// in the live notebook and in the published HTML alike, with no kernel behind the page.
import type { Figure } from './figure.js';

export interface SliderState {
  /** The slider's label for this state (also the frame's name): '0.3', 'epoch 4'. */
  label: string;
  /** The traces at this state: the same traces, in the same order, in every state. */
  data: Record<string, unknown>[];
  /** Layout keys that change with the state (a title, an axis range). */
  layout?: Record<string, unknown>;
}

export interface SliderOptions {
  /** Text before the current value: 'tau = '. */
  prefix: string;
  /** The state shown first (default: the first). */
  active?: number;
  layout?: Record<string, unknown>;
}

/** A figure whose slider switches between `states`; plotly draws the active one first. */
export function sliderFigure(states: SliderState[], opts: SliderOptions): Figure {
  if (states.length === 0) throw new Error('sliderFigure: no states');
  const traces = states[0]!.data.length;
  const odd = states.find((s) => s.data.length !== traces);
  if (odd) throw new Error(`sliderFigure: state '${odd.label}' has ${odd.data.length} traces, the first has ${traces}`);
  const labels = new Set(states.map((s) => s.label));
  if (labels.size !== states.length) throw new Error('sliderFigure: two states share a label');
  const active = opts.active ?? 0;
  const shown = states[active];
  if (!shown) throw new Error(`sliderFigure: active state ${active} of ${states.length}`);
  const animate = { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } };
  return {
    data: shown.data,
    layout: {
      ...opts.layout,
      ...shown.layout,
      sliders: [{
        active,
        pad: { t: 50 },
        currentvalue: { prefix: opts.prefix, xanchor: 'left' },
        steps: states.map((s) => ({ label: s.label, method: 'animate', args: [[s.label], animate] })),
      }],
    },
    frames: states.map((s) => ({ name: s.label, data: s.data, ...(s.layout ? { layout: s.layout } : {}) })),
  };
}
