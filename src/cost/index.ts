export { CRITERIA, expectedCost, opCost, opCostVector, type Criterion, type OpCost } from './op-cost.js';
export { countNetwork, type NetworkCost } from './network-cost.js';
