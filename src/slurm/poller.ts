/**
 * The one poller per cluster. Each tick makes ONE squeue call for every watched job, one batched
 * sacct call only for jobs that just ended or left the queue, and at most a few scontrol calls, once per
 * job, where a log path cannot be had otherwise (log-paths.ts). Controllers are shared by
 * thousands of users: the interval stretches on a slow controller, when nothing changes, and
 * exponentially after errors.
 *
 * A tick works on a copy of this cluster's jobs and writes the store twice: once with what SLURM
 * said (queue, accounting, log paths), once with what the logs say. Views and the event layer
 * see one consistent change per step, never one job at a time.
 */
import { isEnded, isQueued, isRunning } from '../../parsers/job-state.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import { derive } from '../model/derive.js';
import { type ClusterStatus, type JobEntry, jobKey, type Store } from '../store.js';
import type { LogService } from '../tail/log-service.js';
import { SlurmError, type SlurmRunner } from './client.js';
import { LogPathResolver } from './log-paths.js';
import { mergeRecord, placeholderEntry } from './merge.js';
import type { PathCache } from './path-cache.js';
import { Accounting, querySqueue } from './queries.js';

export interface PollerConfig {
  cluster: string;
  runner: SlurmRunner;
  store: Store;
  logs: LogService;
  pathCache: PathCache;
  /** Exactly these jobs; null = the user's (or everyone's) queue plus recent history. */
  jobIds: string[] | null;
  allUsers: boolean;
  /**
   * Whose history sacct lists (a uid or name) when not all users'. Without it sacct lists the
   * caller's own, except to root and SlurmUser: everyone's, which is slow and not what was asked.
   */
  historyUser?: string;
  /** How far back finished jobs are listed when no ids are given (seconds). */
  sinceS: number;
  intervalS: number;
  now?: () => number;
  /** Remote transports say whether their connection is up, for the "disconnected" badge. */
  connected?: () => boolean;
  /**
   * The cluster's UTC offset in minutes, asked once (remote clusters only): SLURM prints
   * local wall-clock times, and a laptop in another zone must not misread them.
   */
  remoteOffset?: () => Promise<number | null>;
  /**
   * Logs of jobs that had already ended when first seen, read per tick (default: all at once, for a
   * one-shot --summary). The TUI reads a few a tick, the rows in view first (want()).
   */
  historyLogsPerTick?: number;
  /**
   * The first log reads wait for this (the TUI's first frame): reading and parsing tails is CPU
   * the first frame would otherwise wait for; progress fills its cells in a moment later.
   */
  logsAfter?: Promise<unknown>;
}

const MAX_BACKOFF_MS = 5 * 60_000;
const LOG_READS_AT_ONCE = 4;
const REASK_TRIES = 5;
const MAX_DELAY_MS = 3 * 3600_000;

type Work = Map<string, JobEntry>;

export class Poller {
  private inQueue = new Set<string>();
  private readonly accounting: Accounting;
  private readonly paths: LogPathResolver;
  private offsetMinutes: number | undefined;
  private finalized = new Set<string>();
  // Seen queued or running: when these end, their logs are read at once (events wait for them).
  private live = new Set<string>();
  private wanted: string[] = [];
  private endAsked = new Set<string>();
  /** Jobs whose accounting was slurmdbd's stand-in row: asked again next tick, a few times. */
  private reask = new Map<string, number>();
  private firstTick = true;
  private failures = 0;
  private unchangedTicks = 0;
  private lastSignature = '';
  private lastDurationMs = 0;
  /** How long the controller took to answer squeue: what a slow controller stretches the interval by. */
  private queryMs = 0;
  /** Array id → a task with known log patterns, for the tick's work map (patternSibling). */
  private siblings: { work: Work; byArray: Map<string, SlurmJob> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly cfg: PollerConfig) {
    this.now = cfg.now ?? Date.now;
    this.accounting = new Accounting(cfg.runner);
    this.paths = new LogPathResolver(cfg.runner, cfg.pathCache);
    this.setCluster({ ok: true, error: null, connected: true });
  }

  /** One poll. Overlapping calls are dropped, like k9s does, so slow polls never pile up. */
  async tick(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const started = this.now();
    try {
      await this.poll();
      // Coming back from an outage is news: poll at the normal pace again.
      if (this.failures > 0) this.unchangedTicks = 0;
      this.failures = 0;
      this.lastDurationMs = this.now() - started;
      const t = this.now();
      this.setCluster({
        ok: true,
        error: null,
        lastPollAt: t,
        lastOkAt: t,
        lastPollMs: this.lastDurationMs,
        backoffMs: 0,
        stale: false,
        connected: true,
      });
    } catch (err) {
      this.failures++;
      const msg = err instanceof Error ? err.message : String(err);
      this.setCluster({
        ok: false,
        error: msg,
        lastPollAt: this.now(),
        backoffMs: this.backoffMs(),
        stale: true,
        connected: this.cfg.connected?.() ?? true,
      });
      if (!(err instanceof SlurmError) || err.kind === 'not-installed') throw err;
    } finally {
      this.inFlight = false;
    }
  }

