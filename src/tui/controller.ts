/** The TUI's only way to cause side effects: cancel, diagnose, refresh, quit. Views call it; it never renders. */
import { SLURM_CLIENT_ENV_DROP } from '../../parsers/squeue.js';
import { validateJobId } from '../cli-args.js';
import type { Session } from '../session.js';
import { cancelTarget } from './cancel-target.js';

export interface ActionResult {
  ok: boolean;
  message: string;
}

export interface Controller {
  /** `scancel <id>` through the job's cluster transport, then an early poll. */
  cancel(key: string): Promise<ActionResult>;
  /** Starts (or explains) a diagnosis; its progress lands in `store.diagnoses[key]`. */
  diagnose(key: string): void;
  /** Re-reads a job's logs now. */
  refreshLogs(key: string): void;
  quit(): void;
}

export interface ControllerOptions {
  onQuit(): void;
  /** Starts a diagnosis in the background (src/diagnose/run.ts startDiagnosis in the real TUI). */
  diagnose(key: string): void;
}

/** Builds the controller for a session. */
export function createController(session: Session, opts: ControllerOptions): Controller {
  const { store } = session;
  return {
    async cancel(key) {
      const target = cancelTarget(store.getState().jobs, key);
      if (!target) return { ok: false, message: 'cancel: that job is gone from the list' };
      if (target.finished) return { ok: false, message: `cancel: job ${target.scancelId} has already ended` };
      const cluster = session.clusters.find((c) => c.name === target.cluster);
      if (!cluster) return { ok: false, message: `cancel: no connection to cluster ${target.cluster}` };
      try {
        validateJobId(target.scancelId);
      } catch (err) {
        return { ok: false, message: `cancel: ${(err as Error).message}` };
      }
      // Same environment as squeue: a user's SLURM_CLUSTERS must not retarget the cancel.
      const r = await cluster.transport.exec(['scancel', target.scancelId], { timeoutMs: 15000, dropEnv: SLURM_CLIENT_ENV_DROP });
      cluster.poller.pokeSoon();
      if (r.code === 0) return { ok: true, message: `scancel ${target.scancelId}: sent` };
      const why = r.timedOut ? 'timed out' : r.notFound ? 'scancel not found' : r.stderr.trim().split('\n')[0] || `exit ${r.code}`;
      return { ok: false, message: `scancel ${target.scancelId} failed: ${why}` };
    },
    diagnose: opts.diagnose,
    refreshLogs(key) {
      const e = store.getState().jobs[key];
      const cluster = e && session.clusters.find((c) => c.name === e.cluster);
      if (cluster) void cluster.logs.refresh(key, true).catch(() => {});
    },
    quit: opts.onQuit,
  };
}
