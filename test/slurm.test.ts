// The Slurm executor on a real one-node cluster (src/setup/slurm-local.sh): a sweep runs as
// jobs that sacct lists COMPLETED;
// a job cancelled mid-run is resubmitted and resumes to the same bytes as an uninterrupted run;
// a run that fails on its own fails once, with its error, and is not resubmitted; a second
// submitter does not run a run the first one holds; a cluster restarted over the saved state of
// a job that was running starts free of it. Skipped where no cluster can be started (not root),
// with the reason. Two cases need no cluster: sbatch, squeue and sacct are faked to show
// accounting that lags behind squeue, and a pending job's reason.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configAtScale, readYaml } from '../src/config/load.js';
import type { RunRequest } from '../src/executors/executor.js';
import { acquireLock, releaseLock } from '../src/runs/lock.js';
import { slurmOptions } from '../src/config/slurm.js';
import { SlurmExecutor } from '../src/executors/slurm.js';
import { ROOT, snas } from './helpers/run.js';
import { slurmCluster } from './helpers/slurm.js';

const skip = slurmCluster();
const SNAS = join(ROOT, 'configs', 'search', 'snas.yaml');
const FILES = ['metrics.csv', 'alphas.json', 'alpha_history.jsonl', 'genotype.json'];
const fast = () => new SlurmExecutor(slurmOptions({ cpus: 1, poll_seconds: 0.5 }));

/** A smoke search of snas.yaml as a run request, with more steps and a checkpoint every step. */
function request(dir: string, extra: Record<string, unknown> = {}): RunRequest {
  const config = configAtScale(readYaml(SNAS), SNAS, 'smoke');
  config.search = { ...config.search!, steps_per_epoch: 6, checkpoint_every: 1 } as typeof config.search;
  Object.assign(config, extra);
  return { kind: 'search', name: 'snas', label: 'snas seed 0', dir, config, seed: 0, scale: 'smoke' };
}

