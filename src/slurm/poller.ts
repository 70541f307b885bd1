/**
 * The one poller per cluster. Each tick makes ONE squeue call for every watched
 * job, one batched sacct call only for jobs that just left the queue, and at most
 * a few scontrol calls, once per job, where a log path cannot be had otherwise.
 * Controllers are shared by thousands of users: the interval stretches on a slow
 * controller, when nothing changes, and exponentially after errors.
 */
import { resolveLogPaths } from '../../parsers/log-path.js';
import { mergeSacctRows, parseSacct, SACCT_FIELDS, sacctArgs, sacctRejectedField } from '../../parsers/sacct.js';
import { parseScontrolShowJob, scontrolShowJobArgs } from '../../parsers/scontrol.js';
import { blankJob } from '../../parsers/slurm-fields.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import { isEnded, isQueued, isRunning } from '../../parsers/job-state.js';
import { parseSqueue, squeueArgs } from '../../parsers/squeue.js';
import { type ClusterStatus, type JobEntry, type LogInfo, type Store, jobKey } from '../store.js';
import { derive, type LogService } from '../tail/log-service.js';
import { SlurmError, type SlurmRunner } from './client.js';
import type { PathCache } from './path-cache.js';

export interface PollerConfig {
  cluster: string;
  runner: SlurmRunner;
  store: Store;
  logs: LogService;
  pathCache: PathCache;
  /** Exactly these jobs; null = the user's (or everyone's) queue plus recent history. */
  jobIds: string[] | null;
  allUsers: boolean;
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
}

const MAX_SCONTROL_PER_TICK = 3;
const MAX_BACKOFF_MS = 5 * 60_000;
const MAX_DELAY_MS = 3 * 3600_000;