  /** Next delay: interval, stretched for slow controllers, idle queues and errors. */
  nextDelayMs(): number {
    if (this.failures > 0) return this.backoffMs();
    // The controller's own answer time, not the whole tick's (log reads, sacct for ended jobs):
    // a busy laptop or a large log is no reason to ask the controller less often.
    const base = Math.max(this.cfg.intervalS * 1000, 5 * this.queryMs);
    const idle = Math.min(3, 1.5 ** Math.min(this.unchangedTicks, 3));
    // setTimeout turns delays above 2^31-1 ms into 1 ms; never let a huge --interval spin.
    return Math.min(Math.round(base * idle), MAX_DELAY_MS);
  }

  /** Polls until stop(); errors are shown in the store and retried with backoff. */
  start(onTick?: () => void): void {
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.tick();
      } catch {
        // not-installed and unexpected errors are in the cluster status already
      }
      onTick?.();
      if (this.stopped) return;
      const delay = this.nextDelayMs();
      this.setCluster({ nextPollAt: this.now() + delay });
      this.timer = setTimeout(loop, delay);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Forces the next poll now (a key press, a job that just ended). */
  pokeSoon(): void {
    if (this.stopped || this.inFlight) return;
    if (this.timer) clearTimeout(this.timer);
    this.unchangedTicks = 0;
    this.start();
  }

  /** The jobs a view shows, most important first: their logs are read before other finished ones. */
  want(keys: readonly string[]): void {
    this.wanted = [...keys];
  }

  /** Keys of this cluster's jobs whose logs may still grow (for the faster log timer). */
  runningKeys(): string[] {
    return Object.values(this.cfg.store.getState().jobs)
      .filter((e) => e.cluster === this.cfg.cluster && e.stdout && isRunning(e.job.state))
      .map((e) => e.key);
  }

  /** The cluster's UTC offset in minutes once known (remote clusters), for on-demand queries. */
  utcOffset(): number | undefined {
    return this.offsetMinutes;
  }

  private backoffMs(): number {
    return Math.min(MAX_BACKOFF_MS, this.cfg.intervalS * 1000 * 2 ** Math.min(this.failures, 8));
  }

  private async clusterOffset(): Promise<number | undefined> {
    if (this.offsetMinutes === undefined && this.cfg.remoteOffset) {
      this.offsetMinutes = (await this.cfg.remoteOffset().catch(() => null)) ?? undefined;
    }
    return this.offsetMinutes;
  }

  private async poll(): Promise<void> {
    const { jobIds } = this.cfg;
    const offsetMinutes = await this.clusterOffset();
    const work: Work = new Map(
      Object.values(this.cfg.store.getState().jobs)
        .filter((e) => e.cluster === this.cfg.cluster)
        .map((e) => [e.key, e]),
    );
    const first = this.firstTick;
    // The first tick's accounting query (recent history, or the ids asked for) does not depend on
    // squeue's answer: run both at once, since a first frame and `--summary` wait for them.
    const history = first
      ? this.accounting.query(jobIds ? { jobIds } : this.historyQuery(), offsetMinutes).then(
          (rows) => ({ rows }),
          (error: unknown) => ({ error }),
        )
      : null;
    const asked = this.now();
    const queued = await querySqueue(this.cfg.runner, { jobIds, allUsers: this.cfg.allUsers, offsetMinutes });
    this.queryMs = this.now() - asked;
    const seen = new Set<string>();
    for (const job of queued) {
      seen.add(job.job_id);
      this.upsert(work, job, 'squeue');
    }
    // Show the queue as soon as squeue answered; accounting and logs fill in. Not the jobs squeue
    // still lists as ended: it leaves their log paths out, and an end without a log to wait for
    // would be told (events) before accounting's paths and the log's root cause arrive.
    if (first) this.commit(new Map([...work].filter(([, e]) => !isEnded(e.job.state))));
    const left = [...this.inQueue].filter((id) => !seen.has(id));
    const ask = new Set<string>();
    for (const id of left) {
      // A pending array record (`83_[2-9%2]`) is replaced by its tasks; accounting knows them by the array id.
      const bracket = id.indexOf('_[');
      if (bracket > 0) {
        work.delete(jobKey(this.cfg.cluster, id));
        const arrayId = id.slice(0, bracket);
        if (![...seen].some((s) => s.startsWith(`${arrayId}_`))) ask.add(arrayId);
      } else ask.add(id);
    }
    if (jobIds) for (const id of jobIds) if (!this.known(work, id)) ask.add(id);
    // A job squeue still lists as ended (for MinJobAge) has left the queue too: accounting says who
    // cancelled it, its derived exit code and what it used. Asked once, with the others.
    for (const job of queued) {
      if (!isEnded(job.state) || this.endAsked.has(job.job_id)) continue;
      this.endAsked.add(job.job_id);
      ask.add(job.job_id);
    }
    for (const id of this.reask.keys()) ask.add(id);
    if (history) {
      // The first query covered the history, the ids and every job ended in the queue.
      const h = await history;
      if ('error' in h) throw h.error;
      if (h.rows) this.mergeAccounting(work, h.rows, seen);
    } else if (ask.size > 0) {
      const rows = await this.accounting.query({ jobIds: [...ask] }, offsetMinutes);
      if (rows) this.mergeAccounting(work, rows, seen);
    }
    if (jobIds) this.markNotFound(work, jobIds);
    const signature = queued.map((j) => `${j.job_id}:${j.state}:${j.reason}`).join(',');
    this.unchangedTicks = signature === this.lastSignature && left.length === 0 ? this.unchangedTicks + 1 : 0;
    this.lastSignature = signature;
    this.inQueue = seen;
    this.firstTick = false;
    for (const e of await this.paths.resolve([...work.values()], seen, offsetMinutes)) work.set(e.key, e);
    this.pruneOld(work);
    this.commit(work);
    if (first && this.cfg.logsAfter) await this.cfg.logsAfter;
    await this.readLogs(work);
    this.cfg.pathCache.save();
  }

