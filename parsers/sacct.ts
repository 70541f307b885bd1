/** sacct for jobs that left the queue: argv, row parser, and the job/step merge. */
import { type EfficiencyOptions, sacctEfficiency } from './efficiency.js';
import { isEnded } from './job-state.js';
import {
  actualTimes,
  blankJob,
  clean,
  cleanName,
  exitCode,
  idParts,
  intOrNull,
  lines,
  memBytes,
  splitState,
} from './slurm-fields.js';
import { parseDuration, parseTimestamp } from './slurm-time.js';
import type { SlurmJob } from './slurm-types.js';

/** `--parsable2` uses `|`, which job names may contain; the unit separator passes through sacct intact (22.05). */
export const SACCT_SEP = '\x1f';

/**
 * Requested fields. Widths are irrelevant with --parsable2. JobName is last so a name holding the
 * separator only widens its own column. Reason and WorkDir are the two a site's sacct may reject
 * (present in the 20.11–25.11 man pages; retry without them via sacctRejectedField if not).
 * 23.02+ also has StdOut/StdErr; pass `fields` to ask for them there.
 */
export const SACCT_FIELDS = [
  'JobID',
  'JobIDRaw',
  'User',
  'Account',
  'Partition',
  'State',
  'ExitCode',
  'DerivedExitCode',
  'Reason',
  'Submit',
  'Start',
  'End',
  'Elapsed',
  'ElapsedRaw',
  'Timelimit',
  'NNodes',
  'NodeList',
  'ReqMem',
  'AllocTRES',
  'MaxRSS',
  'WorkDir',
  // Efficiency: per-step CPU time and usage, and the jobstats summary some sites keep in AdminComment.
  'TotalCPU',
  'TRESUsageInTot',
  'AdminComment',
  'JobName',
] as const;

/** What to ask sacct for. */
export interface SacctQuery {
  jobIds?: string[];
  user?: string;
  allUsers?: boolean;
  /** sacct time (`now-1days`, `2026-11-28T13:00:00`) or ISO with offset, converted to this process's local time. */
  since?: string;
  clusters?: string;
  /** Defaults to SACCT_FIELDS; parse with the same list. */
  fields?: readonly string[];
}

const SAFE_ARG = /^[^\s,=]+$/;

function sacctTime(s: string): string | null {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/.test(s);
  if (iso) {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) return null;
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  return /^[\w:./+-]+$/.test(s) ? s : null;
}

/**
 * Full argv (argv[0] is `sacct`). Steps are included on purpose (no -X): MaxRSS lives on the
 * steps and mergeSacctRows folds them. With jobIds and no `since`, sacct searches from the epoch.
 */
export function sacctArgs(q: SacctQuery): string[] {
  const fields = q.fields ?? SACCT_FIELDS;
  const argv = ['sacct', '--parsable2', '--noheader', `--delimiter=${SACCT_SEP}`, `--format=${fields.join(',')}`];
  const ids = (q.jobIds ?? []).filter((id) => SAFE_ARG.test(id));
  if (ids.length > 0) argv.push(`--jobs=${ids.join(',')}`);
  if (q.allUsers) argv.push('--allusers');
  else if (q.user !== undefined && SAFE_ARG.test(q.user)) argv.push(`--user=${q.user}`);
  const since = q.since === undefined ? null : sacctTime(q.since);
  if (since !== null) argv.push(`--starttime=${since}`);
  if (q.clusters !== undefined && /^[\w,.-]+$/.test(q.clusters)) argv.push(`--clusters=${q.clusters}`);
  return argv;
}

/** The field an older/newer sacct refused (`sacct: error: Invalid field requested: "WorkDir"`), to retry without it. */
export function sacctRejectedField(stderr: string): string | null {
  const m = /Invalid field requested: "([^"]*)"/.exec(typeof stderr === 'string' ? stderr : '');
  return m ? (m[1] ?? null) : null;
}

/** One sacct line keyed by lower-cased field name. */
export type SacctRow = Record<string, string>;

/** The field list and separator the text was produced with (defaults: sacctArgs'). */
export interface SacctParseOptions {
  fields?: readonly string[];
  delimiter?: string;
}

/** Rows of `sacctArgs` output (or any --parsable/--parsable2 output given its fields); bad lines are skipped. */
export function parseSacct(text: string, opts: SacctParseOptions = {}): SacctRow[] {
  const keys = (opts.fields ?? SACCT_FIELDS).map((f) => f.toLowerCase());
  const sep = opts.delimiter ?? SACCT_SEP;
  const n = keys.length;
  const nameAt = keys.indexOf('jobname');
  const rows: SacctRow[] = [];
  if (n === 0 || sep === '') return rows;
  for (const line of lines(text)) {
    if (line.trim() === '') continue;
    const parts = line.split(sep);
    if (parts.length === n + 1 && parts[n] === '') parts.pop(); // --parsable's trailing separator
    if (parts.length > n) {
      if (nameAt < 0) continue;
      const extra = parts.length - n;
      parts.splice(nameAt, extra + 1, parts.slice(nameAt, nameAt + extra + 1).join(sep));
    }
    if (parts.length !== n) continue;
    const row: SacctRow = {};
    keys.forEach((k, i) => {
      row[k] = parts[i] ?? '';
    });
    if (!/^\d/.test(row.jobid ?? '')) continue; // header or junk
    rows.push(row);
  }
  return rows;
}

