import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlurmRunner } from '../src/slurm/client.js';
import { SlurmError } from '../src/slurm/client.js';
import { JobDetails, SSTAT_EVERY_MS, START_EVERY_MS } from '../src/slurm/job-details.js';
import { entry, storeWith } from './helpers/fixtures.js';

const NOW = Date.UTC(2026, 10, 28, 12);

function setup() {
  let t = NOW;
  const calls: string[][] = [];
  let fail: SlurmError | null = null;
  const runner: SlurmRunner = {
    async run(argv) {
      calls.push([...argv]);
      if (fail) throw fail;
      if (argv[0] === 'sstat')
        return {
          stdout: '2001.extern|cpu=00:00:00,mem=108K\n2001.batch|cpu=01:00:00,mem=2097152K,gres/gpuutil=80\n',
          durationMs: 5,
        };
      return { stdout: '2003|2026-11-28T13:30:00|\n', durationMs: 5 };
    },
  };
  const store = storeWith(
    [
      entry(NOW, { job_id: '2001', raw_job_id: '2001', alloc_tres: 'cpu=4,mem=8G,node=1' }),
      entry(NOW, { job_id: '2003', state: 'PENDING', reason: 'Resources', elapsed_s: 0, nodes: null }),
      entry(NOW, { job_id: '2004', state: 'COMPLETED' }),
    ],
    NOW,
  );
  const details = new JobDetails(
    runner,
    store,
    () => 0,
    () => t,
  );
  return {
    store,
    calls,
    details,
    advance: (ms: number) => {
      t += ms;
    },
    failWith: (e: SlurmError | null) => {
      fail = e;
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('on-demand job details', () => {
  it('running: sstat with --allsteps, at most once per interval; the usage lands in store.live', async () => {
    const s = setup();
    await s.details.refresh('local/2001');
    await s.details.refresh('local/2001');
    expect(s.calls).toEqual([
      ['sstat', '--noheader', '--parsable2', '--allsteps', '--jobs=2001', '--format=JobID,TRESUsageInTot'],
    ]);
    expect(s.store.getState().live['local/2001']).toMatchObject({
      usage: { cpu_used_s: 3600, mem_used_bytes: 2 * 1024 ** 3, gpu_util_pct: 80, steps: 2 },
      usageAt: NOW,
      error: null,
    });
    s.advance(SSTAT_EVERY_MS - 1);
    await s.details.refresh('local/2001');
    expect(s.calls).toHaveLength(1);
    s.advance(1);
    await s.details.refresh('local/2001');
    expect(s.calls).toHaveLength(2);
  });

  it('pending: squeue --start once a minute; ended jobs and unknown keys cost nothing', async () => {
    const s = setup();
    await s.details.refresh('local/2003');
    s.advance(START_EVERY_MS / 2);
    await s.details.refresh('local/2003');
    await s.details.refresh('local/2004');
    await s.details.refresh('local/9999');
    expect(s.calls.map((c) => c.slice(0, 2))).toEqual([['squeue', '--start']]);
    expect(s.store.getState().live['local/2003']?.estStart).toBe('2026-11-28T13:30:00+00:00');
  });

  it('a failing command is shown, not thrown, and still rate-limited', async () => {
    const s = setup();
    s.failWith(new SlurmError('failed', 'sstat: error: no steps running'));
    await s.details.refresh('local/2001');
    expect(s.store.getState().live['local/2001']?.error).toBe('sstat: sstat: error: no steps running');
    await s.details.refresh('local/2001');
    expect(s.calls).toHaveLength(1);
  });

  it('watch: one call at once, then on its interval until stopped — 2 sstat calls a minute', async () => {
    vi.useFakeTimers({ now: NOW });
    const s = setup();
    const stop = s.details.watch('local/2001');
    // The first minute, 0 ≤ t < 60 s, in the watcher's 2 s steps.
    for (let i = 0; i < 29; i++) {
      s.advance(2000);
      await vi.advanceTimersByTimeAsync(2000);
    }
    expect(s.calls.length).toBe(60_000 / SSTAT_EVERY_MS);
    stop();
    s.advance(60_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.calls.length).toBe(60_000 / SSTAT_EVERY_MS);
  });
});
