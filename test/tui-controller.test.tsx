import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Text } from 'ink';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { SLURM_CLIENT_ENV_DROP } from '../parsers/squeue.js';
import type { Session } from '../src/session.js';
import type { Store } from '../src/store.js';
import { fsTypeOf, isNetworkFs } from '../src/tail/fs-kind.js';
import { LocalTransport } from '../src/transport/local.js';
import type { ExecResult } from '../src/transport/types.js';
import { createController } from '../src/tui/controller.js';
import { useThrottledStore } from '../src/tui/hooks/use-throttled-store.js';
import { watchLogs } from '../src/tui/log-watch.js';
import { allJobs, entry, logInfo, storeWith } from './helpers/fixtures.js';
import { cleanup, renderAt, settle } from './helpers/render-at.js';

afterEach(cleanup);

const NOW = Date.now();

function result(over: Partial<ExecResult> = {}): ExecResult {
  return { stdout: '', stderr: '', code: 0, signal: null, timedOut: false, notFound: false, durationMs: 5, ...over };
}

function fakeSession(store: Store, exec = vi.fn(async (_argv: readonly string[]) => result())) {
  const poller = { pokeSoon: vi.fn(), want: vi.fn() };
  const logs = { refresh: vi.fn(async () => {}) };
  const transport = { cluster: 'local', exec };
  const session = {
    store,
    clusters: [{ name: 'local', transport, poller, logs }],
    close: async () => {},
  } as unknown as Session;
  return { session, exec, poller, logs };
}

describe('controller', () => {
  test('cancel runs scancel as an argv array on the job cluster, then polls early', async () => {
    const { session, exec, poller } = fakeSession(storeWith(allJobs(NOW), NOW));
    const c = createController(session, { onQuit: () => {}, diagnose: () => {} });
    expect(await c.cancel('local/2001')).toEqual({ ok: true, message: 'scancel 2001: sent' });
    expect(exec).toHaveBeenCalledWith(
      ['scancel', '2001'],
      expect.objectContaining({ timeoutMs: 15000, dropEnv: SLURM_CLIENT_ENV_DROP }),
    );
    expect(poller.pokeSoon).toHaveBeenCalled();
    await c.cancel('group:local/3000');
    expect(exec).toHaveBeenLastCalledWith(
      ['scancel', '3000'],
      expect.objectContaining({ timeoutMs: 15000, dropEnv: SLURM_CLIENT_ENV_DROP }),
    );
  });

  test('cancel refuses finished or unknown jobs without running anything', async () => {
    const { session, exec } = fakeSession(storeWith(allJobs(NOW), NOW));
    const c = createController(session, { onQuit: () => {}, diagnose: () => {} });
    expect((await c.cancel('local/2004')).ok).toBe(false);
    expect((await c.cancel('local/999')).ok).toBe(false);
    expect(exec).not.toHaveBeenCalled();
  });

  test('a scancel error comes back as a message', async () => {
    const exec = vi.fn(async () =>
      result({ code: 1, stderr: 'scancel: error: Kill job error on job id 2001: Access/permission denied\n' }),
    );
    const { session } = fakeSession(storeWith(allJobs(NOW), NOW), exec);
    const r = await createController(session, { onQuit: () => {}, diagnose: () => {} }).cancel('local/2001');
    expect(r.ok).toBe(false);
    expect(r.message).toContain('Access/permission denied');
  });

  test('diagnose hands the job key to the diagnosis runner', () => {
    const { session } = fakeSession(storeWith(allJobs(NOW), NOW));
    const runner = vi.fn();
    createController(session, { onQuit: () => {}, diagnose: runner }).diagnose('local/2001');
    expect(runner).toHaveBeenCalledWith('local/2001');
  });

  test('refreshLogs and quit', () => {
    const { session, logs } = fakeSession(storeWith(allJobs(NOW), NOW));
    const onQuit = vi.fn();
    const c = createController(session, { onQuit, diagnose: () => {} });
    c.refreshLogs('local/2001');
    expect(logs.refresh).toHaveBeenCalledWith('local/2001', true);
    c.quit();
    expect(onQuit).toHaveBeenCalled();
  });

  test('showing passes the rows on screen to the pollers, which read their logs first', () => {
    const { session, poller } = fakeSession(storeWith(allJobs(NOW), NOW));
    createController(session, { onQuit: () => {}, diagnose: () => {} }).showing(['local/2004', 'local/2005']);
    expect(poller.want).toHaveBeenCalledWith(['local/2004', 'local/2005']);
  });
});

describe('fs kind', () => {
  const mounts = [
    '/dev/sda1 / ext4 rw 0 0',
    'srv:/export/home /home nfs4 rw 0 0',
    '10.0.0.1@o2ib:/scratch /scratch lustre rw 0 0',
    '/dev/sdb1 /home/alice/local\\040disk ext4 rw 0 0',
    'alice@login:/ /mnt/remote fuse.sshfs rw 0 0',
  ].join('\n');

  test('longest mount prefix wins', () => {
    expect(fsTypeOf('/home/alice/slurm-1.out', mounts)).toBe('nfs4');
    expect(fsTypeOf('/home/alice/local disk/x.out', mounts)).toBe('ext4');
    expect(fsTypeOf('/homework/x', mounts)).toBe('ext4');
    expect(fsTypeOf('/scratch/u/x', mounts)).toBe('lustre');
  });

  test('network and parallel filesystems are polled', () => {
    expect(isNetworkFs('/home/a', mounts)).toBe(true);
    expect(isNetworkFs('/scratch/a', mounts)).toBe(true);
    expect(isNetworkFs('/mnt/remote/a', mounts)).toBe(true);
    expect(isNetworkFs('/tmp/a', mounts)).toBe(false);
    expect(isNetworkFs('/tmp/a', null)).toBe(false);
  });
});

/** Counts its renders so a test can see how many frames a burst of updates cost. */
function Probe({ store, counter }: { store: Store; counter: { renders: number } }) {
  const s = useThrottledStore(store, 100);
  counter.renders++;
  return <Text>{Object.keys(s.jobs).length} jobs</Text>;
}

describe('throttled store', () => {
  test('a burst of store updates becomes a couple of renders, ending on the latest state', async () => {
    const store = storeWith([], NOW);
    const counter = { renders: 0 };
    const r = renderAt(<Probe store={store} counter={counter} />, 40, 10);
    await settle();
    const before = counter.renders;
    for (let i = 0; i < 200; i++) {
      store.setState((s) => ({ jobs: { ...s.jobs, [`local/${i}`]: entry(NOW, { job_id: String(i) }) } }));
    }
    await settle(250);
    expect(r.frame()).toBe('200 jobs');
    expect(counter.renders - before).toBeLessThanOrEqual(3);
  });
});

describe('log watching', () => {
  test('an append to a running job log triggers a refresh of that job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcw-watch-'));
    try {
      const path = join(dir, 'slurm-1.out');
      writeFileSync(path, 'start\n');
      const store = storeWith([entry(NOW, { job_id: '1' }, { stdout: logInfo(path, []) })], NOW);
      const session = {
        store,
        clusters: [{ name: 'local', transport: new LocalTransport('local') }],
      } as unknown as Session;
      const onChange = vi.fn();
      const w = await watchLogs(session, { pollLogs: false, onChange });
      try {
        await settle(300);
        appendFileSync(path, 'more\n');
        await vi.waitFor(() => expect(onChange).toHaveBeenCalledWith('local/1'), { timeout: 3000, interval: 50 });
      } finally {
        await w.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
