/** What hpc-watch may do to a job besides watching it: the views ask, this layer acts. */
import { parseJobId } from '../../parsers/slurm-fields.js';
import type { Transport } from '../transport/types.js';
import { slurmRunner } from './client.js';

/** The outcome of an action, one line for the status bar. */
export interface ActionResult {
  ok: boolean;
  message: string;
}

/** `scancel <id>` on the job's cluster; the same environment and error classification as squeue. */
export async function cancelJob(transport: Transport, jobId: string): Promise<ActionResult> {
  const id = parseJobId(jobId);
  if (id === null) return { ok: false, message: `cancel: not a job id: ${JSON.stringify(jobId).slice(0, 60)}` };
  try {
    // A user's SLURM_CLUSTERS must not retarget the cancel: the runner drops it, as for squeue.
    await slurmRunner(transport, 15_000).run(['scancel', id]);
    return { ok: true, message: `scancel ${id}: sent` };
  } catch (err) {
    return {
      ok: false,
      message: `scancel ${id} failed: ${(err as Error).message.replace(/^(?:scancel: )+(?:error: )?/, '')}`,
    };
  }
}
