/**
 * Transitions derived once from successive snapshots of the store. Every consumer (the TUI,
 * `--wait`, auto-diagnosis, sinks, metrics, MCP) takes its events from here; none compares
 * states itself. Deterministic: the same sequence of snapshots and times gives the same events.
 *
 * The memory kept per job is small and serialisable (`remember`/`recall`), so a restarted
 * watcher neither repeats what it told nor misses what happened while it was down.
 */
import { isEnded, isQueued, isRunning, type JobState } from '../../parsers/job-state.js';
import type { JobEntry, State } from '../store.js';
import { toEvent } from './event-json.js';
import type { EventName, JobEvent } from './types.js';

/** What is remembered of a job between snapshots (and across restarts). */
export interface JobMemory {
  state: JobState;
  reason: string | null;
  /** A timeout-risk event was given and has not cleared since. */
  risk: boolean;
  /** A stall event was given and the logs have not moved since. */
  stalled: boolean;
  /** Last time this job was in a snapshot (ms), to forget jobs that left long ago. */
  seenAt: number;
}

export interface DeriveOptions {
  /** A stall is silence longer than `stallFactor` × the job's median gap between log updates… */
  stallFactor: number;
  /** …and at least this long (ms). */
  stallMinMs: number;
  /** The uid that runs hpc-watch on a cluster, to tell the user's own scancel from someone else's. */
  selfUid(cluster: string): number | null;
}

export const DEFAULT_STALL = { stallFactor: 10, stallMinMs: 10 * 60_000 };

// Log activity seen while running; not persisted (a restart measures the pace again).
interface Activity {
  sig: string;
  lastChangeAt: number;
  gaps: number[];
}

const MAX_GAPS = 20;
// An end whose logs were not re-read yet is held so its failure line is the final one, but not forever.
const HOLD_END_MS = 2 * 60_000;
const FORGET_MS = 7 * 86400_000;