  private historyQuery(): { allUsers: boolean; since: string; user?: string } {
    const since = `now-${Math.round(this.cfg.sinceS)}seconds`;
    return { allUsers: this.cfg.allUsers, since, user: this.cfg.allUsers ? undefined : this.cfg.historyUser };
  }

  private mergeAccounting(work: Work, rows: SlurmJob[], queued: Set<string>): void {
    const queuedArrays = new Set([...queued].map((id) => id.split('_')[0]));
    for (const job of rows) {
      const tries = this.reask.get(job.job_id) ?? 0;
      if (job.accountingIncomplete && tries < REASK_TRIES) this.reask.set(job.job_id, tries + 1);
      else this.reask.delete(job.job_id);
      // squeue is the truth for unfinished jobs (sacct lists pending array tasks one by one where
      // squeue shows one `83_[4-9%2]` record); for ended ones accounting knows more (`by <uid>`).
      const inQueue = queued.has(job.job_id) || (job.array_job_id !== null && queuedArrays.has(job.array_job_id));
      if (inQueue && !isEnded(job.state)) continue;
      this.upsert(work, job, 'sacct');
    }
  }

  private upsert(work: Work, job: SlurmJob, source: JobEntry['source']): void {
    const key = jobKey(this.cfg.cluster, job.job_id);
    const sibling = job.stdout_pattern === null ? this.patternSibling(work, job.array_job_id) : undefined;
    const entry = mergeRecord(
      work.get(key),
      job,
      source,
      this.cfg.pathCache.get(key),
      this.cfg.cluster,
      this.now(),
      sibling,
    );
    if (source === 'squeue')
      this.cfg.pathCache.put(key, { stdout: null, stderr: null, name: entry.job.name, workDir: entry.job.work_dir });
    work.set(key, entry);
    const arrayId = entry.job.array_job_id;
    if (this.siblings?.work === work && arrayId !== null && entry.job.stdout_pattern !== null)
      if (!this.siblings.byArray.has(arrayId)) this.siblings.byArray.set(arrayId, entry.job);
  }

  /**
   * A task of the same array whose log patterns are known. A task that started and ended between
   * two polls is seen only by sacct, which (before 23.02) has no StdOut: without this it would get
   * sbatch's default name although the array was submitted with --output, like all its tasks.
   */
  private patternSibling(work: Work, arrayId: string | null): SlurmJob | undefined {
    if (arrayId === null) return undefined;
    // Built once per tick: a first tick can bring thousands of tasks from accounting.
    if (this.siblings?.work !== work) {
      const byArray = new Map<string, SlurmJob>();
      for (const e of work.values()) {
        const id = e.job.array_job_id;
        if (id !== null && e.job.stdout_pattern !== null && !byArray.has(id)) byArray.set(id, e.job);
      }
      this.siblings = { work, byArray };
    }
    return this.siblings.byArray.get(arrayId);
  }

  /** `123` asks for a whole array (or het job): any of its tasks counts. */
  private known(work: Work, id: string): boolean {
    if (work.has(jobKey(this.cfg.cluster, id))) return true;
    for (const e of work.values()) if (e.job.array_job_id === id || e.job.het_job_id === id) return true;
    return false;
  }

