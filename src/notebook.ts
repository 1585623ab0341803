// Everything a notebook uses, from one module: a notebook's first code cell is one import from
// here and its parameters. Grouped as a reader of the paper would look for them; the library
// behind stays as it is (each name is defined once, in the file given beside its group).

// The scale a notebook runs at, and per-scale sizes (src/scale.ts).
export { byScale, SCALE_INFO, SCALES, type Scale } from './scale.js';
export { scaleFromEnv } from './config/invocation.js';
// The compute backend (src/backends/).
export { onGpu, selectBackend } from './backends/index.js';
export * as tf from '@tensorflow/tfjs';

// The search space (src/space/): primitives, edges, sampling children, the size of the space, the published cells.
export { EDGE_LIST, PRIMITIVES } from './space/primitives.js';
export { sampleChild, softmax } from './space/sample.js';
export { spaceSize } from './space/size.js';
export { publishedGenotypes } from './space/registry.js';

// The concrete distribution and temperature schedules (src/samplers/).
export { concreteSample, scheduleText } from './samplers/index.js';
// The teaching probes of notebooks 02-03 (src/probes/): the concrete distribution's statistics, and
// the probe cell with its credits, removal effects and the gradient by hand.
export { argmaxFrequencies, densityMass, densityOnSegment, meanLargestEntry } from './probes/concrete-stats.js';
export {
  CellProbe, creditConcentration, credits, gradFromCredits, gradLogAlpha, gradLogAlphaByHand, initialLogAlpha, relativeError,
  removalEffects, sampleWithNoise,
} from './probes/credit.js';
// The resource constraint: per-op costs and criteria (src/cost/).
export { CRITERIA, expectedCellCost, opCostVector, opKind, searchCellSites, separatingSubsets } from './cost/index.js';
export { poolBNOf } from './networks/derived.js';

// The reproduction's runs, declared in configs/reproduction.yaml (src/reproduction/plan.ts), and the run layer (src/runs/).
export {
  ablationRunRequests, cellId, evaluationCells, naspRunRequests, reproduction, searchesOfCells, searchRunRequests, selectCells, selectSearches,
  trainingRunRequests,
} from './reproduction/plan.js';
export { obtainRuns } from './executors/executor.js';
export { defaultExecutor } from './executors/select.js';
export { defaultWorkers } from './executors/local.js';
export { environmentRecord } from './runs/environment.js';
export { runsTable, selectRuns } from './results/table.js';
export { readAlphaHistory, readSearchRun } from './search/read.js';
export type { Config } from './config/schema.js';

// Showing and writing results (src/report/): tables, figures, sliders, cells, and the paper's tables beside the measured ones.
export { showFigure, showMarkdown, showSvgs, showTable } from './report/show.js';
export { writeTable } from './report/write-table.js';
export { sliderFigure } from './report/slider.js';
export { bandFigure, SERIES_COLOURS } from './report/band-figure.js';
export { cellSvg } from './report/cell-svg.js';
export { bandOf, epochBands, meanRunSeconds } from './report/run-stats.js';
export { table1Rows } from './report/table1.js';
export { table2Rows, type MeasuredTraining } from './report/table2.js';
export { claimRows } from './report/claims.js';
export { LEARNS_ABOVE, methodRows, type MethodSearch } from './report/methods.js';
export { opBudgetRows } from './report/op-budget.js';
export { bnRuleRows } from './report/bn-rules.js';
export { ablationReading, ablationRows } from './report/ablation.js';
export { countPublished, table2ParamsRows, table3ComplexityRows, table3Rows } from './report/complexity.js';
export { anchorRows } from './report/fashion-anchors.js';
// The NASP paper (notebook 09): its op sets, Table 6, Figs. 2-4 and claims (src/search/nasp-space.ts, src/report/nasp-paper.ts).
export { NASP_OPS } from './search/nasp-space.js';
export {
  accuracyAt, bandOver, claimRow, commonSeconds, derivedParamsM, discreteHistory, edgeChoiceFigure, epochChanges, naspClaim,
  paperNaspTable2Rows, paperTable6Rows, runSeries, table6Rows, type RunSeries,
} from './report/nasp-paper.js';
export { sweepSepConvStep } from './bench/sepconv-step.js';
export { countMethodStep } from './bench/method-step.js';

// Small tools: seeded random numbers and statistics (src/util/).
export { rng } from './util/rng.js';
export { mean, pearson, std } from './util/stats.js';
export { cpus } from 'node:os';
