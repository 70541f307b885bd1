/** The SLURM calls the poller makes, each parsed into jobs. No state beyond sacct's field list and version. */
import { gunzipSync } from 'node:zlib';
import { needsSlurmVersion, parseSlurmVersion, type SlurmVersion } from '../../parsers/efficiency.js';
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

const MAX_JOBSTATS_JSON = 1 << 20;

/** jobstats' AdminComment is gzip; the output is bounded so a strange comment cannot fill memory. */
export function inflateJobstats(gz: Uint8Array): string | null {
  try {
    return gunzipSync(gz, { maxOutputLength: MAX_JOBSTATS_JSON }).toString('utf8');
  } catch {
    return null;
  }
}

/** sacct for some jobs, or for everything since a time; remembers fields an older sacct rejects. */
export class Accounting {
  private fields: readonly string[] = SACCT_FIELDS;
  /** undefined = not asked yet; null = could not be read. */
  private version: SlurmVersion | null | undefined;

  constructor(private readonly runner: SlurmRunner) {}

  /** Jobs from accounting; null when accounting is off or slurmdbd is down (the queue still works). */
  async query(
    query: { jobIds: string[] } | { allUsers: boolean; since: string; user?: string },
    offsetMinutes: number | undefined,
  ): Promise<SlurmJob[] | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fields = this.fields;
        const text = (await this.runner.run(sacctArgs({ ...query, fields }))).stdout;
        const rows = parseSacct(text, { fields });
        const slurmVersion = needsSlurmVersion(rows) ? await this.slurmVersion() : null;
        return mergeSacctRows(rows, offsetMinutes, { slurmVersion, inflate: inflateJobstats });
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

  /**
   * `sacct --version`, once per session and only when a multi-GPU step's GPU usage must be read:
   * 23.11.0–24.05.0 recorded only the last GPU. It is a local command, not a controller RPC.
   */
  private async slurmVersion(): Promise<SlurmVersion | null> {
    if (this.version === undefined) {
      try {
        this.version = parseSlurmVersion((await this.runner.run(['sacct', '--version'], 10_000)).stdout);
      } catch {
        this.version = null;
      }
    }
    return this.version;
  }
}

/** `scontrol show job` for one job: its log paths while it is in the controller's memory. */
export async function scontrolJob(
  runner: SlurmRunner,
  rawId: string,
  jobId: string,
  offsetMinutes: number | undefined,
): Promise<SlurmJob | null> {
  const r = await runner.run(scontrolShowJobArgs(rawId));
  const all = parseScontrolShowJob(r.stdout, offsetMinutes);
  return all.find((j) => j.job_id === jobId) ?? all[0] ?? null;
}
