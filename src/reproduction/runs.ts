// Every run the reproduction needs at a scale, without its notebooks: what notebooks 05, 06, 08
// and 09 hand to the executor, in two waves. First the searches and sweeps (one call, so that a
// cluster runs them side by side), then the trainings of notebook 06, whose found cells exist
// only once their searches finished. `snas reproduce --runs-only` runs this; the notebooks
// rendered afterwards reuse every run (finished with the same config).
import { obtainRuns, type Executor, type ObtainedRun, type RunRequest } from '../executors/executor.js';
import type { Scale } from '../scale.js';
import { ablationRunRequests, evaluationCells, naspRunRequests, reproduction, searchRunRequests, trainingRunRequests } from './plan.js';

/** Requests in order, each run directory once (notebook 09's compared searches are notebook 05's). */
function distinct(requests: RunRequest[]): RunRequest[] {
  const seen = new Set<string>();
  return requests.filter((r) => !seen.has(r.dir) && seen.add(r.dir));
}

export async function obtainReproductionRuns(scale: Scale, executor: Executor, log: (line: string) => void = (l) => console.log(l)): Promise<{ searches: ObtainedRun[]; trainings: ObtainedRun[] }> {
  const plan = reproduction(scale);
  const nasp = naspRunRequests(plan);
  log(`searches and sweeps (notebooks 05, 08 and 09), scale ${scale}:`);
  const searches = await obtainRuns(distinct([...searchRunRequests(plan), ...ablationRunRequests(plan).jobs, ...nasp.nasp, ...nasp.compared, ...nasp.updates, ...nasp.eta]), executor, log);
  log(`trainings of the cells (notebook 06), scale ${scale}:`);
  const trainings = await obtainRuns(distinct(trainingRunRequests(plan, evaluationCells(plan))), executor, log);
  return { searches, trainings };
}
