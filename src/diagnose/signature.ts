/**
 * The cache key of an excerpt. Ten array tasks that die the same way must hit one cache entry,
 * so the key leaves out what differs between them and keeps what changes the answer:
 *
 * - kept verbatim: state, exit and derived exit codes, SLURM reason, partition, time limit,
 *   requested memory and TRES (a fix like "raise --mem from 512M" depends on them), failure
 *   category and exception class;
 * - normalised (see `normaliseForHash`): job name, the command's file name, the root-cause line and every
 *   section after `### JOB` — all digit runs become `#` (job and task ids, pids, timestamps, node
 *   numbers, step counters, addresses) and hex runs holding a digit become `#` (uuids, hashes);
 * - left out: the JOB section text itself (elapsed, MaxRSS, node list, work dir, log paths and
 *   sizes vary per task or per checkout; what matters of them is folded in above).
 *
 * So "CUDA OOM tried to allocate 2.00 GiB" and "… 3.00 GiB" share an entry; exit 1 vs exit 137 or
 * 512M vs 4G requested do not. `--force` asks again regardless.
 */
import { createHash } from 'node:crypto';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import type { Failure } from '../../parsers/types.js';

/** Replaces the parts of a text that differ between identical failures (ids, times, counters). */
export function normaliseForHash(s: string): string {
  return s
    .replace(/0x[0-9a-f]+/gi, '0x#')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{6,}\b/gi, '#')
    .replace(/\d+/g, '#');
}

/** The stable facts of a failure, as one line. */
export function failureSignature(job: SlurmJob, failure: Failure | null, rootLine: string | null): string {
  const n = (s: string | null | undefined) => (s ? normaliseForHash(s) : '');
  return JSON.stringify([
    job.state,
    job.exit_code ?? '',
    job.derived_exit_code ?? '',
    job.reason ?? '',
    job.partition ?? '',
    job.time_limit_s ?? '',
    job.req_mem ?? '',
    job.alloc_tres ?? '',
    n(job.name),
    n(job.command?.slice(job.command.lastIndexOf('/') + 1)),
    failure?.category ?? '',
    failure?.exception ?? '',
    n(rootLine),
  ]);
}

/** sha256 over the signature and the normalised excerpt body (everything after the JOB section). */
export function excerptHash(signature: string, excerptText: string): string {
  const cut = excerptText.indexOf('\n### ');
  const body = cut === -1 ? '' : excerptText.slice(cut + 1);
  return createHash('sha256')
    .update(`hpcw-diagnose-v1\n${signature}\n${normaliseForHash(body)}`)
    .digest('hex')
    .slice(0, 40);
}
