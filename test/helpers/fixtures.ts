/** JobEntry builders for every state the TUI shows, relative to a `now` the caller picks. */

import { isEnded, type JobState } from '../../parsers/job-state.js';
import { blankJob } from '../../parsers/slurm-fields.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import type { LogAnalysis, Progress } from '../../parsers/types.js';
import type { SummaryJob } from '../../src/headless/summary-json.js';
import {
  type ClusterStatus,
  createJobStore,
  type JobEntry,
  jobKey,
  type LogInfo,
  type Store,
} from '../../src/store.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A SlurmJob with every field present: a running job unless `over` says otherwise. */
export function slurmJob(over: Partial<SlurmJob> & { job_id: string }): SlurmJob {
  return {
    ...blankJob(over.job_id),
    name: `job-${over.job_id}`,
    user: 'alice',
    partition: 'gpu',
    state: 'RUNNING',
    nodes: 'gpu-a01',
    num_nodes: 1,
    elapsed_s: 3600,
    time_limit_s: 4 * 3600,
    work_dir: '/home/alice/run',
    ...over,
  };
}

/** A log the tailer has read. */
export function logInfo(path: string, lines: string[], over: Partial<LogInfo> = {}): LogInfo {
  return {
    path,
    status: 'ok',
    size: 1000,
    mtimeMs: null,
    error: null,
    analysis: null,
    lines,
    failureLine: null,
    ...over,
  };
}

/** A Progress with every field present. */
export function progress(over: Partial<Progress>): Progress {
  return {
    current: null,
    total: null,
    unit: 'it',
    rate: null,
    rate_unit: null,
    eta_s: null,
    elapsed_s: null,
    epoch: null,
    epoch_total: null,
    ...over,
  };
}

/** A LogAnalysis with every field present. */
export function analysis(over: Partial<LogAnalysis>): LogAnalysis {
  return { framework: 'tqdm', progress: null, metrics: {}, failure: null, ...over };
}

/** A JobEntry on cluster `local` (or `cluster`). */
export function entry(
  now: number,
  job: Partial<SlurmJob> & { job_id: string },
  over: Partial<JobEntry> = {},
): JobEntry {
  const cluster = over.cluster ?? 'local';
  const j = slurmJob(job);
  if (j.state === 'RUNNING' && j.start_time === null && j.elapsed_s !== null)
    j.start_time = iso(now - j.elapsed_s * 1000);
  return {
    key: jobKey(cluster, j.job_id),
    cluster,
    job: j,
    polledAt: now,
    source: 'squeue',
    stdout: null,
    stderr: null,
    analysis: null,
    history: [],
    willTimeout: j.state === 'RUNNING' ? false : null,
    overrunS: null,
    finishAt: null,
    exitNote: null,
    notFound: false,
    logsFinal: isEnded(j.state),
    ...over,
  };
}

export const ROOT_CAUSE = 'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB';
export const CJK_NAME = '训练模型🚀実験-데이터';
export const EVIL_LINE = 'step 5 \x1b]0;pwned\x07done \x1b[2Jcleared \x1b[31mred\x1b[0m';

