// Cost events that leaf layers report during a forward pass; the counters in src/cost sum them.
export type CostKind = 'conv' | 'linear' | 'bn' | 'relu' | 'pool' | 'add' | 'global-pool';

export interface CostEvent {
  kind: CostKind;
  /** Multiply-accumulates for the whole batch (conv and linear only). */
  macs: number;
  /** Elementwise work for the whole batch: output elements (BN, ReLU, add), window reads (pooling). */
  ops: number;
  /** Batch size of the pass, so that costs can be given per image. */
  batch: number;
}

export class CostTrace {
  readonly events: CostEvent[] = [];

  record(e: CostEvent): void {
    this.events.push(e);
  }
}
