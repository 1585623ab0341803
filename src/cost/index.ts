export { CRITERIA, expectedCost, opCost, opCostVector, type Criterion, type OpCost } from './op-cost.js';
export { countGenotypeNetwork, countNetwork, type NetworkCost } from './network-cost.js';
export { expectedCellCost, searchCellSites, type CellSite, type EdgeSite } from './cell-cost.js';
export { opKind, separatingSubsets, tiedOps } from './criteria.js';