/** One of each: the whole zoo the views are tested against. */
export function allJobs(now: number): JobEntry[] {
  const h = 3600;
  const history = Array.from({ length: 30 }, (_, i) => ({
    t: now - (30 - i) * 60_000,
    current: i * 15,
    perSecond: 2 + Math.sin(i / 3),
  }));
  const ended = (ago: number) => iso(now - ago * 1000);
  return [
    entry(
      now,
      { job_id: '2001', name: 'train-llama-7b', elapsed_s: h, time_limit_s: 4 * h },
      {
        stdout: logInfo('/home/alice/run/slurm-2001.out', [
          'loading data',
          'Epoch 3/10: 45%|####5     | 450/1000 [10:00<04:00, 2.50it/s]',
        ]),
        analysis: analysis({
          progress: progress({ current: 450, total: 1000, rate: 2.5, rate_unit: 'it/s', epoch: 3, epoch_total: 10 }),
          metrics: { loss: 0.2345, lr: 0.0001 },
        }),
        history,
        willTimeout: false,
        finishAt: now + 40 * 60_000,
      },
    ),
    entry(
      now,
      { job_id: '2002', name: 'finetune-big-model', elapsed_s: h, time_limit_s: 2 * h },
      {
        stdout: logInfo('/home/alice/run/slurm-2002.out', ['Epoch 1/1: 10%| 100/1000']),
        analysis: analysis({ progress: progress({ current: 100, total: 1000, rate: 4.0, rate_unit: 's/it' }) }),
        willTimeout: true,
        overrunS: 5 * h,
        finishAt: now + 6 * h * 1000,
      },
    ),
    entry(now, {
      job_id: '2003',
      name: 'eval-suite',
      state: 'PENDING',
      reason: 'Resources',
      elapsed_s: 0,
      nodes: null,
    }),
    entry(now, { job_id: '2004', name: 'preprocess', state: 'COMPLETED', end_time: ended(2 * h), exit_code: '0:0' }),
    entry(
      now,
      { job_id: '2005', name: 'train-crash', state: 'FAILED', end_time: ended(h), exit_code: '1:0' },
      {
        stdout: logInfo(
          '/home/alice/run/slurm-2005.out',
          [
            'Traceback (most recent call last):',
            '  File "train.py", line 10, in <module>',
            ROOT_CAUSE,
            'srun: error: gpu-a01: task 0: Exited',
          ],
          { failureLine: 2 },
        ),
        analysis: analysis({ failure: { category: 'oom_gpu', line: ROOT_CAUSE, exception: 'OutOfMemoryError' } }),
        willTimeout: false,
      },
    ),
    entry(
      now,
      { job_id: '2006', name: 'long-sweep', state: 'TIMEOUT', end_time: ended(3 * h), exit_code: '0:15' },
      { willTimeout: true },
    ),
    entry(now, {
      job_id: '2007',
      name: 'oops-wrong-config',
      state: 'CANCELLED',
      state_detail: 'by 1001',
      end_time: ended(4 * h),
    }),
    entry(
      now,
      { job_id: '2008', name: 'big-batch', state: 'OUT_OF_MEMORY', end_time: ended(5 * h), exit_code: '0:125' },
      {
        analysis: analysis({
          failure: { category: 'oom_host', line: 'slurmstepd: error: Detected 1 oom_kill event', exception: null },
        }),
        exitNote: 'killed by the kernel OOM killer (host memory)',
      },
    ),
    ...arrayJobs(now),
    entry(
      now,
      { job_id: '2009', name: 'stream-tokens' },
      {
        analysis: analysis({
          progress: progress({ current: 12345, total: null, unit: 'it', rate: 310, rate_unit: 'it/s' }),
        }),
      },
    ),
    entry(
      now,
      { job_id: '2010', name: CJK_NAME },
      { stdout: logInfo('/home/alice/run/slurm-2010.out', ['开始训练 🚀 epoch 1', EVIL_LINE, '完成']) },
    ),
  ];
}

/** Array 3000: two running tasks, one completed, a pending record for five more. */
export function arrayJobs(now: number): JobEntry[] {
  const t = (task: string, state: JobState, over: Partial<SlurmJob> = {}) =>
    entry(now, { job_id: `3000_${task}`, array_job_id: '3000', array_task_id: task, name: 'sweep-lr', state, ...over });
  return [
    t('1', 'RUNNING'),
    t('2', 'RUNNING'),
    t('3', 'COMPLETED', { end_time: iso(now - 600_000) }),
    t('[4-8%2]', 'PENDING', { reason: 'JobArrayTaskLimit', nodes: null }),
  ];
}

/** A healthy cluster status. */
export function okCluster(name: string, now: number): ClusterStatus {
  return {
    name,
    ok: true,
    error: null,
    lastPollAt: now - 3000,
    lastOkAt: now - 3000,
    lastPollMs: 120,
    nextPollAt: now + 7000,
    backoffMs: 0,
    stale: false,
    connected: true,
  };
}

/** A store holding `entries` and a healthy status for each of their clusters. */
export function storeWith(entries: JobEntry[], now: number): Store {
  const store = createJobStore();
  const clusters = Object.fromEntries([...new Set(entries.map((e) => e.cluster))].map((c) => [c, okCluster(c, now)]));
  if (Object.keys(clusters).length === 0) clusters.local = okCluster('local', now);
  store.setState({ jobs: Object.fromEntries(entries.map((e) => [e.key, e])), clusters, diagnoses: {} });
  return store;
}

/** A `--summary --json` job: a running one on `hpc`, with `over` on top. */
export function summaryJob(over: Partial<SummaryJob>): SummaryJob {
  return {
    cluster: 'hpc',
    job_id: '1',
    array_job_id: null,
    array_task_id: null,
    name: 'train',
    user: 'u',
    state: 'RUNNING',
    reason: null,
    partition: 'gpu',
    nodes: 'n1',
    submit_time: null,
    start_time: null,
    end_time: null,
    elapsed_s: 60,
    time_limit_s: 3600,
    time_left_s: 3540,
    exit_code: null,
    stdout: null,
    stderr: null,
    log_status: null,
    progress: null,
    metrics: {},
    failure: null,
    will_timeout: null,
    eta_s: null,
    finish_time: null,
    exit_note: null,
    not_found: false,
    run_percent: null,
    efficiency: null,
    pending: null,
    usage: null,
    ...over,
  };
}
