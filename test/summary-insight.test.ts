/**
 * `--summary` efficiency, pending reasons and dependencies: the demo cluster through the real
 * poller (its sacct/squeue text in Slurm's formats), then the JSON document and the text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DemoTransport } from '../src/demo/transport.js';
import { buildSummary, type SummaryJob } from '../src/headless/summary-json.js';
import { formatSummary } from '../src/headless/summary-text.js';
import { pendingInsight } from '../src/model/pending.js';
import { slurmRunner } from '../src/slurm/client.js';
import { PathCache } from '../src/slurm/path-cache.js';
import { Poller } from '../src/slurm/poller.js';
import { createJobStore } from '../src/store.js';
import { LogService } from '../src/tail/log-service.js';
import { entry } from './helpers/fixtures.js';

const open: DemoTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function demoSummary() {
  const demo = await DemoTransport.start();
  open.push(demo);
  const store = createJobStore();
  const poller = new Poller({
    cluster: 'demo',
    runner: slurmRunner(demo),
    store,
    logs: new LogService(store, demo, 1 << 20),
    pathCache: new PathCache(null),
    jobIds: null,
    allUsers: false,
    sinceS: 86400,
    intervalS: 10,
  });
  await poller.tick();
  const doc = buildSummary(store.getState(), Date.now());
  const job = (id: string): SummaryJob => {
    const j = doc.jobs.find((x) => x.job_id === id);
    if (!j) throw new Error(`no ${id}`);
    return j;
  };
  return { doc, job };
}

describe('summary: efficiency and pending', () => {
  it('JSON: efficiency of ended jobs (null while running), pending only for queued jobs', async () => {
    const { job } = await demoSummary();
    expect(Object.keys(job('4100').efficiency!)).toEqual([
      'cpu',
      'mem',
      'mem_used_bytes',
      'mem_alloc_bytes',
      'cpus',
      'gpus',
      'gpu_util',
      'gpu_mem',
      'time_used_ratio',
      'gpu_mem_used_bytes',
      'gpus_idle',
    ]);
    expect(job('4100').efficiency).toMatchObject({
      cpu: 0.1625,
      cpus: 8,
      mem_alloc_bytes: 64 * 1024 ** 3,
      gpu_util: null,
      gpus: 1,
    });
    expect(job('4100').efficiency!.mem).toBeCloseTo(3.1 / 64, 3);
    expect(job('4100').efficiency!.time_used_ratio).toBeCloseTo(2472 / 36000, 3);
    // jobstats in AdminComment: per-GPU time averages, one GPU idle
    expect(job('4113').efficiency).toMatchObject({ gpus: 2, gpus_idle: 1, gpu_util: 0.455 });
    expect(job('4106').efficiency).toBeNull();
    expect(job('4106').pending).toBeNull();
    expect(job('4100').pending).toBeNull();
    expect(job('4107').pending).toEqual({
      reason_text: expect.stringMatching(/busy/),
      est_start: null,
      dependencies: [],
    });
    expect(job('4108').pending?.dependencies).toEqual([
      { type: 'afterok', job_id: '4106', state: 'RUNNING', status: 'unfulfilled' },
    ]);
  });

  it('text: reasons in words, dependencies, right-sizing hints', async () => {
    const { doc } = await demoSummary();
    const text = formatSummary(doc, 100);
    expect(text).toContain('waiting: Resources — Next in line');
    expect(text).toContain('waits for afterok 4106 (RUNNING)');
    expect(text).toContain('next time: asked 64G, used 3.1G — --mem=4G would do');
    expect(text).toContain('next time: asked 10:00:00, finished in 0:41:12 — --time=1:30:00 would do');
    expect(text).toContain('next time: 8 CPUs, 1.3 used on average');
    expect(text).toContain('next time: 2 GPUs, one idle');
    expect(
      formatSummary(doc, 80)
        .split('\n')
        .every((l) => l.length <= 80),
    ).toBe(true);
  });
});

describe('pending insight', () => {
  const now = Date.UTC(2026, 10, 28, 12);
  const failed = entry(now, { job_id: '37', state: 'FAILED', exit_code: '1:0' });
  const waiting = (dependency: string, reason = 'Dependency') =>
    entry(now, { job_id: '38', state: 'PENDING', reason, dependency, nodes: null });
  const jobs = { [failed.key]: failed };

  it('a failed afterok target: its state, and it will never start', () => {
    const p = pendingInsight(waiting('afterok:37(failed)', 'DependencyNeverSatisfied'), jobs, undefined)!;
    expect(p.dependencies).toEqual([{ type: 'afterok', job_id: '37', state: 'FAILED', status: 'failed' }]);
    expect(p.never).toBe(true);
    expect(p.reason_text).toMatch(/^A job it depends on ended so that the dependency can never be met/);
    expect(p.reason_text).toContain('scontrol update jobid=38 dependency=');
  });

  it('any-of: one failed member is not the end; an unwatched target has no state', () => {
    const p = pendingInsight(waiting('afterok:37(failed)?afterany:34(unfulfilled)'), jobs, undefined)!;
    expect(p.never).toBe(false);
    expect(p.dependencies[1]).toEqual({ type: 'afterany', job_id: '34', state: null, status: 'unfulfilled' });
  });

  it('a whole-array target takes its least finished task; the expected start comes from on-demand data', () => {
    const t1 = entry(now, { job_id: '46_0', array_job_id: '46', array_task_id: '0', state: 'COMPLETED' });
    const t2 = entry(now, { job_id: '46_1', array_job_id: '46', array_task_id: '1', state: 'RUNNING' });
    const live = { usage: null, usageAt: null, estStart: '2026-11-28T13:00:00+00:00', estStartAt: now, error: null };
    const p = pendingInsight(waiting('afterok:46_*(unfulfilled)'), { [t1.key]: t1, [t2.key]: t2 }, live)!;
    expect(p.dependencies[0]?.state).toBe('RUNNING');
    expect(p.est_start).toBe('2026-11-28T13:00:00+00:00');
    expect(pendingInsight(t2, {}, live)).toBeNull();
  });
});

describe('summary: the run percent, one number everywhere', () => {
  it('JSON run_percent is the whole run (epoch 5 of 10 at 80% of the bar is 48%), and the text shows it rounded down', async () => {
    const { doc, job } = await demoSummary();
    const train = job('4101');
    // The identity fields lead, in the documented order.
    expect(Object.keys(train).slice(0, 9)).toEqual([
      'cluster',
      'job_id',
      'array_job_id',
      'array_task_id',
      'name',
      'user',
      'state',
      'reason',
      'partition',
    ]);
    expect(train.progress).toMatchObject({ current: 400, total: 500, epoch: 5, epoch_total: 10 });
    expect(train.run_percent).toBe(48);
    expect(job('4107').run_percent).toBeNull();
    for (const j of doc.jobs.filter((x) => x.run_percent !== null && x.state === 'RUNNING')) {
      const row = formatSummary(doc)
        .split('\n')
        .find((l) => l.startsWith(`${j.job_id} `));
      expect(row, j.job_id).toContain(` ${Math.floor(j.run_percent!)}% `);
    }
  });
});
