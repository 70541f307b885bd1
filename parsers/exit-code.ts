/** Short human explanations of how a job ended. */
import type { SlurmJob } from './slurm-types.js';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

const sigName = (n: number): string => (SIGNALS[n] ? ` (${SIGNALS[n]})` : '');

/** `0:53` on a FAILED job: how 22.05 reports an --output/--error file it could not open. */
export function outputUnopenable(job: Pick<SlurmJob, 'state' | 'exit_code'>): boolean {
  return job.state === 'FAILED' && job.exit_code === '0:53';
}

export interface DescribeOptions {
  /** Whether the job's stdout file is known to be missing; null/undefined = not checked. */
  logMissing?: boolean | null;
}

/**
 * One short phrase for why a job ended (`exit 1`, `killed by signal 9 (SIGKILL)`, `out of
 * memory`), or null for a clean or unfinished job. `0:53` on a FAILED job is how 22.05 reports
 * an --output/--error path it could not open — in practice a directory that does not exist.
 */
export function describeExit(job: SlurmJob, opts: DescribeOptions = {}): string | null {
  const m = /^(\d+):(\d+)$/.exec(job.exit_code ?? '');
  const code = m ? Number(m[1]) : null;
  const sig = m ? Number(m[2]) : null;
  switch (job.state) {
    case 'OUT_OF_MEMORY':
      return 'out of memory (killed by the OOM handler)';
    case 'TIMEOUT':
      return 'time limit reached';
    case 'CANCELLED':
      return job.state_detail ? `cancelled ${job.state_detail}` : 'cancelled';
    case 'NODE_FAIL':
      return 'node failure';
    case 'BOOT_FAIL':
      return 'node failed to boot';
    case 'PREEMPTED':
      return 'preempted';
    case 'DEADLINE':
      return 'deadline reached';
  }
  if (code === null || sig === null) return null;
  if (outputUnopenable(job)) {
    return opts.logMissing === false
      ? 'could not open its output file (exit 0:53)'
      : 'output directory does not exist (could not open the --output/--error file)';
  }
  if (sig === 125 && code === 0) return 'out of memory (killed by the OOM handler)';
  if (sig !== 0) return `killed by signal ${sig}${sigName(sig)}`;
  if (code === 0) return null;
  if (code > 128 && code < 160) return `exit ${code} (128+${code - 128}: signal ${code - 128}${sigName(code - 128)})`;
  return `exit ${code}`;
}
