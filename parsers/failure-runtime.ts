/**
 * Failure evidence from the layers around the job's code: container runtimes
 * that fail before it starts, and MPI launchers that only report an exit status.
 */
import type { LogLines } from './log-lines.js';
import type { TbChain } from './traceback.js';
import type { FailureCategory } from './types.js';

/** One line that could explain the end of the job, with its priority. */
export interface Evidence {
  idx: number;
  prio: number;
  category: FailureCategory;
  text: string;
  exception: string | null;
  /** Same-priority ties go to the earliest line (ranks reporting one event) instead of the latest. */
  first?: boolean;
  chain?: TbChain;
  /** `text` is a segment of a structured record (a JSON traceback field): report it, not the whole line. */
  segment?: boolean;
}

/**
 * pyxis/enroot output relayed by slurmstepd, enroot's own helpers, Apptainer/Singularity `FATAL:   <any message>` lines
 * (the OS error checks below decide).
 */
const CONTAINER = /\bpyxis: |\benroot-|^FATAL:\s+/;
/** Every relayed enroot line carries `slurmstepd: error:`, its own log levels included. */
const CONTAINER_INFO = /\[(?:INFO|WARN(?:ING)?)\]|\bWARNING:/;
const NO_SPACE = /No space left on device|Disk quota exceeded/i;
const NO_FILE = /No such file or directory|\b(?:doesn't|does not) exist\b/i;
const MPI_NONZERO = /\b(?:mpirun|mpiexec|prterun) detected that one or more processes exited with non-zero status/;
const MPI_EXIT_CODE = /^\s*Exit code:\s*(-?\d+)\s*$/;
/** OpenMPI's boxed help text puts the status a few lines below its headline. */
const MPI_BOX_LINES = 8;

/**
 * A container runtime's OS error names the cause (`Write failed because No space
 * left on device`, `/bin/bash: No such file or directory`, `mount source ...
 * doesn't exist`); `couldn't start container` and srun's exit code follow from it.
 */
export function containerEvidence(i: number, t: string): Evidence | null {
  // Literal tests first: every line that passes the failure prefilter reaches this rule.
  const maybe = t.indexOf('pyxis') >= 0 || t.indexOf('FATAL') >= 0 || t.indexOf('enroot-') >= 0;
  if (!maybe || !CONTAINER.test(t) || CONTAINER_INFO.test(t)) return null;
  if (NO_SPACE.test(t)) return { idx: i, prio: 57, category: 'disk', text: t, exception: null };
  if (NO_FILE.test(t)) return { idx: i, prio: 57, category: 'file_not_found', text: t, exception: null };
  return null;
}

/** A launcher's report of a rank's exit status: a negative status is the signal that killed it. */
export function exitStatusEvidence(idx: number, text: string, status: number): Evidence {
  const signal = status < 0;
  return { idx, prio: signal ? 30 : 21, category: signal ? 'signal' : 'exit_code', text, exception: null };
}

/** OpenMPI's `mpirun detected that one or more processes exited with non-zero status` box: an exit status only. */
export function mpiExitEvidence(ll: LogLines, i: number, t: string): Evidence | null {
  if (t.indexOf('non-zero status') < 0 || !MPI_NONZERO.test(t)) return null;
  for (let k = i + 1; k < ll.length && k <= i + MPI_BOX_LINES; k++) {
    const m = MPI_EXIT_CODE.exec(ll.view(k));
    if (m) return exitStatusEvidence(i, t, Number(m[1]));
  }
  return exitStatusEvidence(i, t, 0);
}