  private markNotFound(work: Work, ids: string[]): void {
    for (const id of ids) {
      if (this.known(work, id)) continue;
      work.set(jobKey(this.cfg.cluster, id), { ...placeholderEntry(this.cfg.cluster, id, this.now()), notFound: true });
    }
  }

  /** Forgets jobs that ended before the --since window, so a TUI left open for weeks stays small. */
  private pruneOld(work: Work): void {
    if (this.cfg.jobIds) return;
    const cutoff = this.now() - this.cfg.sinceS * 1000;
    for (const e of [...work.values()]) {
      if (!isEnded(e.job.state) || !e.job.end_time) continue;
      const end = Date.parse(e.job.end_time);
      if (!Number.isFinite(end) || end >= cutoff) continue;
      work.delete(e.key);
      this.finalized.delete(e.key);
      this.live.delete(e.key);
      this.endAsked.delete(e.job.job_id);
      this.paths.forget(e.key);
    }
  }

  /**
   * Writes this cluster's jobs in one store update. Logs read meanwhile by the TUI's timer are
   * newer than the copy this tick started from: an entry keeps its stored logs unless its paths
   * changed.
   */
  private commit(work: Work): void {
    const cluster = this.cfg.cluster;
    this.cfg.store.setState((s) => {
      const jobs: Record<string, JobEntry> = {};
      for (const [k, e] of Object.entries(s.jobs)) if (e.cluster !== cluster) jobs[k] = e;
      for (const [k, e] of work) {
        const cur = s.jobs[k];
        const samePaths = cur && cur.stdout?.path === e.stdout?.path && cur.stderr?.path === e.stderr?.path;
        jobs[k] = derive(samePaths ? { ...e, stdout: cur.stdout, stderr: cur.stderr, history: cur.history } : e);
      }
      return { jobs };
    });
  }

  /**
   * Running jobs' logs are read every tick; finished ones once more after they end, at once when
   * they ended while watched, else (history) a bounded few a tick. One store update.
   */
  private async readLogs(work: Work): Promise<void> {
    const keep = new Set<string>();
    const read = new Map<string, Awaited<ReturnType<LogService['read']>> & { final: boolean }>();
    const prompt: JobEntry[] = [];
    const history: JobEntry[] = [];
    for (const e of work.values()) {
      const ended = isEnded(e.job.state);
      if (!ended) this.live.add(e.key);
      if (!e.stdout || isQueued(e.job.state) || (ended && this.finalized.has(e.key))) continue;
      (ended && !this.live.has(e.key) ? history : prompt).push(e);
      if (!ended) {
        keep.add(e.stdout.path);
        if (e.stderr) keep.add(e.stderr.path);
      }
    }
    const todo = [...prompt, ...this.historyToRead(history)];
    // A few at a time: each read waits on a stat and a read (a network filesystem, an SFTP channel).
    await forEachLimit(todo, LOG_READS_AT_ONCE, async (e) => {
      const ended = isEnded(e.job.state);
      const current = this.cfg.store.getState().jobs[e.key] ?? e;
      read.set(e.key, { ...(await this.cfg.logs.read(current, ended)), final: ended });
      if (ended) this.finalized.add(e.key);
    });
    this.cfg.logs.retain(keep);
    if (read.size === 0) return;
    this.cfg.store.setState((s) => {
      const jobs = { ...s.jobs };
      for (const [k, { stdout, stderr, final }] of read) {
        const cur = jobs[k];
        if (cur && cur.stdout?.path === stdout?.path)
          jobs[k] = derive({ ...cur, stdout, stderr, logsFinal: cur.logsFinal || final });
      }
      return { jobs };
    });
  }

  /** Which finished jobs' logs to read this tick: the ones in view first, then the newest ended. */
  private historyToRead(history: JobEntry[]): JobEntry[] {
    const limit = this.cfg.historyLogsPerTick ?? Number.POSITIVE_INFINITY;
    if (history.length <= limit) return history;
    const rank = new Map(this.wanted.map((k, i) => [k, i]));
    const order = (e: JobEntry) => rank.get(e.key) ?? rank.size;
    const ended = (e: JobEntry) => (e.job.end_time ? Date.parse(e.job.end_time) || 0 : 0);
    return history.sort((a, b) => order(a) - order(b) || ended(b) - ended(a)).slice(0, limit);
  }

  private setCluster(patch: Partial<ClusterStatus>): void {
    const name = this.cfg.cluster;
    this.cfg.store.setState((s) => {
      const old: ClusterStatus = s.clusters[name] ?? {
        name,
        ok: true,
        error: null,
        lastPollAt: null,
        lastOkAt: null,
        lastPollMs: null,
        nextPollAt: null,
        backoffMs: 0,
        stale: false,
        connected: true,
      };
      return { clusters: { ...s.clusters, [name]: { ...old, ...patch } } };
    });
  }
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
