// Fashion-MNIST figures from elsewhere, quoted beside Table 2's measured rows at quick scale. They
// were run at other budgets (full 28x28 images, days of search and training), so they bound what
// the dataset allows, not what this scale should reach. Debian's dataset-fashion-mnist ships the
// dataset's benchmark script and its hyper-parameter grids (benchmark/baselines.json), but no
// accuracies, so none are quoted from it.
import type { Row } from './table.js';

export interface Anchor {
  model: string;
  test_acc: number;
  budget: string;
  source: string;
}

export const FASHION_MNIST_ANCHORS: readonly Anchor[] = [
  { model: 'DARTS (searched and retrained)', test_acc: 95.74, budget: '2 days of search + 2 of retraining, mean of 3 runs', source: 'github.com/namenemo/train-nas' },
  { model: 'ENAS, micro space (searched and retrained)', test_acc: 95.53, budget: '2 days of search + 2 of retraining, mean of 3 runs', source: 'github.com/namenemo/train-nas' },
  { model: 'CNN, 3 conv layers + 2 fully connected', test_acc: 93.18, budget: 'full 28x28 training set, SGD with Nesterov momentum', source: 'github.com/iamarshsingh/Benchmarking-FashionMNIST' },
  { model: 'CNN, 2 conv layers + 2 fully connected', test_acc: 92.69, budget: 'full 28x28 training set, SGD with Nesterov momentum', source: 'github.com/iamarshsingh/Benchmarking-FashionMNIST' },
];

/** The anchors as table rows, marked as quoted. */
export function anchorRows(): Row[] {
  return FASHION_MNIST_ANCHORS.map((a) => ({ model: a.model, source: 'quoted', test_acc: a.test_acc, test_error: +(100 - a.test_acc).toFixed(2), budget: a.budget, from: a.source }));
}
