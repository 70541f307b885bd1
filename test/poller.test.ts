/**
 * The poller over the demo cluster (real squeue/sacct text, real log files): what it
 * asks the controller for, and what lands in the store.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DemoTransport } from '../src/demo/transport.js';
import { slurmRunner } from '../src/slurm/client.js';
import { PathCache } from '../src/slurm/path-cache.js';
import { Poller } from '../src/slurm/poller.js';
import { createJobStore } from '../src/store.js';
import { LogService } from '../src/tail/log-service.js';
import type { ExecOptions, ExecResult, Transport } from '../src/transport/types.js';

const open: Transport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

/** Wraps a transport and records every command it runs. */
function counting(inner: Transport, override?: (argv: readonly string[]) => ExecResult | null) {
  const calls: string[] = [];
  const t: Transport = {
    cluster: inner.cluster,
    canWatch: inner.canWatch,
    exec(argv: readonly string[], opts?: ExecOptions) {
      calls.push(argv[0]!);
      const o = override?.(argv);
      return o ? Promise.resolve(o) : inner.exec(argv, opts);
    },
    stat: (p) => inner.stat(p),
    readRange: (p, s, l) => inner.readRange(p, s, l),
    close: () => inner.close(),
  };
  return { t, calls };
}

async function setup(
  jobIds: string[] | null = null,
  override?: (argv: readonly string[]) => ExecResult | null,
  remoteOffset?: () => Promise<number | null>,
  sinceS = 86400,
  historyLogsPerTick?: number,
) {
  const demo = await DemoTransport.start();
  open.push(demo);
  const { t, calls } = counting(demo, override);
  const store = createJobStore();
  const logs = new LogService(store, t, 1 << 20);
  const poller = new Poller({
    cluster: 'demo',
    runner: slurmRunner(t),
    store,
    logs,
    pathCache: new PathCache(null),
    jobIds,
    allUsers: false,
    sinceS,
    intervalS: 10,
    remoteOffset,
    historyLogsPerTick,
  });
  return { store, poller, calls, demo };
}