/** Margin before a run counts as overrunning (or as safe again): ETAs jitter. */
function riskMargin(e: JobEntry): number {
  return Math.max(60, 0.01 * (e.job.time_limit_s ?? 0));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export class EventDeriver {
  private memory = new Map<string, JobMemory>();
  private activity = new Map<string, Activity>();
  private heldSince = new Map<string, number>();
  private pendingArrays = new Set<string>();
  // Remembered from before a restart and not seen since: a change found there happened while away.
  private readonly recalled = new Set<string>();
  private watchingSince: number | null = null;

  constructor(
    private readonly opts: DeriveOptions,
    remembered: Record<string, JobMemory> = {},
  ) {
    for (const [k, m] of Object.entries(remembered)) {
      this.memory.set(k, m);
      this.recalled.add(k);
    }
  }

  /** The memory to persist. */
  remember(): Record<string, JobMemory> {
    return Object.fromEntries(this.memory);
  }

  /** The events between the previous snapshot and this one. */
  update(state: State, now: number): JobEvent[] {
    // Anything submitted after the first snapshot was submitted under our eyes.
    this.watchingSince ??= now;
    const out: JobEvent[] = [];
    const pendingArrays = new Set<string>();
    for (const e of Object.values(state.jobs)) {
      if (e.notFound) continue;
      if (e.job.array_task_id?.startsWith('[') && e.job.array_job_id)
        pendingArrays.add(`${e.cluster}/${e.job.array_job_id}`);
      this.step(e, now, out);
    }
    this.pendingArrays = pendingArrays;
    for (const [k, m] of this.memory) if (now - m.seenAt > FORGET_MS) this.memory.delete(k);
    for (const k of this.activity.keys()) if (!state.jobs[k]) this.activity.delete(k);
    return out;
  }

  private step(e: JobEntry, now: number, out: JobEvent[]): void {
    const s = e.job.state;
    let mem = this.memory.get(e.key);
    if (!mem) {
      // First sight: what already happened is not news — except for a job submitted while we
      // watched (it started within a poll), and an array task that just left the pending record
      // we were watching: those have just started (or ended) now.
      const fromPendingArray =
        e.job.array_job_id !== null && this.pendingArrays.has(`${e.cluster}/${e.job.array_job_id}`);
      const submitted = e.job.submit_time ? Date.parse(e.job.submit_time) : Number.NaN;
      // SLURM prints whole seconds: a job submitted in the second we started counts as new.
      const newSince = this.watchingSince !== null && submitted >= this.watchingSince - 1000;
      mem = {
        state: fromPendingArray || newSince ? 'PENDING' : s,
        reason: e.job.reason,
        risk: false,
        stalled: false,
        seenAt: now,
      };
      this.memory.set(e.key, mem);
    }
    mem.seenAt = now;
    const prev = mem.state;
    const late = this.recalled.has(e.key);
    if (prev !== s) {
      if (isEnded(s) && !isEnded(prev)) {
        // Hold the end until the logs were read after it, so the failure line is the final one.
        // squeue's record of an ended job has no log paths (sacct or the path cache bring them in
        // the same poll), and slurmdbd's stand-in row has no work dir: more is coming then too.
        const held = this.heldSince.get(e.key) ?? now;
        this.heldSince.set(e.key, held);
        const more =
          (!e.logsFinal && (e.stdout !== null || e.source === 'squeue')) || e.job.accountingIncomplete === true;
        if (more && now - held < HOLD_END_MS) return;
        this.heldSince.delete(e.key);
        if (isQueued(prev) && e.job.start_time) out.push(this.event('job_started', e, now, late));
        out.push(this.event(this.endEvent(e), e, now, late));
      } else if (isRunning(s) && isQueued(prev)) {
        out.push(this.event('job_started', e, now, late));
      } else if (isQueued(s) && (isRunning(prev) || isEnded(prev))) {
        out.push(this.event('job_requeued', e, now, late));
      }
      mem.state = s;
      mem.risk = false;
      mem.stalled = false;
    } else if (isQueued(s) && e.job.reason && mem.reason && e.job.reason !== mem.reason) {
      out.push(this.event('job_pending_reason_changed', e, now, late, mem.reason));
    }
    this.recalled.delete(e.key);
    mem.reason = e.job.reason;
    if (s === 'RUNNING') {
      this.checkRisk(e, mem, now, out);
      this.checkStall(e, mem, now, out);
    }
  }

  private endEvent(e: JobEntry): EventName {
    if (e.job.state === 'COMPLETED') return 'job_completed';
    if (e.job.state === 'CANCELLED') {
      const by = /\bby (\d+)/.exec(e.job.state_detail ?? '');
      const self = this.opts.selfUid(e.cluster);
      if (by && self !== null && Number(by[1]) === self) return 'job_cancelled';
    }
    return 'job_failed';
  }

  private checkRisk(e: JobEntry, mem: JobMemory, now: number, out: JobEvent[]): void {
    const margin = riskMargin(e);
    if (!mem.risk && e.willTimeout === true && (e.overrunS ?? 0) > margin) {
      mem.risk = true;
      out.push(this.event('job_timeout_risk', e, now, false));
    } else if (mem.risk && e.willTimeout === false && (e.overrunS ?? 0) < -margin) {
      mem.risk = false;
    }
  }

  private checkStall(e: JobEntry, mem: JobMemory, now: number, out: JobEvent[]): void {
    const p = e.analysis?.progress;
    const sig = `${(e.stdout?.size ?? 0) + (e.stderr?.size ?? 0)}:${p?.current ?? ''}:${p?.epoch ?? ''}`;
    const a = this.activity.get(e.key);
    if (!a) {
      this.activity.set(e.key, { sig, lastChangeAt: now, gaps: [] });
      return;
    }
    if (a.sig !== sig) {
      a.gaps.push(now - a.lastChangeAt);
      if (a.gaps.length > MAX_GAPS) a.gaps.shift();
      a.sig = sig;
      a.lastChangeAt = now;
      mem.stalled = false;
      return;
    }
    // Judge only a job whose pace is known: two gaps at least.
    if (mem.stalled || a.gaps.length < 2) return;
    const limit = Math.max(this.opts.stallMinMs, this.opts.stallFactor * median(a.gaps));
    if (now - a.lastChangeAt > limit) {
      mem.stalled = true;
      out.push(this.event('job_stalled', e, now, false, null, now - a.lastChangeAt));
    }
  }

  private event(
    name: EventName,
    e: JobEntry,
    now: number,
    late: boolean,
    oldReason: string | null = null,
    silentMs = 0,
  ): JobEvent {
    const whenIso = name === 'job_started' ? e.job.start_time : END_NAMES.has(name) ? e.job.end_time : null;
    const when = whenIso ? Date.parse(whenIso) : Number.NaN;
    return toEvent(name, e, { now, at: Number.isFinite(when) ? when : now, late, oldReason, silentMs });
  }
}

const END_NAMES: ReadonlySet<EventName> = new Set(['job_completed', 'job_failed', 'job_cancelled']);