export class Poller {
  private inQueue = new Set<string>();
  private sacctFields: readonly string[] = SACCT_FIELDS;
  private offsetMinutes: number | undefined;
  private scontrolAsked = new Set<string>();
  private finalized = new Set<string>();
  private firstTick = true;
  private failures = 0;
  private unchangedTicks = 0;
  private lastSignature = '';
  private lastDurationMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly cfg: PollerConfig) {
    this.now = cfg.now ?? Date.now;
    this.setCluster({ ok: true, error: null, connected: true });
  }

  /** One poll. Overlapping calls are dropped, like k9s does, so slow polls never pile up. */
  async tick(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const started = this.now();
    try {
      await this.pollQueue();
      // Coming back from an outage is news: poll at the normal pace again.
      if (this.failures > 0) this.unchangedTicks = 0;
      this.failures = 0;
      this.lastDurationMs = this.now() - started;
      const t = this.now();
      this.setCluster({ ok: true, error: null, lastPollAt: t, lastOkAt: t, lastPollMs: this.lastDurationMs, backoffMs: 0, stale: false, connected: true });
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
      if (err instanceof SlurmError && err.kind === 'not-installed') throw err;
      if (!(err instanceof SlurmError)) throw err;
    } finally {
      this.inFlight = false;
    }
  }

  /** Next delay: interval, stretched for slow controllers, idle queues and errors. */
  nextDelayMs(): number {
    if (this.failures > 0) return this.backoffMs();
    const base = Math.max(this.cfg.intervalS * 1000, 5 * this.lastDurationMs);
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

  private backoffMs(): number {
    return Math.min(MAX_BACKOFF_MS, this.cfg.intervalS * 1000 * 2 ** Math.min(this.failures, 8));
  }

  private async clusterOffset(): Promise<number | undefined> {
    if (this.offsetMinutes === undefined && this.cfg.remoteOffset) {
      this.offsetMinutes = (await this.cfg.remoteOffset().catch(() => null)) ?? undefined;
    }
    return this.offsetMinutes;
  }

  private async pollQueue(): Promise<void> {
    const { runner, jobIds, allUsers } = this.cfg;
    const offsetMinutes = await this.clusterOffset();
    let queued: SlurmJob[] = [];
    try {
      // Explicit ids are explicit: someone else's job (or root looking at a user's) must show too.
      const user = allUsers || jobIds ? null : 'me';
      const r = await runner.run(squeueArgs({ user, jobIds: jobIds ?? undefined, allStates: true }));
      queued = parseSqueue(r.stdout, { offsetMinutes });
    } catch (err) {
      // `squeue -j` with only unknown ids exits 1; that is "nothing queued", not an outage.
      if (!(err instanceof SlurmError && err.kind === 'invalid-job')) throw err;
    }
    const seen = new Set<string>();
    for (const job of queued) {
      seen.add(job.job_id);
      this.upsert(job, 'squeue');
    }
    const left = [...this.inQueue].filter((id) => !seen.has(id));
    const ask = new Set<string>();
    for (const id of left) {
      // A pending array record (`83_[2-9%2]`) is replaced by its tasks; accounting knows them by the array id.
      const bracket = id.indexOf('_[');
      if (bracket > 0) {
        this.drop(jobKey(this.cfg.cluster, id));
        const arrayId = id.slice(0, bracket);
        if (![...seen].some((s) => s.startsWith(`${arrayId}_`))) ask.add(arrayId);
      } else ask.add(id);
    }
    if (jobIds) {
      for (const id of jobIds) if (!this.known(id)) ask.add(id);
    }
    if (ask.size > 0 || (this.firstTick && !jobIds)) await this.pollAccounting([...ask], seen);
    if (jobIds) this.markNotFound(jobIds);
    const signature = queued.map((j) => `${j.job_id}:${j.state}:${j.reason}`).join(',');
    this.unchangedTicks = signature === this.lastSignature && left.length === 0 ? this.unchangedTicks + 1 : 0;
    this.lastSignature = signature;
    this.inQueue = seen;
    this.firstTick = false;
    await this.resolvePaths();
    await this.refreshLogs();
    this.pruneOld();
    this.cfg.pathCache.save();
  }

  /** Forgets jobs that ended before the --since window, so a TUI left open for weeks stays small. */
  private pruneOld(): void {
    if (this.cfg.jobIds) return;
    const cutoff = this.now() - this.cfg.sinceS * 1000;
    const old = Object.values(this.cfg.store.getState().jobs).filter((e) => {
      if (e.cluster !== this.cfg.cluster || !isEnded(e.job.state) || !e.job.end_time) return false;
      const end = Date.parse(e.job.end_time);
      return Number.isFinite(end) && end < cutoff;
    });
    if (old.length === 0) return;
    this.cfg.store.setState((s) => {
      const jobs = { ...s.jobs };
      for (const e of old) delete jobs[e.key];
      return { jobs };
    });
    for (const e of old) this.finalized.delete(e.key);
  }

  private async pollAccounting(ids: string[], queued: Set<string>): Promise<void> {
    const { runner, allUsers } = this.cfg;
    const query = ids.length ? { jobIds: ids } : { allUsers, since: `now-${Math.round(this.cfg.sinceS)}seconds` };
    let rows: SlurmJob[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fields = this.sacctFields;
        const text = (await runner.run(sacctArgs({ ...query, fields }))).stdout;
        rows = mergeSacctRows(parseSacct(text, { fields }), this.offsetMinutes);
        break;
      } catch (err) {
        // An older sacct may reject a field (WorkDir, Reason): drop it and ask again.
        const bad = err instanceof SlurmError ? sacctRejectedField(err.message) : null;
        if (bad && this.sacctFields.includes(bad)) {
          this.sacctFields = this.sacctFields.filter((f) => f !== bad);
          continue;
        }
        // Accounting may be disabled or slurmdbd down; the queue view still works.
        if (err instanceof SlurmError && (err.kind === 'failed' || err.kind === 'invalid-job')) return;
        throw err;
      }
    }
    const queuedArrays = new Set([...queued].map((id) => id.split('_')[0]));
    for (const job of rows) {
      // squeue is the truth for unfinished jobs; sacct lists pending array tasks one by one
      // where squeue shows them as one `83_[4-9%2]` record.
      const inQueue = queued.has(job.job_id) || (job.array_job_id !== null && queuedArrays.has(job.array_job_id));
      if (inQueue && !isEnded(job.state)) continue;
      this.upsert(job, 'sacct');
    }
  }

  private known(id: string): boolean {
    const jobs = this.cfg.store.getState().jobs;
    if (jobs[jobKey(this.cfg.cluster, id)]) return true;
    // `123` asks for a whole array: any of its tasks counts.
    // `38` asks for a whole het job the same way.
    return Object.values(jobs).some(
      (e) => e.cluster === this.cfg.cluster && (e.job.array_job_id === id || e.job.het_job_id === id),
    );
  }

  private markNotFound(ids: string[]): void {
    for (const id of ids) {
      if (this.known(id)) continue;
      const key = jobKey(this.cfg.cluster, id);
      this.put(key, { ...placeholder(this.cfg.cluster, id, this.now()), notFound: true });
    }
  }

  private upsert(job: SlurmJob, source: JobEntry['source']): void {
    const key = jobKey(this.cfg.cluster, job.job_id);
    const old = this.cfg.store.getState().jobs[key];
    const cached = this.cfg.pathCache.get(key);
    // sacct may hand non-ASCII names back as '?': keep the name seen while queued.
    const name =
      source === 'sacct' && (old?.job.name || cached?.name) && /\?/.test(job.name) ? (old?.job.name ?? cached!.name!) : job.name;
    const merged: SlurmJob = {
      ...job,
      name,
      work_dir: job.work_dir ?? old?.job.work_dir ?? cached?.workDir ?? null,
      stdout_pattern: job.stdout_pattern ?? old?.job.stdout_pattern ?? null,
      stderr_pattern: job.stderr_pattern ?? old?.job.stderr_pattern ?? null,
      raw_job_id: job.raw_job_id ?? old?.job.raw_job_id ?? null,
      nodes: job.nodes ?? old?.job.nodes ?? null,
    };
    const base = old ?? placeholder(this.cfg.cluster, job.job_id, this.now());
    const entry: JobEntry = {
      ...base,
      job: merged,
      source,
      polledAt: this.now(),
      notFound: false,
    };
    if (source === 'squeue') this.cfg.pathCache.put(key, { stdout: null, stderr: null, name: merged.name, workDir: merged.work_dir });
    this.put(key, entry);
  }

  private drop(key: string): void {
    this.cfg.store.setState((s) => {
      const { [key]: _gone, ...rest } = s.jobs;
      return { jobs: rest };
    });
  }

  private put(key: string, entry: JobEntry): void {
    this.cfg.store.setState((s) => ({ jobs: { ...s.jobs, [key]: derive(entry) } }));
  }

  /** Fills log paths from squeue/sacct fields, the cache, or (once per job) scontrol. */
  private async resolvePaths(): Promise<void> {
    let asked = 0;
    for (const e of Object.values(this.cfg.store.getState().jobs)) {
      if (e.cluster !== this.cfg.cluster || e.notFound || e.stdout) continue;
      const key = e.key;
      const cached = this.cfg.pathCache.get(key);
      let paths = cached?.stdout ? { stdout: cached.stdout, stderr: cached.stderr } : resolveLogPaths(e.job);
      // A pending array record (`83_[2-9%2]`) has no log yet, and its key changes as tasks start:
      // asking scontrol (which prints every task) for it would repeat for each task.
      const pendingArray = e.job.array_task_id?.startsWith('[') ?? false;
      if (!paths.stdout && !pendingArray && this.inQueue.has(e.job.job_id) && !this.scontrolAsked.has(key) && asked < MAX_SCONTROL_PER_TICK) {
        this.scontrolAsked.add(key);
        asked++;
        try {
          const r = await this.cfg.runner.run(scontrolShowJobArgs(e.job.raw_job_id ?? e.job.job_id));
          const all = parseScontrolShowJob(r.stdout, this.offsetMinutes);
          const detail = all.find((j) => j.job_id === e.job.job_id) ?? all[0];
          if (detail) paths = { stdout: detail.stdout_pattern, stderr: detail.stderr_pattern };
        } catch {
          // the job may have just left the controller; sacct will have it
        }
      }
      if (!paths.stdout) continue;
      this.cfg.pathCache.put(key, { stdout: paths.stdout, stderr: paths.stderr, name: null, workDir: e.job.work_dir });
      const info = (p: string): LogInfo => ({
        path: p,
        status: 'unknown',
        size: 0,
        mtimeMs: null,
        error: null,
        analysis: null,
        lines: [],
        failureLine: null,
      });
      this.put(key, {
        ...e,
        stdout: info(paths.stdout),
        stderr: paths.stderr && paths.stderr !== paths.stdout ? info(paths.stderr) : null,
      });
    }
  }

  /** Running jobs are re-read every tick; finished ones once more after they end. */
  private async refreshLogs(): Promise<void> {
    const keep = new Set<string>();
    for (const e of Object.values(this.cfg.store.getState().jobs)) {
      if (e.cluster !== this.cfg.cluster || !e.stdout) continue;
      const ended = isEnded(e.job.state);
      if (isQueued(e.job.state)) continue;
      if (ended && this.finalized.has(e.key)) continue;
      await this.cfg.logs.refresh(e.key, ended);
      if (ended) this.finalized.add(e.key);
      else {
        keep.add(e.stdout.path);
        if (e.stderr) keep.add(e.stderr.path);
      }
    }
    this.cfg.logs.retain(keep);
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

  /** Keys of this cluster's jobs that are still running (for the faster log timer). */
  runningKeys(): string[] {
    return Object.values(this.cfg.store.getState().jobs)
      .filter((e) => e.cluster === this.cfg.cluster && e.stdout && isRunning(e.job.state))
      .map((e) => e.key);
  }
}

function placeholder(cluster: string, jobId: string, now: number): JobEntry {
  return {
    key: jobKey(cluster, jobId),
    cluster,
    job: blankJob(jobId),
    polledAt: now,
    source: 'squeue',
    stdout: null,
    stderr: null,
    analysis: null,
    history: [],
    willTimeout: null,
    overrunS: null,
    finishAt: null,
    exitNote: null,
    notFound: false,
  };
}
