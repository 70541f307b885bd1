/**
 * The poller over the demo cluster (real squeue/sacct text, real log files): what it
 * asks the controller for, and what lands in the store.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SACCT_FIELDS, SACCT_SEP } from '../parsers/sacct.js';
import { FIELD_SEP, SQUEUE_FIELDS } from '../parsers/squeue.js';
import { DemoTransport } from '../src/demo/transport.js';
import { slurmRunner } from '../src/slurm/client.js';
import { PathCache } from '../src/slurm/path-cache.js';
import { Poller, type PollerConfig } from '../src/slurm/poller.js';
import { createJobStore } from '../src/store.js';
import { LogService } from '../src/tail/log-service.js';
import type { ExecOptions, ExecResult, Transport } from '../src/transport/types.js';
import { fx } from './slurm-helpers.js';

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

/**
 * A poller on the demo cluster with `cfg` on top; `override` sees (and may answer) every command,
 * `wrap` may put its own transport around the demo's (a gate, rewritten output).
 */
async function pollerWith(
  cfg: Partial<PollerConfig>,
  override?: (argv: readonly string[]) => ExecResult | null,
  wrap: (t: Transport) => Transport = (t) => t,
) {
  const demo = await DemoTransport.start();
  open.push(demo);
  const counted = counting(demo, override);
  const t = wrap(counted.t);
  const calls = counted.calls;
  const store = createJobStore();
  const poller = new Poller({
    cluster: 'demo',
    runner: slurmRunner(t),
    store,
    logs: new LogService(store, t, 1 << 20),
    pathCache: new PathCache(null),
    jobIds: null,
    allUsers: false,
    sinceS: 86400,
    intervalS: 10,
    ...cfg,
  });
  return { store, poller, calls, demo };
}

