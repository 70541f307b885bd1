/**
 * The single source of truth: jobs keyed by cluster + job id, cluster status,
 * diagnoses. Only the poller, the tailers and the diagnosis runner write here;
 * the TUI and the headless output only read.
 */
import { createStore } from 'zustand/vanilla';
import type { SlurmJob } from '../parsers/slurm-types.js';
import type { LiveUsage } from '../parsers/sstat.js';
import type { LogAnalysis } from '../parsers/types.js';

export type LogStatus = 'unknown' | 'waiting' | 'ok' | 'error';

export interface LogInfo {
  path: string;
  status: LogStatus;
  size: number;
  mtimeMs: number | null;
  error: string | null;
  analysis: LogAnalysis | null;
  /** The last logical lines of the log (raw: sanitise before display), bounded. */
  lines: string[];
  /** Index into `lines` of the root-cause line, when it is among them. */
  failureLine: number | null;
}

export interface RatePoint {
  /** ms since epoch (log mtime when the point was taken). */
  t: number;
  current: number | null;
  /** Units per second, normalised from it/s, s/it, ms/step... */
  perSecond: number | null;
}

export interface JobEntry {
  key: string;
  cluster: string;
  job: SlurmJob;
  /** When the SLURM fields were last read (ms); elapsed ticks locally from here. */
  polledAt: number;
  /** Where the SLURM fields came from last. */
  source: 'squeue' | 'sacct' | 'scontrol' | 'demo';
  stdout: LogInfo | null;
  stderr: LogInfo | null;
  /**
   * Both logs merged: progress from whichever shows it, failure by strength and by what SLURM
   * says (model/merge-analysis.ts jobFailure). A failed job has one even before its logs are read.
   */
  analysis: LogAnalysis | null;
  history: RatePoint[];
  willTimeout: boolean | null;
  /** Seconds the run would go past its limit (positive = will time out). */
  overrunS: number | null;
  /** Estimated finish of the whole run (ms since epoch). */
  finishAt: number | null;
  /** A human explanation of how the job ended when the exit code says more than the state. */
  exitNote: string | null;
  /** Asked for by id but unknown to squeue and sacct. */
  notFound: boolean;
  /** Its logs were read after it ended, so its failure line is final (events wait for this). */
  logsFinal: boolean;
}

export interface ClusterStatus {
  name: string;
  ok: boolean;
  error: string | null;
  lastPollAt: number | null;
  /** Last successful poll (ms); failures don't move it, so the age of the data shown is known. */
  lastOkAt: number | null;
  lastPollMs: number | null;
  nextPollAt: number | null;
  /** Current backoff after failures (0 when healthy). */
  backoffMs: number;
  /** Data is older than one failed poll (shown greyed). */
  stale: boolean;
  connected: boolean;
}

export type DiagnosisStatus = 'idle' | 'running' | 'done' | 'error';
export interface DiagnosisState {
  status: DiagnosisStatus;
  text: string | null;
  error: string | null;
  cached: boolean;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

/** What was asked for on demand for the job in view (never per tick): `sstat`, `squeue --start`. */
export interface LiveInfo {
  usage: LiveUsage | null;
  /** When `usage` was read (ms). */
  usageAt: number | null;
  /** The scheduler's expected start (ISO), null when it has none. */
  estStart: string | null;
  estStartAt: number | null;
  error: string | null;
}

export interface State {
  jobs: Record<string, JobEntry>;
  clusters: Record<string, ClusterStatus>;
  diagnoses: Record<string, DiagnosisState>;
  /** Keyed like `jobs`. */
  live: Record<string, LiveInfo>;
}

export type Store = ReturnType<typeof createJobStore>;

/** Key used everywhere for a job: `cluster/jobid`. */
export function jobKey(cluster: string, jobId: string): string {
  return `${cluster}/${jobId}`;
}

/** A fresh store; tests and each CLI run make their own. */
export function createJobStore() {
  return createStore<State>()(() => ({ jobs: {}, clusters: {}, diagnoses: {}, live: {} }));
}

const HISTORY_MAX = 240;

/** Appends a throughput point, deduplicating identical log states and bounding memory. */
export function appendHistory(history: RatePoint[], point: RatePoint): RatePoint[] {
  const last = history.at(-1);
  if (last && last.t === point.t && last.current === point.current) return history;
  const next = history.length >= HISTORY_MAX ? history.slice(history.length - HISTORY_MAX + 1) : history.slice();
  next.push(point);
  return next;
}

/** Elapsed seconds now: running jobs tick locally between polls. */
export function elapsedNow(e: JobEntry, now: number): number | null {
  const base = e.job.elapsed_s;
  if (base === null) return null;
  if (e.job.state !== 'RUNNING') return base;
  return base + Math.max(0, (now - e.polledAt) / 1000);
}

/** Seconds left before the time limit, ticking locally; null when unlimited or unknown. */
export function timeLeftNow(e: JobEntry, now: number): number | null {
  const limit = e.job.time_limit_s;
  if (limit === null) return null;
  const el = elapsedNow(e, now);
  if (el === null) return null;
  if (e.job.state === 'PENDING') return limit;
  return Math.max(0, limit - el);
}
