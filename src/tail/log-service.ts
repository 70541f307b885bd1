/**
 * Keeps one follower per log path, reads new bytes on demand or on a timer,
 * parses the bounded window and writes the result into the store. Parsing is
 * throttled per job so a log growing at MB/s costs at most a few parses a second.
 */
import { describeExit } from '../../parsers/exit-code.js';
import { isQueued, isRunning } from '../../parsers/job-state.js';
import { analyzeLogDetailed } from '../../parsers/log.js';
import type { LogAnalysis } from '../../parsers/types.js';
import { appendHistory, type JobEntry, type LogInfo, type Store } from '../store.js';
import type { Transport } from '../transport/types.js';
import { checkTimeLimit, secondsPerUnit } from '../eta.js';
import { jobFailure, mergeLogAnalyses } from '../merge-analysis.js';
import { LogFollower } from './follower.js';

/** Lines kept per log for the live view; the window itself stays bytes. */
const TAIL_LINES = 400;

interface Parsed {
  window: Uint8Array;
  analysis: LogAnalysis;
  lines: string[];
  failureLine: number | null;
}

export class LogService {
  private followers = new Map<string, LogFollower>();
  private lastParse = new Map<string, number>();
  private analyses = new Map<string, Parsed>();

  constructor(
    private readonly store: Store,
    private readonly transport: Transport,
    private readonly windowBytes: number,
    private readonly minParseIntervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads and parses the logs of one job, then recomputes its derived fields. */
  async refresh(key: string, force = false): Promise<void> {
    const entry = this.store.getState().jobs[key];
    if (!entry) return;
    const out = entry.stdout ? await this.readOne(entry.stdout.path, force) : null;
    const err = entry.stderr && entry.stderr.path !== entry.stdout?.path ? await this.readOne(entry.stderr.path, force) : null;
    const current = this.store.getState().jobs[key];
    if (!current) return;
    const next = derive({ ...current, stdout: out ?? current.stdout, stderr: err ?? current.stderr });
    this.store.setState((s) => ({ jobs: { ...s.jobs, [key]: next } }));
  }

  /** Forgets followers of logs no longer watched, so memory follows the job list. */
  retain(paths: Set<string>): void {
    for (const p of this.followers.keys()) {
      if (!paths.has(p)) {
        this.followers.delete(p);
        this.analyses.delete(p);
        this.lastParse.delete(p);
      }
    }
  }

  get followerCount(): number {
    return this.followers.size;
  }

  private async readOne(path: string, force: boolean): Promise<LogInfo> {
    let f = this.followers.get(path);
    if (!f) {
      f = new LogFollower(this.transport, path, this.windowBytes);
      this.followers.set(path, f);
    }
    await f.poll();
    const snap = f.snapshot;
    let parsed = this.analyses.get(path) ?? null;
    if (snap.window.length > 0 && parsed?.window !== snap.window) {
      const t = this.now();
      if (force || !parsed || t - (this.lastParse.get(path) ?? 0) >= this.minParseIntervalMs) {
        const d = analyzeLogDetailed(snap.window);
        const from = Math.max(0, d.lines.length - TAIL_LINES);
        parsed = {
          window: snap.window,
          analysis: d.analysis,
          lines: d.lines.slice(from),
          failureLine: d.failureIndex !== null && d.failureIndex >= from ? d.failureIndex - from : null,
        };
        this.analyses.set(path, parsed);
        this.lastParse.set(path, t);
      }
    }
    return {
      path,
      status: snap.status,
      size: snap.size,
      mtimeMs: snap.mtimeMs,
      error: snap.error,
      analysis: parsed?.analysis ?? null,
      lines: parsed?.lines ?? [],
      failureLine: parsed?.failureLine ?? null,
    };
  }
}

/** Recomputes merged analysis, failure, throughput history and the time-limit check. */
export function derive(e: JobEntry): JobEntry {
  const merged = mergeLogAnalyses(
    e.stdout ? { analysis: e.stdout.analysis, mtimeMs: e.stdout.mtimeMs } : null,
    e.stderr ? { analysis: e.stderr.analysis, mtimeMs: e.stderr.mtimeMs } : null,
  );
  const analysis = merged ? { ...merged, failure: jobFailure(e.job, merged.failure) } : null;
  const logMtime = Math.max(e.stdout?.mtimeMs ?? 0, e.stderr?.mtimeMs ?? 0) || null;
  let history = e.history;
  const p = analysis?.progress;
  if (p && logMtime !== null && isRunning(e.job.state)) {
    const spu = secondsPerUnit(p);
    history = appendHistory(history, { t: logMtime, current: p.current, perSecond: spu ? 1 / spu : null });
  }
  const start = e.job.start_time ? Date.parse(e.job.start_time) : null;
  const running = e.job.state === 'RUNNING';
  const check = running
    ? checkTimeLimit({
        progress: p,
        logMtimeMs: logMtime,
        startTimeMs: start !== null && Number.isFinite(start) ? start : null,
        timeLimitS: e.job.time_limit_s,
      })
    : null;
  const ended = !running && !isQueued(e.job.state);
  return {
    ...e,
    analysis,
    history,
    exitNote: describeExit(e.job, { logMissing: ended && e.stdout ? e.stdout.status === 'waiting' : null }),
    willTimeout: running ? (check?.willTimeout ?? null) : e.job.state === 'TIMEOUT' ? true : isQueued(e.job.state) ? null : false,
    overrunS: check?.overrunS ?? null,
    finishAt: check?.finishAt ?? null,
  };
}
