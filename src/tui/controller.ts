/** The TUI's only way to cause side effects: cancel, diagnose, refresh, quit. Views call it; it never renders. */
import type { Session } from '../session.js';
import { type ActionResult, cancelJob } from '../slurm/actions.js';
import { slurmRunner } from '../slurm/client.js';
import { JobDetails } from '../slurm/job-details.js';
import { cancelTarget } from './view-model/cancel-target.js';

export type { ActionResult } from '../slurm/actions.js';

export interface Controller {
  /** `scancel <id>` through the job's cluster transport, then an early poll. */
  cancel(key: string): Promise<ActionResult>;
  /** Starts (or explains) a diagnosis; its progress lands in `store.diagnoses[key]`. */
  diagnose(key: string): void;
  /** Re-reads a job's logs now. */
  refreshLogs(key: string): void;
  /** The jobs the table shows, top first: the pollers read their logs before other finished jobs'. */
  showing(keys: readonly string[]): void;
  /**
   * While a job is in view: its live usage (sstat) or expected start (squeue --start), rate-limited. Returns the stop.
   */
  watchDetails(key: string): () => void;
  quit(): void;
}

/** Lines from outside the views (a failing notification sink) for the status line. */
export interface NoticeFeed {
  on(listener: (line: string) => void): () => void;
}

export interface ControllerOptions {
  onQuit(): void;
  /** Starts a diagnosis in the background (src/diagnose/run.ts startDiagnosis in the real TUI). */
  diagnose(key: string): void;
}

/** Builds the controller for a session. */
export function createController(session: Session, opts: ControllerOptions): Controller {
  const { store } = session;
  const details = new Map<string, JobDetails>();
  return {
    async cancel(key) {
      const target = cancelTarget(store.getState().jobs, key);
      if (!target) return { ok: false, message: 'cancel: that job is gone from the list' };
      if (target.finished) return { ok: false, message: `cancel: job ${target.scancelId} has already ended` };
      const cluster = session.clusters.find((c) => c.name === target.cluster);
      if (!cluster) return { ok: false, message: `cancel: no connection to cluster ${target.cluster}` };
      const r = await cancelJob(cluster.transport, target.scancelId);
      cluster.poller.pokeSoon();
      return r;
    },
    diagnose: opts.diagnose,
    refreshLogs(key) {
      const e = store.getState().jobs[key];
      const cluster = e && session.clusters.find((c) => c.name === e.cluster);
      if (cluster) void cluster.logs.refresh(key, true).catch(() => {});
    },
    showing(keys) {
      for (const c of session.clusters) c.poller.want(keys);
    },
    watchDetails(key) {
      // The view may open before the first poll: the key names the cluster already (`cluster/id`).
      const name = store.getState().jobs[key]?.cluster ?? key.slice(0, key.lastIndexOf('/'));
      const cluster = session.clusters.find((c) => c.name === name);
      if (!cluster) return () => {};
      let d = details.get(name);
      if (!d) {
        d = new JobDetails(slurmRunner(cluster.transport, 15_000), store, () => cluster.poller.utcOffset());
        details.set(name, d);
      }
      return d.watch(key);
    },
    quit: opts.onQuit,
  };
}
