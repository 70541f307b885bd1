/** A simulated SLURM scheduler: job states follow fixed schedules, logs are real files written over time. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoJob, demoJobs, type LogEvent, slurmTime } from './scenarios.js';

export interface DemoJobView {
  spec: DemoJob;
  state: string;
  stateDetail: string | null;
  reason: string | null;
  startAt: number | null;
  endAt: number | null;
  exitCode: string;
  logPath: string;
  /** Still shown by squeue (queued, running, or ended in the last 15 s). */
  inQueue: boolean;
  /** The dependency field as Slurm prints it; null when none is left. */
  dependency: string | null;
}

const IN_QUEUE_AFTER_END_S = 15;

/** Slurm's dependency field and reason for a pending job: satisfied items vanish, a failed afterok never starts. */
function waitFor(v: DemoJobView, all: DemoJobView[]): void {
  const dep = v.spec.dependsOn;
  if (!dep) return;
  const target = all.find((x) => x.spec.id === dep.id);
  const ended = target !== undefined && target.endAt !== null;
  if (ended && (dep.type === 'afterany' || target.state === 'COMPLETED')) return;
  const failed = ended && dep.type === 'afterok';
  v.dependency = `${dep.type}:${dep.id}(${failed ? 'failed' : 'unfulfilled'})`;
  v.reason = failed ? 'DependencyNeverSatisfied' : 'Dependency';
}

/** Owns the demo's temp dir and advances every job's log as time passes. */
export class DemoCluster {
  readonly dir: string;
  readonly t0: number;
  private readonly jobs: DemoJob[];
  private readonly cursors = new Map<number, { gen: Generator<LogEvent>; next: LogEvent | null }>();
  private readonly cancelled = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(now = Date.now()) {
    this.t0 = now;
    this.dir = mkdtempSync(join(tmpdir(), 'hpc-watch-demo-'));
    this.jobs = demoJobs(now);
  }

  /** Seconds since the demo started. */
  clock(now = Date.now()): number {
    return (now - this.t0) / 1000;
  }

  /** Writes logs up to now, then keeps writing twice a second. */
  start(): void {
    this.advance();
    this.timer = setInterval(() => this.advance(), 500);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    rmSync(this.dir, { recursive: true, force: true });
  }

  logPath(j: DemoJob): string {
    return j.arrayJobId !== undefined
      ? join(this.dir, `${j.name}-${j.arrayJobId}_${j.arrayTaskId}.out`)
      : join(this.dir, `slurm-${j.id}.out`);
  }

  /** Every submitted job with its state at time `t` (seconds since start). */
  view(t = this.clock()): DemoJobView[] {
    const out: DemoJobView[] = [];
    for (const spec of this.jobs) {
      if (t < spec.submitAt) continue;
      const cancelAt = this.cancelled.get(spec.id);
      let endAt = spec.endAt;
      let endState = spec.endState;
      let detail: string | null = null;
      if (cancelAt !== undefined && (endAt === null || cancelAt < endAt)) {
        endAt = cancelAt;
        endState = 'CANCELLED';
        detail = 'by 1000';
      }
      let state: string;
      let reason: string | null = null;
      if (spec.startAt === null || t < spec.startAt) {
        state = endAt !== null && t >= endAt ? endState : 'PENDING';
        reason = state === 'PENDING' ? spec.pendingReason : null;
      } else if (endAt === null || t < endAt) state = 'RUNNING';
      else {
        state = endState;
        reason = endState === 'CANCELLED' ? null : spec.endReason;
      }
      const ended = endAt !== null && t >= endAt;
      out.push({
        spec,
        state,
        stateDetail: state === 'CANCELLED' ? detail : null,
        reason,
        startAt: spec.startAt !== null && t >= spec.startAt ? spec.startAt : null,
        endAt: ended ? endAt : null,
        exitCode: state === 'CANCELLED' ? '0:15' : ended ? spec.exitCode : '0:0',
        logPath: this.logPath(spec),
        inQueue: !ended || t - endAt! < IN_QUEUE_AFTER_END_S,
        dependency: null,
      });
    }
    for (const v of out) if (v.state === 'PENDING') waitFor(v, out);
    return out;
  }

  /** scancel: ends a queued or running job now. */
  cancel(id: number): boolean {
    const v = this.view().find((j) => j.spec.id === id || j.spec.arrayJobId === id);
    if (!v || v.endAt !== null) return false;
    const t = this.clock();
    for (const j of this.view()) {
      if ((j.spec.id === id || j.spec.arrayJobId === id) && j.endAt === null) {
        this.cancelled.set(j.spec.id, t);
        if (j.state === 'RUNNING') {
          appendFileSync(
            j.logPath,
            `slurmstepd-gpu-017: error: *** JOB ${j.spec.id} ON gpu-017 CANCELLED AT ${slurmTime(this.t0 + t * 1000)} ***\n`,
          );
        }
      }
    }
    return true;
  }

  /** Appends every log event due by now to its file. */
  advance(t = this.clock()): void {
    for (const v of this.view(t)) {
      const spec = v.spec;
      if (v.startAt === null) continue;
      let cur = this.cursors.get(spec.id);
      if (!cur) {
        cur = { gen: spec.log(spec.startAt!), next: null };
        this.cursors.set(spec.id, cur);
        writeFileSync(v.logPath, '');
      }
      const stopAt = Math.min(t, this.cancelled.get(spec.id) ?? Number.POSITIVE_INFINITY);
      let chunk = '';
      for (;;) {
        if (!cur.next) {
          const r = cur.gen.next();
          if (r.done) break;
          cur.next = r.value;
        }
        if (cur.next.at > stopAt) break;
        chunk += cur.next.text;
        cur.next = null;
        if (chunk.length > 1 << 20) {
          appendFileSync(v.logPath, chunk);
          chunk = '';
        }
      }
      if (chunk) appendFileSync(v.logPath, chunk);
    }
  }
}
