/** Runs SLURM commands through a transport and turns their failures into kinds the poller can act on. */
import { SLURM_CLIENT_ENV_DROP } from '../../parsers/squeue.js';
import type { ExecResult, Transport } from '../transport/types.js';

export type SlurmErrorKind = 'not-installed' | 'unreachable' | 'timeout' | 'rate-limited' | 'invalid-job' | 'failed';

export class SlurmError extends Error {
  constructor(
    readonly kind: SlurmErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SlurmError';
  }
}

/** Classifies a finished command; returns null when it succeeded. */
export function classify(cmd: string, r: ExecResult): SlurmError | null {
  if (r.notFound || r.code === 127) {
    return new SlurmError(
      'not-installed',
      `${cmd} not found: no SLURM here (use --host HOST to watch a cluster over SSH, or --demo)`,
    );
  }
  // A transport-level failure (connection refused, host key) has no exit code: pass it on verbatim.
  if (r.code === null && r.signal === null && !r.timedOut && r.stderr.trim()) {
    return new SlurmError('unreachable', r.stderr.trim().split('\n').at(-1)!);
  }
  if (r.timedOut)
    return new SlurmError('timeout', `${cmd} timed out after ${Math.round(r.durationMs / 1000)}s (controller busy?)`);
  if (r.code === 0) return null;
  const err = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${r.code ?? r.signal}`;
  if (/invalid job id/i.test(r.stderr)) return new SlurmError('invalid-job', err);
  if (/rate.?limit|too many (rpc|requests)|EAGAIN|resource temporarily unavailable/i.test(r.stderr)) {
    return new SlurmError('rate-limited', `${cmd}: controller rate limit (${err})`);
  }
  if (
    /unable to contact|socket timed out|connection refused|communications connection failure|zero bytes|slurm_persist_conn|munge|unable to (connect|establish)/i.test(
      r.stderr,
    )
  ) {
    return new SlurmError('unreachable', `${cmd}: ${err}`);
  }
  return new SlurmError('failed', `${cmd}: ${err}`);
}

export interface SlurmRunner {
  /** Runs a SLURM client command; resolves stdout or rejects with SlurmError. */
  run(argv: readonly string[], timeoutMs?: number): Promise<{ stdout: string; durationMs: number }>;
}

/** A runner over a transport with the user's format variables removed and a timeout. */
export function slurmRunner(transport: Transport, defaultTimeoutMs = 30_000): SlurmRunner {
  return {
    async run(argv, timeoutMs = defaultTimeoutMs) {
      const r = await transport.exec(argv, {
        timeoutMs,
        // The user's SQUEUE_FORMAT, SLURM_TIME_FORMAT=relative and friends would change what we parse.
        dropEnv: SLURM_CLIENT_ENV_DROP,
        env: { SLURM_TIME_FORMAT: 'standard' },
      });
      const err = classify(argv[0] ?? 'slurm', r);
      if (err) throw err;
      return { stdout: r.stdout, durationMs: r.durationMs };
    },
  };
}
