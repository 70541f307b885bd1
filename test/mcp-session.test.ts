/** How `hpc-watch mcp` uses its one session: polls on demand, at most once per interval; asks who the user is once. */
import { describe, expect, it } from 'vitest';
import type { Settings } from '../src/config.js';
import { sessionDeps } from '../src/mcp/command.js';
import type { Session } from '../src/session.js';
import { SlurmError } from '../src/slurm/client.js';
import { createJobStore } from '../src/store.js';
import type { ExecResult, Transport } from '../src/transport/types.js';
import { entry } from './helpers/fixtures.js';

function fakeSession(tick: () => Promise<void>, exec: (...a: unknown[]) => Promise<ExecResult>): Session {
  const transport = { cluster: 'hpc', canWatch: false, exec } as unknown as Transport;
  return {
    store: createJobStore(),
    clusters: [{ name: 'hpc', transport, poller: { tick, utcOffset: () => undefined }, logs: {} }],
    close: async () => {},
  } as unknown as Session;
}

const settings = {
  allUsers: false,
  sinceS: 86400,
  tailBytes: 1 << 20,
  intervalS: 3600,
  claude: {},
} as unknown as Settings;
const ok = (stdout: string, code = 0): ExecResult => ({
  stdout,
  stderr: '',
  code,
  signal: null,
  timedOut: false,
  notFound: false,
  durationMs: 1,
});

describe('sessionDeps', () => {
  it('answers before the session has opened, and says why when it cannot open', async () => {
    let open!: (s: Session) => void;
    const s = fakeSession(
      async () => {},
      async () => ok(''),
    );
    const deps = sessionDeps(
      new Promise<Session>((r) => {
        open = r;
      }),
      s.store,
      settings,
    );
    expect(deps.clusters).toEqual([]);
    const waiting = deps.refresh();
    open(s);
    await waiting;
    expect(deps.clusters.map((c) => c.name)).toEqual(['hpc']);
    const broken = sessionDeps(Promise.reject(new Error('no cluster to watch')), s.store, settings);
    await expect(broken.refresh()).rejects.toThrow('no cluster to watch');
  });

  it('polls on the first call, not again within the interval, shares a poll in flight, and again after invalidate', async () => {
    let ticks = 0;
    const s = fakeSession(
      async () => {
        ticks++;
        await new Promise((r) => setTimeout(r, 20));
      },
      async () => ok(''),
    );
    const deps = sessionDeps(Promise.resolve(s), s.store, settings);
    await Promise.all([deps.refresh(), deps.refresh(), deps.refresh()]);
    expect(ticks).toBe(1);
    await deps.refresh();
    expect(ticks).toBe(1);
    deps.invalidate();
    await deps.refresh();
    expect(ticks).toBe(2);
  });

  it('throws the poll error only while there is nothing to show', async () => {
    const s = fakeSession(
      async () => {
        throw new SlurmError('unreachable', 'squeue: Unable to contact slurm controller');
      },
      async () => ok(''),
    );
    const deps = sessionDeps(Promise.resolve(s), s.store, settings);
    await expect(deps.refresh()).rejects.toThrow(/Unable to contact slurm controller/);
    s.store.setState({ jobs: { 'hpc/1': {} as never } });
    deps.invalidate();
    await expect(deps.refresh()).resolves.toBeUndefined();
  });

  it('asks `id -un` once per cluster, and again only after a failure', async () => {
    const calls: string[][] = [];
    let answer = ok('', 1);
    const s = fakeSession(
      async () => {},
      async (...a: unknown[]) => {
        calls.push(a[0] as string[]);
        return answer;
      },
    );
    const deps = sessionDeps(Promise.resolve(s), s.store, settings);
    await deps.refresh();
    expect(await deps.loginUser('hpc')).toBeNull();
    answer = ok('hpcuser\n');
    expect(await deps.loginUser('hpc')).toBe('hpcuser');
    expect(await deps.loginUser('hpc')).toBe('hpcuser');
    expect(calls).toEqual([
      ['id', '-un'],
      ['id', '-un'],
    ]);
  });

  it("asks sstat for a running job's details through that job's cluster, once per interval", async () => {
    const calls: string[][] = [];
    const s = fakeSession(
      async () => {},
      async (...a: unknown[]) => {
        calls.push(a[0] as string[]);
        return ok('7.batch|cpu=00:10:00,mem=1024K\n');
      },
    );
    s.store.setState({ jobs: { 'hpc/7': entry(Date.now(), { job_id: '7', raw_job_id: '7' }, { cluster: 'hpc' }) } });
    const deps = sessionDeps(Promise.resolve(s), s.store, settings);
    await deps.refresh();
    await deps.details!('hpc/7');
    await deps.details!('hpc/7');
    await deps.details!('hpc/unknown');
    expect(calls.map((c) => c[0])).toEqual(['sstat']);
    expect(s.store.getState().live['hpc/7']?.usage?.cpu_used_s).toBe(600);
  });
});
