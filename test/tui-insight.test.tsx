import { afterEach, describe, expect, test } from 'vitest';
import type { Efficiency } from '../parsers/efficiency.js';
import type { JobEntry } from '../src/store.js';
import { layoutColumns } from '../src/tui/view-model/columns.js';
import { matchesFilter } from '../src/tui/view-model/rows.js';
import { lineWith, renderApp } from './helpers/app.js';
import { allJobs, entry } from './helpers/fixtures.js';
import { cleanup, widestLine } from './helpers/render-at.js';

afterEach(cleanup);

const GiB = 1024 ** 3;
const wasteful: Efficiency = {
  cpu: 1.3 / 8,
  mem: 3.1 / 64,
  mem_used_bytes: 3.1 * GiB,
  mem_alloc_bytes: 64 * GiB,
  cpus: 8,
  gpus: 2,
  gpu_util: 0.45,
  gpu_mem: null,
  time_used_ratio: 2472 / 36000,
  gpu_mem_used_bytes: null,
  gpus_idle: 1,
};

const jobs = (now: number): JobEntry[] => [
  entry(now, { job_id: '29', name: 'held', state: 'PENDING', reason: 'JobHeldUser', elapsed_s: 0, nodes: null }),
  entry(now, {
    job_id: '30',
    name: 'after-held',
    state: 'PENDING',
    reason: 'Dependency',
    dependency: 'afterok:29(unfulfilled)',
    elapsed_s: 0,
    nodes: null,
  }),
  entry(now, {
    job_id: '37',
    name: 'fails',
    state: 'FAILED',
    exit_code: '1:0',
    end_time: new Date(now - 60_000).toISOString(),
  }),
  entry(now, {
    job_id: '38',
    name: 'never',
    state: 'PENDING',
    reason: 'DependencyNeverSatisfied',
    dependency: 'afterok:37(failed)',
    elapsed_s: 0,
    nodes: null,
  }),
  entry(now, {
    job_id: '40',
    name: 'over-asked',
    state: 'COMPLETED',
    elapsed_s: 2472,
    time_limit_s: 36000,
    num_nodes: 1,
    end_time: new Date(now - 60_000).toISOString(),
    efficiency: wasteful,
  }),
  entry(now, { job_id: '41', name: 'running', alloc_tres: 'cpu=8,mem=32G,node=1', elapsed_s: 3600 }),
];

describe('job view: why it waits, what it used', () => {
  test('held job: the reason in words with the command that helps', async () => {
    const f = (await renderApp({ jobs, initialJobKey: 'local/29', columns: 80 })).frame();
    expect(f).toContain('why: Held by its owner');
    expect(f).toContain('scontrol release 29');
  });

  test('dependent job: the job it waits for, with that job’s state', async () => {
    const f = (await renderApp({ jobs, initialJobKey: 'local/30', columns: 60 })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(60);
    expect(lineWith(f, 'waits for:')).toContain('afterok 29 (PENDING)');
  });

  test('a dependency that failed: it will never start', async () => {
    const f = (await renderApp({ jobs, initialJobKey: 'local/38', columns: 100 })).frame();
    expect(lineWith(f, 'waits for:')).toContain('afterok 37 (FAILED) — it will never start');
  });

  test.each([60, 80])('a stuck job keeps what helps at %i columns, or says it was cut', async (columns) => {
    const f = (await renderApp({ jobs, initialJobKey: 'local/38', columns, rows: 24 })).frame();
    const lines = f.split('\n');
    const why = lines.findIndex((l) => l.includes('why: '));
    const text = lines
      .slice(
        why,
        lines.findIndex((l) => l.includes('waits for:')),
      )
      .map((l) => l.trim())
      .join(' ');
    expect(text.includes('scontrol update jobid=38') || text.endsWith('…')).toBe(true);
    if (columns >= 80) expect(text).toContain('scontrol update jobid=38');
  });

  test('ended job: efficiency and right-sizing hints', async () => {
    const f = (await renderApp({ jobs, initialJobKey: 'local/40', columns: 100, rows: 30 })).frame();
    expect(lineWith(f, 'used:')).toContain('CPU 16% of 8 · mem 3.1G of 64G (5%) · GPU 45% of 2 · time 7% of limit');
    expect(f).toContain('next time: asked 64G, used 3.1G — --mem=4G would do');
    expect(f).toContain('next time: asked 10:00:00, finished in 0:41:12 — --time=1:30:00 would do');
    expect(f).toContain('next time: 2 GPUs, one idle');
  });

  test('running job: asks for live usage while in view and shows it', async () => {
    const app = await renderApp({ jobs, initialJobKey: 'local/41', columns: 100 });
    expect(app.controller.watchDetails).toHaveBeenCalledWith('local/41');
    app.store.setState((s) => ({
      live: {
        ...s.live,
        'local/41': {
          usage: { cpu_used_s: 3600 * 2.5, mem_used_bytes: 12 * GiB, gpu_util_pct: null, steps: 2 },
          usageAt: app.now,
          estStart: null,
          estStartAt: null,
          error: null,
        },
      },
    }));
    await new Promise((r) => setTimeout(r, 50));
    expect(lineWith(app.frame(), 'used so far:')).toContain('CPU 2.5 of 8 on average · mem peak 12G of 32G (sstat)');
  });
});

describe('efficiency column', () => {
  test('only where the name keeps room: not at 60 or 120 columns, shown at 140', () => {
    const ids = (w: number) => layoutColumns(w, { idWidth: 4, clusterWidth: null }).map((c) => c.id);
    expect(ids(60)).not.toContain('eff');
    expect(ids(120)).not.toContain('eff');
    expect(ids(140)).toContain('eff');
    expect(ids(60)).toEqual(['id', 'name', 'state', 'prog', 'warn']);
  });

  test('at 140 columns an ended job shows CPU/MEM, a running one nothing', async () => {
    const all = (now: number) => [...allJobs(now), ...jobs(now)];
    const f = (await renderApp({ jobs: all, columns: 140, rows: 40 })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(140);
    expect(f).toContain('CPU/MEM');
    expect(lineWith(f, 'over-asked')).toMatch(/16\/5%/);
    expect(lineWith(f, 'train-llama-7b')).not.toMatch(/\d+\/\d+%/);
  });
});

describe('table: waiting for a dependency vs never starting', () => {
  test.each([60, 80, 120])(
    'at %i columns the two read differently, and a filter on the reason finds both',
    async (columns) => {
      const f = (await renderApp({ jobs, columns, rows: 20 })).frame();
      expect(widestLine(f)).toBeLessThanOrEqual(columns);
      expect(lineWith(f, 'after-held')).toMatch(/PD Dep wait/);
      expect(lineWith(f, 'never')).toMatch(/PD Dep never/);
      const found = jobs(Date.now()).filter((e) => matchesFilter(e, 'dependency'));
      expect(found.map((e) => e.job.job_id)).toEqual(['30', '38']);
    },
  );
});