async function setup(
  jobIds: string[] | null = null,
  override?: (argv: readonly string[]) => ExecResult | null,
  remoteOffset?: () => Promise<number | null>,
  sinceS = 86400,
  logsAfter?: Promise<unknown>,
  historyLogsPerTick?: number,
) {
  return pollerWith({ jobIds, remoteOffset, sinceS, logsAfter, historyLogsPerTick }, override);
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

  it('shows the queue on the first tick before accounting answers, and asks for both at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started: string[] = [];
    const { poller, store } = await pollerWith({}, undefined, (inner) => ({
      ...inner,
      async exec(argv, opts) {
        started.push(argv[0]!);
        if (argv[0] === 'sacct') await gate;
        return inner.exec(argv, opts);
      },
    }));
    const tick = poller.tick();
    await vi.waitFor(() => expect(Object.keys(store.getState().jobs).length).toBeGreaterThan(0));
    expect(started).toContain('sacct');
    const queuedOnly = Object.values(store.getState().jobs).length;
    release();
    await tick;
    // accounting then adds the jobs that already left the queue
    expect(Object.values(store.getState().jobs).length).toBeGreaterThan(queuedOnly);
  });

  it('forgets jobs that ended before the --since window', async () => {
    const { poller, store } = await setup(null, undefined, undefined, 600);
    await poller.tick();
    const jobs = store.getState().jobs;
    expect(jobs['demo/4104']).toBeUndefined(); // ended 2 h ago
    expect(jobs['demo/4111']).toBeUndefined(); // ended 30 min ago
    expect(jobs['demo/4101']?.job.state).toBe('RUNNING');
  });

  it('holds the first log reads until the first frame is out, then fills progress in', async () => {
    let framed!: () => void;
    const { poller, store } = await setup(null, undefined, undefined, 86400, new Promise<void>((r) => (framed = r)));
    const tick = poller.tick();
    await vi.waitFor(() => expect(store.getState().jobs['demo/4101']?.stdout?.path).toMatch(/slurm-4101\.out$/));
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().jobs['demo/4101']!.analysis?.progress ?? null).toBeNull();
    framed();
    await tick;
    expect(store.getState().jobs['demo/4101']!.analysis?.progress?.total).toBe(500);
  });

  it("asks sacct again while it has only slurmdbd's stand-in for a job that just ended", async () => {
    // Captured on 22.05: the same job a second after its end, and seconds later (test/slurm-sacct.test.ts).
    const captured =
      'JobID,JobIDRaw,User,Account,Partition,State,ExitCode,DerivedExitCode,Reason,Submit,Start,End,Elapsed,ElapsedRaw,Timelimit,NNodes,NodeList,ReqMem,AllocTRES,MaxRSS,WorkDir,TotalCPU,TRESUsageInTot,AdminComment,JobName'.split(
        ',',
      );
    const asToday = (file: string) =>
      fx(file)
        .trimEnd()
        .split('\n')
        .map((line) => {
          const v = Object.fromEntries(line.split(SACCT_SEP).map((x, i) => [captured[i], x]));
          return SACCT_FIELDS.map((f) => v[f] ?? '').join(SACCT_SEP);
        })
        .join('\n');
    const answers = [asToday('sacct-dbd-standin.psv'), asToday('sacct-dbd-complete.psv')];
    const sacct: string[][] = [];
    const ok = (stdout: string): ExecResult => ({
      stdout: `${stdout}\n`,
      stderr: '',
      code: 0,
      signal: null,
      timedOut: false,
      notFound: false,
      durationMs: 1,
    });
    const t: Transport = {
      cluster: 'hpc',
      canWatch: false,
      async exec(argv) {
        if (argv[0] === 'sacct') {
          sacct.push([...argv]);
          return ok(answers[Math.min(sacct.length - 1, 1)]!);
        }
        return argv[0] === 'squeue' ? ok('') : { ...ok(''), code: 1 };
      },
      stat: async () => null,
      readRange: async () => new Uint8Array(),
      close: async () => {},
    };
    const store = createJobStore();
    const poller = new Poller({
      cluster: 'hpc',
      runner: slurmRunner(t),
      store,
      logs: new LogService(store, t, 1 << 20),
      pathCache: new PathCache(null),
      jobIds: null,
      allUsers: false,
      sinceS: 10 * 365 * 86400,
      intervalS: 10,
    });
    await poller.tick();
    expect(store.getState().jobs['hpc/833']!.job).toMatchObject({
      state: 'FAILED',
      exit_code: '1:0',
      time_limit_s: null,
    });
    await poller.tick();
    expect(sacct[1]!.at(-1)).toBe('--jobs=833');
    expect(store.getState().jobs['hpc/833']!.job).toMatchObject({
      name: 'leaky-train',
      partition: 'debug',
      time_limit_s: 600,
    });
    await poller.tick();
    expect(sacct).toHaveLength(2);
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

  it('an array asked for by id: tasks that already left squeue come from accounting on the first tick', async () => {
    const { poller, store } = await setup(['4105']);
    await poller.tick();
    const jobs = store.getState().jobs;
    // tasks 0 and 1 ended 30 s before the demo started: squeue (15 s after the end) no longer lists them
    expect(jobs['demo/4105_0']?.job.state).toBe('COMPLETED');
    expect(jobs['demo/4105_1']?.job.state).toBe('COMPLETED');
    expect(jobs['demo/4105_2']?.job.state).toBe('RUNNING');
    // Accounting (22.05) has no StdOut: the ended tasks take the array's --output from a task squeue lists.
    expect(jobs['demo/4105_2']?.stdout?.path).toMatch(/\/sweep-lr-4105_2\.out$/);
    expect(jobs['demo/4105_0']?.stdout?.path).toMatch(/\/sweep-lr-4105_0\.out$/);
  });

  it('backs off exponentially and keeps the last data, marked stale, when the controller fails', async () => {
    let down = false;
    const { poller, store } = await setup(null, (argv) =>
      down && argv[0] === 'squeue'
        ? {
            stdout: '',
            stderr: 'squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)',
            code: 1,
            signal: null,
            timedOut: false,
            notFound: false,
            durationMs: 5,
          }
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

  it("reads finished jobs' logs a few a tick when asked to: the ones in view first, then the newest", async () => {
    const { poller, store } = await setup(null, undefined, undefined, 86400, undefined, 1);
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
    expect(jobs['demo/4111']!.analysis?.failure).toMatchObject({
      category: 'oom_host',
      line: expect.stringMatching(/^slurm: State=OUT_OF_MEMORY/),
    });
    await poller.tick();
    expect(final()).toHaveLength(2);
    // Newest ended next: array task 4105_3 (a minute ago), whose log turns exit_code into nan_loss.
    expect(final()).toContain('demo/4105_3');
    expect(store.getState().jobs['demo/4105_3']!.analysis?.failure?.category).toBe('nan_loss');
  });

  it('a job that ends while watched has its logs read at once, whatever the history budget', async () => {
    const { poller, store, demo } = await setup(null, undefined, undefined, 86400, undefined, 0);
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

  it('an ended job squeue still lists without its log paths (as 22.05 prints it) waits for them before it is stored', async () => {
    const at = (f: string) => SQUEUE_FIELDS.indexOf(f as (typeof SQUEUE_FIELDS)[number]);
    const withoutEndedPaths = (text: string) =>
      text.replace(/^.*$/gm, (line) => {
        const f = line.split(FIELD_SEP);
        if (!['FAILED', 'COMPLETED', 'CANCELLED', 'TIMEOUT'].includes(f[at('State')] ?? '')) return line;
        for (const k of ['STDOUT', 'STDERR', 'WorkDir']) f[at(k)] = '';
        return f.join(FIELD_SEP);
      });
    const { poller, store } = await pollerWith({}, undefined, (inner) => ({
      ...inner,
      exec: async (argv, o) => {
        const r = await inner.exec(argv, o);
        return argv[0] === 'squeue' ? { ...r, stdout: withoutEndedPaths(r.stdout) } : r;
      },
    }));
    // What the event layer sees: an end without a log to wait for would be told at once, with no root cause.
    const seen: string[] = [];
    store.subscribe((s) => {
      const e = s.jobs['demo/4105_3'];
      if (e) seen.push(`${e.job.state} ${e.stdout ? 'log' : 'no log'}${e.logsFinal ? ' read' : ''}`);
    });
    await poller.tick();
    expect(seen[0]).toBe('FAILED log');
    expect(seen.at(-1)).toBe('FAILED log read');
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

  it("stretches for a slow controller by squeue's own answer time, not by the rest of the tick", async () => {
    // A fake clock: each command moves it on by what the scenario says that command costs.
    const slowPoller = async (costMs: Record<string, number>) => {
      let clock = Date.now();
      const { poller } = await pollerWith({ now: () => clock }, (argv) => {
        clock += costMs[argv[0]!] ?? 0;
        return null;
      });
      await poller.tick();
      return poller.nextDelayMs();
    };
    expect(await slowPoller({ squeue: 4000 })).toBe(20_000);
    expect(await slowPoller({ sacct: 4000 })).toBe(10_000);
  });

  it("asks sacct for the user's own history by uid (root's sacct lists everyone's), all users' when asked", async () => {
    const sacctArgv = async (allUsers: boolean) => {
      let argv: readonly string[] = [];
      const { poller } = await pollerWith({ allUsers, historyUser: '1234' }, (a) => {
        if (a[0] === 'sacct') argv = a;
        return null;
      });
      await poller.tick();
      return argv;
    };
    expect(await sacctArgv(false)).toContain('--user=1234');
    const all = await sacctArgv(true);
    expect(all).toContain('--allusers');
    expect(all.some((a) => a.startsWith('--user'))).toBe(false);
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

  it('an ended job still listed by squeue gets its usage from one sacct call, kept until it leaves the queue', async () => {
    let listed = true;
    const squeueLine = (fields: Record<string, string>) =>
      `${SQUEUE_FIELDS.map((f) => `${fields[f] ?? ''}${FIELD_SEP}`).join('')}\n`;
    const sacctLine = (fields: Record<string, string>) => SACCT_FIELDS.map((f) => fields[f] ?? '').join(SACCT_SEP);
    const ok = (stdout: string): ExecResult => ({
      stdout,
      stderr: '',
      code: 0,
      signal: null,
      timedOut: false,
      notFound: false,
      durationMs: 1,
    });
    const done = { State: 'COMPLETED', NodeList: 'n1' };
    const { poller, store, calls } = await setup(['555'], (argv) => {
      if (argv[0] === 'squeue')
        return ok(
          listed
            ? squeueLine({
                ...done,
                JobArrayID: '555',
                JobID: '555',
                Name: 'x',
                Reason: 'None',
                TimeUsed: '1:40',
                EndTime: '2026-11-28T10:01:40',
              })
            : '',
        );
      if (argv[0] === 'sacct') {
        return ok(
          [
            sacctLine({
              ...done,
              JobID: '555',
              Start: '2026-11-28T10:00:00',
              ElapsedRaw: '100',
              AllocTRES: 'cpu=2,mem=1G,node=1',
              JobName: 'x',
            }),
            sacctLine({
              ...done,
              JobID: '555.batch',
              ElapsedRaw: '100',
              TotalCPU: '01:40.000',
              TRESUsageInTot: 'cpu=00:01:40,mem=512M',
            }),
          ].join('\n'),
        );
      }
      return null;
    });
    await poller.tick();
    expect(calls.filter((c) => c === 'sacct')).toHaveLength(1);
    expect(store.getState().jobs['demo/555']!.job.efficiency).toMatchObject({ cpu: 0.5, mem: 0.5 });
    calls.length = 0;
    await poller.tick();
    expect(calls).toEqual(['squeue']);
    expect(store.getState().jobs['demo/555']!.job.efficiency?.cpu).toBe(0.5);
    listed = false;
    await poller.tick();
    expect(calls.filter((c) => c === 'sacct')).toHaveLength(1);
  });

  it('never stops the caller when SLURM is missing: the error says what to do', async () => {
    const { poller, store } = await setup(null, (argv) =>
      argv[0] === 'squeue'
        ? {
            stdout: '',
            stderr: 'spawn squeue ENOENT',
            code: null,
            signal: null,
            timedOut: false,
            notFound: true,
            durationMs: 1,
          }
        : null,
    );
    await expect(poller.tick()).rejects.toThrow(/squeue not found.*--host.*--demo/);
    expect(store.getState().clusters.demo?.ok).toBe(false);
  });
});
