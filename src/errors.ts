/** The errors a user can act on, and the exit codes every mode uses. */

/** Exit codes: the same meaning in every mode (see `hpc-watch --help`). */
export const EXIT = {
  /** Done; with --wait, every job COMPLETED. */
  ok: 0,
  /** A job failed, was not found, or there was nothing to do (diagnose of a running job). */
  jobProblem: 1,
  /** Bad usage, a missing file, no SLURM reachable. */
  usage: 2,
} as const;

/** An error the user can act on: printed as one line, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
