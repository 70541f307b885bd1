/**
 * Keeps one follower per log path, reads new bytes on demand or on a timer and parses the
 * bounded window. Parsing is throttled per log, so a log growing at MB/s costs at most a few
 * parses a second. `read` only returns; `refresh` (the TUI's timer) also stores one job.
 */
import { analyzeLogDetailed } from '../../parsers/log.js';
import type { LogAnalysis } from '../../parsers/types.js';
import { derive } from '../model/derive.js';
import type { JobEntry, LogInfo, Store } from '../store.js';
import type { Transport } from '../transport/types.js';
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
  private reading = new Map<string, Promise<LogInfo>>();

  constructor(
    private readonly store: Store,
    private readonly transport: Transport,
    private readonly windowBytes: number,
    private readonly minParseIntervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads and parses a job's logs (only what is new); writes nothing. */
  async read(entry: JobEntry, force = false): Promise<{ stdout: LogInfo | null; stderr: LogInfo | null }> {
    const out = entry.stdout ? await this.readOne(entry.stdout.path, force) : null;
    const err =
      entry.stderr && entry.stderr.path !== entry.stdout?.path ? await this.readOne(entry.stderr.path, force) : null;
    return { stdout: out ?? entry.stdout, stderr: err ?? entry.stderr };
  }

  /** Reads one job's logs now and stores them with the fields that follow from them. */
  async refresh(key: string, force = false): Promise<void> {
    const entry = this.store.getState().jobs[key];
    if (!entry) return;
    const logs = await this.read(entry, force);
    this.store.setState((s) => {
      // The SLURM fields may have moved on while the logs were read: keep the newest, add the logs.
      const current = s.jobs[key];
      if (!current || current.stdout?.path !== entry.stdout?.path) return s;
      return { jobs: { ...s.jobs, [key]: derive({ ...current, ...logs }) } };
    });
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

  /** One read per path at a time: array tasks may share a log, and a follower keeps one offset. */
  private readOne(path: string, force: boolean): Promise<LogInfo> {
    const busy = this.reading.get(path);
    if (busy) return busy;
    const p = this.readNow(path, force).finally(() => this.reading.delete(path));
    this.reading.set(path, p);
    return p;
  }

  private async readNow(path: string, force: boolean): Promise<LogInfo> {
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