function maxRss(rows: SacctRow[]): string | null {
  let best: string | null = null;
  let bestBytes = -1;
  for (const r of rows) {
    const v = clean(r.maxrss);
    const b = memBytes(v);
    if (v !== null && b !== null && b > bestBytes) {
      best = v;
      bestBytes = b;
    }
  }
  return best;
}

function jobFrom(
  row: SacctRow,
  group: SacctRow[],
  offsetMinutes: number | undefined,
  eff: EfficiencyOptions,
): SlurmJob {
  const id = (row.jobid ?? '').trim();
  const job = blankJob(id);
  Object.assign(job, idParts(id));
  const raw = clean(row.jobidraw);
  job.raw_job_id = raw !== null && /^\d+$/.test(raw) ? raw : /^\d+$/.test(id) ? id : null;
  // The accounting DB may hold non-ASCII as `?` (`a|b c ✓` comes back as `a|b c ?`); the store keeps squeue's name.
  job.name = cleanName(row.jobname) ?? '';
  job.user = clean(row.user);
  job.account = clean(row.account);
  job.partition = clean(row.partition);
  const st = splitState(row.state);
  job.state = st.state;
  job.state_detail = st.detail;
  job.reason = clean(row.reason);
  job.nodes = clean(row.nodelist);
  job.num_nodes = intOrNull(row.nnodes);
  job.submit_time = parseTimestamp(row.submit, undefined, offsetMinutes);
  job.start_time = parseTimestamp(row.start, undefined, offsetMinutes);
  job.end_time = parseTimestamp(row.end, undefined, offsetMinutes);
  job.elapsed_s = intOrNull(row.elapsedraw) ?? parseDuration(row.elapsed);
  const limitMin = /^\d+$/.test(row.timelimitraw ?? '') ? Number(row.timelimitraw) * 60 : null;
  job.time_limit_s = parseDuration(row.timelimit) ?? limitMin;
  const batch = group.find((r) => (r.jobid ?? '').endsWith('.batch'));
  job.exit_code = exitCode(row.exitcode) ?? exitCode(batch?.exitcode);
  job.derived_exit_code = exitCode(row.derivedexitcode);
  job.work_dir = clean(row.workdir);
  job.stdout_pattern = clean(row.stdout);
  job.stderr_pattern = clean(row.stderr);
  job.req_mem = clean(row.reqmem);
  job.alloc_tres = clean(row.alloctres);
  job.max_rss = maxRss(group);
  // A short job on a busy slurmdbd: the end record can land before the start record, and sacct then
  // shows a stand-in row named `allocation` with no partition, time limit or work dir and a garbled
  // ReqMem (`16?`). Those fields are unknown, not what the row says.
  if (row.jobname?.trim() === 'allocation' && clean(row.partition) === null && clean(row.timelimit) === null) {
    job.name = '';
    job.req_mem = null;
    job.accountingIncomplete = true;
  }
  actualTimes(job, row.nodelist !== undefined);
  const ran = job.start_time !== null || (job.elapsed_s ?? 0) > 0;
  if (isEnded(job.state) && ran)
    job.efficiency = sacctEfficiency(
      row,
      group.filter((r) => r !== row),
      job,
      eff,
    );
  return job;
}

/**
 * One SlurmJob per job or array task, with its steps (`.batch`, `.extern`, `.0`, …) folded in:
 * MaxRSS is the maximum over all rows, ExitCode is the job row's (the `.batch` row's only when the
 * job row has none), `CANCELLED by 1001` becomes state + state_detail, an ended job that ran gets
 * its efficiency. Steps without a job row are dropped.
 */
export function mergeSacctRows(rows: SacctRow[], offsetMinutes?: number, eff: EfficiencyOptions = {}): SlurmJob[] {
  const groups = new Map<string, SacctRow[]>();
  for (const r of rows) {
    const id = (r.jobid ?? '').trim();
    const base = id.split('.')[0] ?? id;
    const g = groups.get(base);
    if (g) g.push(r);
    else groups.set(base, [r]);
  }
  const jobs: SlurmJob[] = [];
  for (const [base, group] of groups) {
    const jobRow = group.find((r) => (r.jobid ?? '').trim() === base);
    if (jobRow) jobs.push(jobFrom(jobRow, group, offsetMinutes, eff));
  }
  return jobs;
}
