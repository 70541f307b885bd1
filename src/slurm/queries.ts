/** The SLURM calls the poller makes, each parsed into jobs. No state beyond sacct's field list. */
import { mergeSacctRows, parseSacct, SACCT_FIELDS, sacctArgs, sacctRejectedField } from '../../parsers/sacct.js';
import { parseScontrolShowJob, scontrolShowJobArgs } from '../../parsers/scontrol.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import { parseSqueue, squeueArgs } from '../../parsers/squeue.js';
import { SlurmError, type SlurmRunner } from './client.js';

/** One squeue for every watched job; `squeue -j` with only unknown ids is "nothing queued". */
export async function querySqueue(
  runner: SlurmRunner,
  q: { jobIds: string[] | null; allUsers: boolean; offsetMinutes: number | undefined },
): Promise<SlurmJob[]> {
  try {
    // Explicit ids are explicit: someone else's job (or root looking at a user's) must show too.
    const user = q.allUsers || q.jobIds ? null : 'me';
    const r = await runner.run(squeueArgs({ user, jobIds: q.jobIds ?? undefined, allStates: true }));
    return parseSqueue(r.stdout, { offsetMinutes: q.offsetMinutes });
  } catch (err) {
    if (err instanceof SlurmError && err.kind === 'invalid-job') return [];
    throw err;
  }
}

/** sacct for some jobs, or for everything since a time; remembers fields an older sacct rejects. */
export class Accounting {
  private fields: readonly string[] = SACCT_FIELDS;

  constructor(private readonly runner: SlurmRunner) {}

  /** Jobs from accounting; null when accounting is off or slurmdbd is down (the queue still works). */
  async query(
    query: { jobIds: string[] } | { allUsers: boolean; since: string },
    offsetMinutes: number | undefined,
  ): Promise<SlurmJob[] | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fields = this.fields;
        const text = (await this.runner.run(sacctArgs({ ...query, fields }))).stdout;
        return mergeSacctRows(parseSacct(text, { fields }), offsetMinutes);
      } catch (err) {
        // An older sacct may reject a field (WorkDir, Reason): drop it and ask again.
        const bad = err instanceof SlurmError ? sacctRejectedField(err.message) : null;
        if (bad && this.fields.includes(bad)) {
          this.fields = this.fields.filter((f) => f !== bad);
          continue;
        }
        if (err instanceof SlurmError && (err.kind === 'failed' || err.kind === 'invalid-job')) return null;
        throw err;
      }
    }
    return null;
  }
}

/** `scontrol show job` for one job: its log paths while it is in the controller's memory. */
export async function scontrolJob(runner: SlurmRunner, rawId: string, jobId: string, offsetMinutes: number | undefined): Promise<SlurmJob | null> {
  const r = await runner.run(scontrolShowJobArgs(rawId));
  const all = parseScontrolShowJob(r.stdout, offsetMinutes);
  return all.find((j) => j.job_id === jobId) ?? all[0] ?? null;
}