describe('Poller', () => {
  it('asks the controller once per tick: squeue, plus sacct only at start and for jobs that left', async () => {
    const { poller, calls } = await setup();
    await poller.tick();
    expect(calls.filter((c) => c === 'squeue')).toHaveLength(1);
    expect(calls.filter((c) => c === 'sacct')).toHaveLength(1);
    // squeue gave every log path; the pending array record has none to give, so no scontrol at all
    expect(calls.filter((c) => c === 'scontrol')).toEqual([]);
    calls.length = 0;
    await poller.tick();
    expect(calls).toEqual(['squeue']);
  });

  it('forgets jobs that ended before the --since window', async () => {
    const { poller, store } = await setup(null, undefined, undefined, 600);
    await poller.tick();
    const jobs = store.getState().jobs;
    expect(jobs['demo/4104']).toBeUndefined(); // ended 2 h ago
    expect(jobs['demo/4111']).toBeUndefined(); // ended 30 min ago
    expect(jobs['demo/4101']?.job.state).toBe('RUNNING');
  });

  it('fills the store with SLURM fields, resolved logs and parsed progress', async () => {
    const { poller, store } = await setup();
    await poller.tick();
    const jobs = store.getState().jobs;
    const train = jobs['demo/4101']!;
    expect(train.job.state).toBe('RUNNING');
    expect(train.stdout?.path).toMatch(/slurm-4101\.out$/);
    expect(train.analysis?.progress?.total).toBe(500);
    expect(train.willTimeout).toBe(false);
    expect(jobs['demo/4102']!.willTimeout).toBe(true);
    expect(jobs['demo/4107']!.job.reason).toBe('Resources');
    expect(jobs['demo/4104']!.analysis?.failure?.category).toBe('import_error');
    // pending array tasks stay one record, as squeue shows them
    expect(Object.keys(jobs).filter((k) => k.startsWith('demo/4105_[')).length).toBe(1);
    expect(jobs['demo/4105_4']).toBeUndefined();
  });

  it('watches exactly the given ids and marks unknown ones as not found', async () => {
    const { poller, store } = await setup(['4104', '4105', '777']);
    await poller.tick();
    const keys = Object.keys(store.getState().jobs).sort();
    expect(keys).toContain('demo/4104');
    expect(keys.some((k) => k.startsWith('demo/4105_'))).toBe(true);
    expect(store.getState().jobs['demo/777']?.notFound).toBe(true);
    expect(keys.some((k) => k === 'demo/4101')).toBe(false);
  });

  it('backs off exponentially and keeps the last data, marked stale, when the controller fails', async () => {
    let down = false;
    const { poller, store } = await setup(null, (argv) =>
      down && argv[0] === 'squeue'
        ? { stdout: '', stderr: 'squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)', code: 1, signal: null, timedOut: false, notFound: false, durationMs: 5 }
        : null,
    );
    await poller.tick();
    const before = Object.keys(store.getState().jobs).length;
    down = true;
    await poller.tick();
    const c1 = store.getState().clusters.demo!;
    expect(c1.ok).toBe(false);
    expect(c1.stale).toBe(true);
    expect(c1.error).toMatch(/Unable to contact slurm controller/);
    const d1 = poller.nextDelayMs();
    await poller.tick();
    expect(poller.nextDelayMs()).toBe(d1 * 2);
    expect(Object.keys(store.getState().jobs).length).toBe(before);
    down = false;
    await poller.tick();
    expect(store.getState().clusters.demo).toMatchObject({ ok: true, error: null, stale: false });
    expect(poller.nextDelayMs()).toBe(10_000);
  });

  it('reads finished jobs\' logs a few a tick when asked to: the ones in view first, then the newest', async () => {
    const { poller, store } = await setup(null, undefined, undefined, 86400, 1);
    poller.want(['demo/4101', 'demo/4104']);
    const final = () =>
      Object.values(store.getState().jobs)
        .filter((e) => e.logsFinal)
        .map((e) => e.key);
    await poller.tick();
    // 4104 is in view (4101 runs: its log is read every tick anyway); other finished jobs wait.
    expect(final()).toEqual(['demo/4104']);
    const jobs = store.getState().jobs;
    expect(jobs['demo/4104']!.analysis?.failure?.category).toBe('import_error');
    // Unread, a finished job still says how it ended, from SLURM: the same category everywhere.
    expect(jobs['demo/4111']!.stdout?.status).toBe('unknown');
    expect(jobs['demo/4111']!.analysis?.failure).toMatchObject({ category: 'oom_host', line: expect.stringMatching(/^slurm: State=OUT_OF_MEMORY/) });
    await poller.tick();
    expect(final()).toHaveLength(2);
    // Newest ended next: array task 4105_3 (a minute ago), whose log turns exit_code into nan_loss.
    expect(final()).toContain('demo/4105_3');
    expect(store.getState().jobs['demo/4105_3']!.analysis?.failure?.category).toBe('nan_loss');
  });

  it('a job that ends while watched has its logs read at once, whatever the history budget', async () => {
    const { poller, store, demo } = await setup(null, undefined, undefined, 86400, 0);
    await poller.tick();
    expect(store.getState().jobs['demo/4106']!.job.state).toBe('RUNNING');
    await demo.exec(['scancel', '4106']);
    await poller.tick();
    const e = store.getState().jobs['demo/4106']!;
    expect(e.job.state).toBe('CANCELLED');
    expect(e.logsFinal).toBe(true);
    expect(e.analysis?.failure?.line).toMatch(/slurmstepd.*CANCELLED AT/);
    expect(store.getState().jobs['demo/4104']!.logsFinal).toBe(false);
  });

  it('stretches the interval when nothing changes, but never below --interval', async () => {
    const { poller } = await setup();
    await poller.tick();
    const first = poller.nextDelayMs();
    expect(first).toBeGreaterThanOrEqual(10_000);
    await poller.tick();
    await poller.tick();
    expect(poller.nextDelayMs()).toBeGreaterThan(first);
    expect(poller.nextDelayMs()).toBeLessThanOrEqual(30_000);
  });

  it("reads a remote cluster's wall-clock times in that cluster's zone", async () => {
    const ask = vi.fn(async () => 120);
    const { poller, store } = await setup(['4101'], undefined, ask);
    await poller.tick();
    await poller.tick();
    const start = store.getState().jobs['demo/4101']!.job.start_time!;
    expect(start).toMatch(/\+02:00$/);
    expect(ask).toHaveBeenCalledTimes(1);
  });

  it('never stops the caller when SLURM is missing: the error says what to do', async () => {
    const { poller, store } = await setup(null, (argv) =>
      argv[0] === 'squeue' ? { stdout: '', stderr: 'spawn squeue ENOENT', code: null, signal: null, timedOut: false, notFound: true, durationMs: 1 } : null,
    );
    await expect(poller.tick()).rejects.toThrow(/squeue not found.*--host.*--demo/);
    expect(store.getState().clusters.demo?.ok).toBe(false);
  });
});
