/**
 * Pushes "this log changed" as soon as the file does, so the job view feels live
 * without re-reading every log on a fast timer. Only for logs on this machine's
 * filesystem; SSH clusters rely on the 1 s timer.
 */
import { dirname, resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { isRunning } from '../../parsers/job-state.js';
import type { Session } from '../session.js';
import type { JobEntry } from '../store.js';
import { isNetworkFs } from '../tail/fs-kind.js';
import { LocalTransport } from '../transport/local.js';

export interface LogWatcher {
  close(): Promise<void>;
}

/** Watches the directories holding running jobs' logs and calls `onChange(key)` on appends. */
export async function watchLogs(
  session: Session,
  opts: { pollLogs: boolean; onChange(key: string): void },
): Promise<LogWatcher> {
  const local = new Set(session.clusters.filter((c) => c.transport instanceof LocalTransport).map((c) => c.name));
  if (local.size === 0) return { close: async () => {} };
  const { watch } = await import('chokidar');
  const files = new Map<string, Set<string>>();
  const dirs = new Map<string, FSWatcher>();
  let inotify: FSWatcher | null = null;

  // chokidar ≥4 has no globs: watch directories and ignore every file that is not a wanted log.
  const ignored = (p: string) => !files.has(p) && !dirs.has(p);
  const onEvent = (p: string) => {
    for (const key of files.get(p) ?? []) opts.onChange(key);
  };
  const make = (): FSWatcher => {
    const w = watch([], { ignoreInitial: true, depth: 0, ignored, usePolling: false, persistent: true });
    w.on('add', onEvent)
      .on('change', onEvent)
      .on('error', () => {});
    return w;
  };

  let lastJobs: Record<string, JobEntry> | null = null;
  const sync = () => {
    const jobs = session.store.getState().jobs;
    if (jobs === lastJobs) return;
    lastJobs = jobs;
    files.clear();
    for (const e of Object.values(jobs)) {
      if (!local.has(e.cluster) || !isRunning(e.job.state)) continue;
      for (const info of [e.stdout, e.stderr]) {
        if (!info) continue;
        const p = resolve(info.path);
        const keys = files.get(p) ?? new Set<string>();
        keys.add(e.key);
        files.set(p, keys);
      }
    }
    const want = new Set([...files.keys()].map((p) => dirname(p)));
    for (const [dir, w] of dirs) {
      if (!want.has(dir)) {
        w.unwatch(dir);
        dirs.delete(dir);
      }
    }
    for (const dir of want) {
      if (dirs.has(dir)) continue;
      // inotify misses writes made on compute nodes (NFS/Lustre/GPFS); there the 1 s log timer's
      // stat is the watcher, and a chokidar poll on top would only double the metadata load.
      if (opts.pollLogs || isNetworkFs(dir)) continue;
      inotify ??= make();
      dirs.set(dir, inotify);
      inotify.add(dir);
    }
  };
  sync();
  const unsubscribe = session.store.subscribe(sync);
  return {
    async close() {
      unsubscribe();
      await inotify?.close();
    },
  };
}