test('snas sweep --executor slurm runs every (value, seed) as a job; sacct lists the jobs COMPLETED; a rerun submits nothing', { skip }, () => {
  // Run by run equality with the local executor is checked on every search and training of the
  // smoke reproduction (test/reproduce-smoke.test.ts), notebook 08's sweep included.
  const dir = mkdtempSync(join(tmpdir(), 'snas-slurm-sweep-'));
  try {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'base: configs/search/snas.yaml\nvary: search.temperature\nvalues:\n  a: { kind: constant, tau0: 1 }\n  b: { kind: linear, tau0: 1, tau_min: 0.03 }\nseeds: { smoke: [0] }\n');
    const env = { SNAS_RESULTS: join(dir, 'results') };
    const r = snas(['sweep', file, '--scale', 'smoke', '--executor', 'slurm', '--cpus', '1'], env, 600_000);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 runs \(0 skipped as finished, 0 resumed, 2 started\) through the slurm executor/);
    assert.match(r.stderr, /a seed 0: running \(job \d+\), epoch \d of 2 done/);
    const jobs = [...r.stderr.matchAll(/submitted as job (\d+)/g)].map((m) => m[1]!);
    assert.equal(jobs.length, 2);
    const states = execFileSync('sacct', ['-n', '-P', '-X', '-j', jobs.join(','), '-o', 'JobID,State'], { encoding: 'utf8' });
    for (const job of jobs) assert.match(states, new RegExp(`^${job}\\|COMPLETED$`, 'm'), `sacct:\n${states}`);
    for (const v of ['a', 'b']) assert.equal(JSON.parse(readFileSync(join(dir, 'results', 'runs', 'sweeps', 'small-smoke', `${v}-seed0`, 'run.json'), 'utf8')).status, 'finished');
    const again = snas(['sweep', file, '--scale', 'smoke', '--executor', 'slurm'], env, 120_000);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /2 skipped as finished/);
    assert.doesNotMatch(again.stderr, /submitted as job/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a job cancelled mid-run is resubmitted and resumes to the same bytes as an uninterrupted run', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-slurm-cancel-'));
  try {
    // The reference runs as a job too: libtorch's thread count (the job's cpus) changes the last
    // bits of float sums, so like is compared with like.
    await fast().run([request(join(dir, 'whole'))], () => {});
    const r = request(join(dir, 'cut'));
    const lines: string[] = [];
    const running = fast().run([r], (l) => lines.push(l));
    // Cancel the first job once it has checkpointed inside epoch 2.
    const deadline = Date.now() + 300_000;
    let cancelled = '';
    while (!cancelled && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
      const status = existsSync(join(r.dir, 'run.json')) ? JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8')) : undefined;
      const job = /submitted as job (\d+)/.exec(lines.join('\n'))?.[1];
      if (job && status?.epochs_done >= 1) {
        execFileSync('scancel', [job]);
        cancelled = job;
      }
    }
    assert.ok(cancelled, `no job to cancel:\n${lines.join('\n')}`);
    await running;
    assert.ok(lines.some((l) => new RegExp(`job ${cancelled} ended CANCELLED before the run finished; resubmitting`).test(l)), lines.join('\n'));
    assert.equal(lines.filter((l) => /submitted as job/.test(l)).length, 2, lines.join('\n'));
    assert.match(readFileSync(join(dir, `cut.slurm-${/submitted as job (\d+) \(submission 2/.exec(lines.join('\n'))![1]}.log`), 'utf8'), /resuming .* at epoch 2/);
    for (const f of FILES) assert.equal(readFileSync(join(r.dir, f), 'utf8'), readFileSync(join(dir, 'whole', f), 'utf8'), `${f} after scancel and resubmission differs`);
    assert.ok(!existsSync(`${r.dir}.lock`), 'the lock is released');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run that fails on its own fails once with its error and exit code, and is not resubmitted', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-slurm-bad-'));
  try {
    const r = request(join(dir, 'bad'));
    const c = r.config as { data: Record<string, unknown> };
    c.data = { ...c.data, dataset: 'cifar10', path: join(dir, 'no-cifar') };
    const lines: string[] = [];
    await assert.rejects(fast().run([r], (l) => lines.push(l)), (e: Error) => /1 run\(s\) failed: snas seed 0 \(job \d+ FAILED, exit 2:0\): .*no-cifar/.test(e.message));
    assert.equal(lines.filter((l) => /submitted as job/.test(l)).length, 1, lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run held by another submitter is not submitted again: the executor waits for it', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snas-slurm-lock-'));
  try {
    const r = request(join(dir, 'held'));
    // Another live process holds the lock: this process's parent stands in for it.
    writeFileSync(`${r.dir}.lock`, JSON.stringify({ host: (await import('node:os')).hostname(), pid: process.ppid, since: 'now' }));
    const lines: string[] = [];
    const running = fast().run([r], (l) => lines.push(l));
    await new Promise((res) => setTimeout(res, 1500));
    assert.ok(lines.some((l) => /held by another submitter/.test(l)), lines.join('\n'));
    assert.ok(!lines.some((l) => /submitted as job/.test(l)), 'nothing submitted while another holds the run');
    rmSync(`${r.dir}.lock`); // the other submitter gives up: this one takes the run over
    await running;
    assert.equal(lines.filter((l) => /submitted as job/.test(l)).length, 1, lines.join('\n'));
    assert.equal(JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8')).status, 'finished');
    assert.equal(acquireLock(r.dir), undefined, 'the lock is free again');
    releaseLock(r.dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `body` with sbatch, squeue and sacct faked by the given sh scripts (first on PATH), in a folder of its own. */
async function withFakeSlurm(scripts: (dir: string) => Record<string, string>, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'snas-slurm-fake-'));
  const bin = join(dir, 'bin');
  const path = process.env.PATH;
  try {
    execFileSync('mkdir', ['-p', bin]);
    for (const [name, text] of Object.entries(scripts(dir))) writeFileSync(join(bin, name), `#!/bin/sh\n${text}\n`, { mode: 0o755 });
    process.env.PATH = `${bin}:${path}`;
    await body(dir);
  } finally {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a job squeue has dropped while accounting still says RUNNING is asked about again, not judged on that state', async () => {
  // The job leaves squeue at once; sacct lags, saying RUNNING 0:0 three times, then FAILED 2:0.
  await withFakeSlurm((dir) => ({
    sbatch: 'echo 42',
    squeue: 'exit 0',
    sacct: `n=$(cat ${dir}/calls 2>/dev/null || echo 0); echo $((n+1)) > ${dir}/calls; if [ "$n" -lt 3 ]; then echo 'RUNNING|0:0'; else echo 'FAILED|2:0'; fi`,
  }), async (dir) => {
    const r = request(join(dir, 'lag'));
    writeFileSync(`${r.dir}.slurm-42.log`, 'lag.yaml: data.path: no such folder\n');
    await assert.rejects(new SlurmExecutor(slurmOptions({ poll_seconds: 0.05 })).run([r], () => {}), /1 run\(s\) failed: snas seed 0 \(job 42 FAILED, exit 2:0\): lag\.yaml: data\.path/);
    assert.equal(readFileSync(join(dir, 'calls'), 'utf8').trim(), '4', 'sacct asked until it gave the end state');
  });
});

test('a pending job is shown with the reason Slurm gives for holding it', async () => {
  // squeue holds the job PENDING for Resources once, then drops it; sacct says it failed.
  await withFakeSlurm((dir) => ({
    sbatch: 'echo 43',
    squeue: `if [ ! -e ${dir}/seen ]; then touch ${dir}/seen; echo '43|PENDING|Resources'; fi`,
    sacct: "echo 'FAILED|1:0'",
  }), async (dir) => {
    const lines: string[] = [];
    await assert.rejects(new SlurmExecutor(slurmOptions({ poll_seconds: 0.05 })).run([request(join(dir, 'held'))], (l) => lines.push(l)), /job 43 FAILED/);
    assert.ok(lines.includes('snas seed 0: pending (job 43: Resources)'), lines.join('\n'));
  });
});

test('a cluster whose daemons died with a job running (a reboot, a restored image) starts without it: slurm-local.sh cancels the job its controller recovers, and the node takes new jobs at once', { skip }, () => {
  const env = { ...process.env, SLURM_CONF: process.env.SLURM_CONF ?? '/var/tmp/snas-slurm/slurm.conf' };
  const sh = (cmd: string) => execFileSync('bash', ['-c', cmd], { encoding: 'utf8', env });
  const job = sh('sbatch --parsable --output=/dev/null --cpus-per-task=1 --wrap="sleep 600"').trim();
  try {
    for (let i = 0; i < 100 && !/RUNNING/.test(sh(`squeue -h -o %T -j ${job}`)); i++) sh('sleep 0.2');
    // What a reboot leaves: the controller's saved state with the job running in it (a controller
    // that shuts down saves all of it; a killed one may not have saved the job yet), and no
    // daemon or job process.
    const ctld = sh('cat "$(dirname "$SLURM_CONF")/run/slurmctld.pid"').trim();
    sh('scontrol shutdown slurmctld');
    for (let i = 0; i < 150 && sh(`awk '{ print $3 }' /proc/${ctld}/stat 2>/dev/null || true`).trim().match(/^[^Z]/); i++) sh('sleep 0.2');
    sh('pkill -9 -x slurmd; pkill -9 -f "slurmstepd: \\[' + job + '\\."; pkill -9 -f "^sleep 600$"; sleep 1; true');
    const started = spawnSync('bash', [join(ROOT, 'src', 'setup', 'slurm-local.sh'), 'start'], { encoding: 'utf8', env });
    assert.equal(started.status, 0, started.stderr);
    assert.match(started.stderr, new RegExp(`cancelling jobs left from before the controller last stopped: .*\\b${job}\\b`));
    // What start records is what runs now, so that stop stops the restarted daemons (a killed
    // daemon's pid file, read before the new one wrote its own, once left slurmd running).
    const recorded = sh('cat "$(dirname "$SLURM_CONF")/started"');
    for (const d of ['slurmctld', 'slurmd']) {
      const live = sh(`pgrep -x ${d} || true`).trim().split('\n').filter(Boolean);
      const last = [...recorded.matchAll(new RegExp(`^${d} (\\d+)$`, 'gm'))].pop()?.[1];
      assert.ok(last !== undefined && live.includes(last), `slurm-local.sh recorded ${d} ${last}; running: ${live.join(' ')}`);
    }
    let state = '';
    for (let i = 0; i < 100 && !/CANCELLED/.test(state); i++) { sh('sleep 0.2'); state = sh(`sacct -n -X -P -j ${job} -o State`).trim(); } // accounting lags
    assert.match(state, /CANCELLED/, `the recovered job ${job} is cancelled (sacct: ${state})`);
    assert.equal(sh('squeue -h -o %i').trim(), '', 'the queue is empty');
    const next = sh('sbatch --parsable --output=/dev/null --cpus-per-task=2 --wrap="true"').trim();
    let ended = '';
    for (let i = 0; i < 150 && !/COMPLETED/.test(ended); i++) { sh('sleep 0.2'); ended = sh(`sacct -n -X -P -j ${next} -o State`).trim(); }
    assert.match(ended, /COMPLETED/, 'a job asking for every core runs at once');
  } finally {
    try { sh(`scancel ${job}`); } catch { /* gone */ }
  }
});
