/** Combines what the .out and .err logs say with what SLURM says about the job. */
import { outputUnopenable } from '../../parsers/exit-code.js';
import { isQueued, isRunning, type JobState } from '../../parsers/job-state.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import type { Failure, FailureCategory, LogAnalysis } from '../../parsers/types.js';

// Higher wins: a SLURM explanation of a kill beats its consequences in the log.
const STRENGTH: Record<FailureCategory, number> = {
  timeout: 90,
  oom_host: 85,
  preempted: 85,
  node_fail: 85,
  cancelled: 80,
  oom_gpu: 70,
  nccl: 65,
  cuda_error: 65,
  import_error: 60,
  disk: 60,
  file_not_found: 60,
  python_exception: 50,
  nan_loss: 40,
  signal: 30,
  exit_code: 10,
};

/** Merges the two logs' analyses: progress from the newer log that has one, metrics combined. */
export function mergeLogAnalyses(
  a: { analysis: LogAnalysis | null; mtimeMs: number | null } | null,
  b: { analysis: LogAnalysis | null; mtimeMs: number | null } | null,
): LogAnalysis | null {
  const parts = [a, b].filter((x): x is { analysis: LogAnalysis; mtimeMs: number | null } => !!x?.analysis);
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!.analysis;
  const byNewest = parts.slice().sort((x, y) => (y.mtimeMs ?? 0) - (x.mtimeMs ?? 0));
  const withProgress = byNewest.find((p) => p.analysis.progress);
  const failures = parts.map((p) => p.analysis.failure).filter((f): f is Failure => !!f);
  const framework = byNewest.find((p) => p.analysis.framework !== 'none')?.analysis.framework ?? 'none';
  return {
    framework,
    progress: withProgress?.analysis.progress ?? null,
    metrics: Object.assign(
      {},
      ...byNewest
        .slice()
        .reverse()
        .map((p) => p.analysis.metrics),
    ),
    failure: strongest(failures),
  };
}

/** The failure a senior engineer would point at first. */
export function strongest(failures: Failure[]): Failure | null {
  let best: Failure | null = null;
  for (const f of failures) if (!best || STRENGTH[f.category] > STRENGTH[best.category]) best = f;
  return best;
}

const STATE_CATEGORY: Partial<Record<JobState, FailureCategory>> = {
  TIMEOUT: 'timeout',
  OUT_OF_MEMORY: 'oom_host',
  PREEMPTED: 'preempted',
  NODE_FAIL: 'node_fail',
  CANCELLED: 'cancelled',
  DEADLINE: 'timeout',
  BOOT_FAIL: 'node_fail',
};

/**
 * The job's failure: the log's root cause when it agrees with (or explains) the
 * SLURM state, otherwise a line built from sacct so a TIMEOUT with a silent log
 * still says why it ended. Completed jobs report no failure.
 */
export function jobFailure(job: SlurmJob, logFailure: Failure | null): Failure | null {
  const state = job.state;
  if (state === 'COMPLETED' || isQueued(state)) return null;
  if (isRunning(state)) return logFailure;
  const implied = STATE_CATEGORY[state];
  if (implied) {
    if (logFailure && (logFailure.category === implied || STRENGTH[logFailure.category] >= STRENGTH[implied])) {
      return logFailure;
    }
    // A cancelled job may have died of something the log shows (e.g. scancel after a hang).
    if (
      implied === 'cancelled' &&
      logFailure &&
      logFailure.category !== 'signal' &&
      logFailure.category !== 'exit_code'
    ) {
      return logFailure;
    }
    return { category: implied, line: stateLine(job), exception: null };
  }
  if (logFailure) return logFailure;
  if (state === 'FAILED') {
    // No log could be written at all: the file (its directory) was not found.
    return { category: outputUnopenable(job) ? 'file_not_found' : 'exit_code', line: stateLine(job), exception: null };
  }
  return null;
}

const SLURM_LINE = 'slurm: ';

function stateLine(job: SlurmJob): string {
  const bits = [`State=${job.state}${job.state_detail ? ` ${job.state_detail}` : ''}`];
  if (job.exit_code) bits.push(`ExitCode=${job.exit_code}`);
  if (job.reason) bits.push(`Reason=${job.reason}`);
  return `${SLURM_LINE}${bits.join(' ')}`;
}

/** How a job ended badly, as every view says it: the category and one line of why. */
export interface EndExplanation {
  category: FailureCategory | null;
  /**
   * The log's root-cause line; else what the exit code means (`output directory does not exist`); else SLURM's record.
   */
  why: string;
  /** `category: why`, or `why` alone. Raw text: sanitise before display. */
  line: string;
}

/** The one explanation of a failure, from the store's failure and exit note; null when there is none. */
export function explainEnd(failure: Failure | null | undefined, exitNote: string | null): EndExplanation | null {
  const fromLog = failure && !failure.line.startsWith(SLURM_LINE);
  const why = fromLog ? failure.line : (exitNote ?? failure?.line ?? null);
  if (why === null) return null;
  const category = failure?.category ?? null;
  return { category, why, line: category ? `${category}: ${why}` : why };
}
