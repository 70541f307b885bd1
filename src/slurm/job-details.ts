/**
 * On-demand detail for a job someone is looking at: live CPU/memory (`sstat`) while it runs, the
 * scheduler's expected start (`squeue --start`) while it waits. Never per poll tick and never for
 * the whole table: each call is made for one job, at most once per interval, while it is watched.
 */
import { isQueued, isRunning } from '../../parsers/job-state.js';
import { parseSqueueStart, squeueStartArgs } from '../../parsers/squeue-start.js';
import { parseSstat, sstatArgs } from '../../parsers/sstat.js';
import type { JobEntry, LiveInfo, Store } from '../store.js';
import type { SlurmRunner } from './client.js';

/**
 * One sstat cost 4–5 controller RPCs on 22.05 (measured with sdiag; a squeue costs 3), plus a call
 * to the job's nodes, and Slurm samples usage every 30 s by default (JobAcctGatherFrequency):
 * asking more often would mostly read the same sample again.
 */
export const SSTAT_EVERY_MS = 30_000;
/** The expected start moves slowly; sites ask users not to poll it. */
export const START_EVERY_MS = 60_000;
const WATCH_TICK_MS = 2_000;
const TIMEOUT_MS = 15_000;

type Kind = 'sstat' | 'start';

const EMPTY: LiveInfo = { usage: null, usageAt: null, estStart: null, estStartAt: null, error: null };

export class JobDetails {
  private readonly last = new Map<string, Record<Kind, number>>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly runner: SlurmRunner,
    private readonly store: Store,
    private readonly offsetMinutes: () => number | undefined = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks for what the job's state calls for, unless it was asked for within its interval. */
  async refresh(key: string): Promise<void> {
    const e = this.store.getState().jobs[key];
    const kind: Kind | null = !e ? null : isRunning(e.job.state) ? 'sstat' : isQueued(e.job.state) ? 'start' : null;
    if (!e || kind === null || this.busy.has(key)) return;
    const t = this.now();
    const last = this.last.get(key) ?? { sstat: Number.NEGATIVE_INFINITY, start: Number.NEGATIVE_INFINITY };
    if (t - last[kind] < (kind === 'sstat' ? SSTAT_EVERY_MS : START_EVERY_MS)) return;
    this.last.set(key, { ...last, [kind]: t });
    this.busy.add(key);
    try {
      this.write(key, kind === 'sstat' ? await this.usage(e) : await this.start(e));
    } catch (err) {
      this.write(key, { error: `${kind === 'sstat' ? 'sstat' : 'squeue --start'}: ${(err as Error).message}` });
    } finally {
      this.busy.delete(key);
    }
  }

  /** Keeps `key` fresh until the returned function is called (the job view closes). */
  watch(key: string): () => void {
    void this.refresh(key);
    const timer = setInterval(() => void this.refresh(key), WATCH_TICK_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  private async usage(e: JobEntry): Promise<Partial<LiveInfo>> {
    const argv = sstatArgs(e.job.raw_job_id ?? e.job.job_id);
    if (!argv) return {};
    const r = await this.runner.run(argv, TIMEOUT_MS);
    return { usage: parseSstat(r.stdout), usageAt: this.now(), error: null };
  }

  private async start(e: JobEntry): Promise<Partial<LiveInfo>> {
    // A pending array record (`83_[2-9%2]`) is asked for by its array id.
    const argv = squeueStartArgs(e.job.array_task_id?.startsWith('[') ? (e.job.array_job_id ?? '') : e.job.job_id);
    if (!argv) return {};
    const r = await this.runner.run(argv, TIMEOUT_MS);
    return { estStart: parseSqueueStart(r.stdout, this.offsetMinutes()), estStartAt: this.now(), error: null };
  }

  private write(key: string, patch: Partial<LiveInfo>): void {
    this.store.setState((s) => ({ live: { ...s.live, [key]: { ...(s.live[key] ?? EMPTY), ...patch } } }));
  }
}
