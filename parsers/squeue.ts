/** The one squeue call per poll tick: its argv and its parser. */
import { isEnded } from './job-state.js';
import {
  actualTimes,
  blankJob,
  clean,
  cleanName,
  displayId,
  idParts,
  intOrNull,
  lines,
  longState,
  splitState,
  taskId,
  waitStatusToExitCode,
} from './slurm-fields.js';
import { parseDuration, parseTimestamp } from './slurm-time.js';
import type { SlurmJob } from './slurm-types.js';

/**
 * Unit separator: cannot be typed into a job name by accident, and squeue passes it through verbatim (checked on
 * 22.05).
 */
export const FIELD_SEP = '\x1f';

/**
 * Environment the runner must drop before running squeue/sacct/scontrol: each can change the
 * output these parsers read, and argv cannot undo all of them. SQUEUE_ARRAY (-r) and
 * SQUEUE_ARRAY_UNIQUE split pending arrays; SQUEUE_USERS/_ACCOUNT/_PARTITION/_QOS/_NAMES/_STATES/
 * _LICENSES filter silently; SQUEUE_FORMAT/_FORMAT2 and SACCT_FORMAT lose to our argv and
 * SQUEUE_SORT only reorders, but drop them too; SLURM_TIME_FORMAT=relative breaks every timestamp; SLURM_CLUSTERS
 * retargets the query; SLURM_BITSTR_LEN changes how pending array ranges are cut. Keep SLURM_CONF.
 */
export const SLURM_CLIENT_ENV_DROP =
  /^(?:SQUEUE_\w*|SACCT_\w*|SCONTROL_\w*|SLURM_TIME_FORMAT|SLURM_CLUSTERS|SLURM_BITSTR_LEN|SLURM_DEBUG_FLAGS)$/;

/**
 * `-O` fields. `-O` (not `-o`) because only it has STDOUT/STDERR/exit_code and raw+display ids.
 * Each is written `Field:<sep>`: the empty width after `:` means "no padding, no truncation"
 * (strtol of "" is 0) and the rest is a suffix. Without `:` a field is cut at 20 characters —
 * verified on 22.05 with a 200-character name; the same syntax is documented from 20.11 to 25.x.
 * Name is last so a name that does contain the separator only widens its own column.
 */
export const SQUEUE_FIELDS = [
  'JobArrayID',
  'JobID',
  'ArrayJobID',
  'ArrayTaskID',
  'HetJobID',
  'HetJobOffset',
  'UserName',
  'Account',
  'Partition',
  'State',
  'Reason',
  'TimeUsed',
  'TimeLimit',
  'NumNodes',
  'NodeList',
  'SubmitTime',
  'StartTime',
  'EndTime',
  'exit_code',
  'DerivedEC',
  'MinMemory',
  'tres-alloc',
  'WorkDir',
  'STDOUT',
  'STDERR',
  'Command',
  'Dependency',
  'Name',
] as const;

/** The `--Format` value squeueArgs passes. */
export const SQUEUE_FORMAT = SQUEUE_FIELDS.map((f) => `${f}:${FIELD_SEP}`).join(',');

/** What one poll asks squeue for. */
export interface SqueueQuery {
  /** `'me'` (the default) → `--me`; a name → `--user`; null → every user. */
  user?: string | 'me' | null;
  /** Restrict to these ids (`123`, `83_7`); ids holding `,` or spaces are dropped. */
  jobIds?: string[];
  /** Also show finished jobs still in slurmctld's memory (MinJobAge), i.e. `--states=all`. */
  allStates: boolean;
  clusters?: string;
}

const SAFE_ARG = /^[^\s,=]+$/;

/**
 * Full argv for one squeue call (argv[0] is `squeue`; run it without a shell, with
 * SLURM_CLIENT_ENV_DROP removed from the environment). `--all` includes hidden partitions,
 * which a user's own job may sit in. A `--jobs` list naming only purged jobs makes squeue exit 1
 * with "Invalid job id specified"; treat that as "no rows".
 */
export function squeueArgs(q: SqueueQuery): string[] {
  const argv = ['squeue', '--noheader', '--all', `--Format=${SQUEUE_FORMAT}`];
  const user = q.user === undefined ? 'me' : q.user;
  if (user === 'me') argv.push('--me');
  else if (user !== null && SAFE_ARG.test(user)) argv.push(`--user=${user}`);
  if (q.allStates) argv.push('--states=all');
  const ids = (q.jobIds ?? []).filter((id) => SAFE_ARG.test(id));
  if (ids.length > 0) argv.push(`--jobs=${ids.join(',')}`);
  if (q.clusters !== undefined && q.clusters !== '' && /^[\w,.-]+$/.test(q.clusters))
    argv.push(`--clusters=${q.clusters}`);
  return argv;
}

// `-o` letters and `-O` names both map onto these keys (the lower-cased `-O` names).
const LETTERS: Record<string, string> = {
  i: 'jobarrayid',
  A: 'jobid',
  F: 'arrayjobid',
  K: 'arraytaskid',
  j: 'name',
  u: 'username',
  a: 'account',
  P: 'partition',
  T: 'state',
  t: 'statecompact',
  r: 'reason',
  R: 'reasonlist',
  M: 'timeused',
  l: 'timelimit',
  D: 'numnodes',
  N: 'nodelist',
  V: 'submittime',
  S: 'starttime',
  e: 'endtime',
  Z: 'workdir',
  o: 'command',
  m: 'minmemory',
  E: 'dependency',
};

interface Layout {
  keys: string[];
  /** null = columns separated by runs of whitespace (the human formats). */
  sep: string | null;
  trailing: boolean;
}

/** Reads a `-o` (`%i|%j…`) or `-O` (`JobID:|,Name:|…`) spec; null if the output could not be split reliably. */
function layoutOf(spec: string): Layout | null {
  if (spec.includes('%')) {
    const re = /%\.?\d*([A-Za-z])/g;
    const keys: string[] = [];
    const gaps: string[] = [];
    let last = 0;
    for (let m = re.exec(spec); m !== null; m = re.exec(spec)) {
      gaps.push(spec.slice(last, m.index));
      keys.push(LETTERS[m[1] ?? ''] ?? '');
      last = re.lastIndex;
    }
    if (keys.length === 0) return null;
    const between = gaps.slice(1);
    const tail = spec.slice(last);
    const sep = between[0] ?? tail;
    if (between.some((g) => g !== sep)) return null;
    if (sep.trim() === '') return { keys, sep: null, trailing: false };
    return { keys, sep, trailing: tail === sep };
  }
  const parts = spec.split(',');
  const keys: string[] = [];
  const suffixes: string[] = [];
  for (const p of parts) {
    const m = /^([^:]+)(?::\.?\d*(.*))?$/.exec(p);
    keys.push((m?.[1] ?? '').toLowerCase());
    suffixes.push(m?.[2] ?? '');
  }
  const sep = suffixes[0] ?? '';
  if (sep === '' && keys.length > 1) return null;
  if (suffixes.slice(0, -1).some((s) => s !== sep)) return null;
  const tail = suffixes[suffixes.length - 1] ?? '';
  return { keys, sep, trailing: tail === sep };
}

const DEFAULT_LAYOUT = layoutOf(SQUEUE_FORMAT) as Layout;

/** How the text to parse was produced. */
export interface ParseOptions {
  /** The `-o`/`-O` spec the text was produced with; defaults to squeueArgs' own. */
  format?: string;
  /** Cluster time zone, minutes east of UTC; defaults to this process's zone. */
  offsetMinutes?: number;
}

function splitLine(line: string, layout: Layout): string[] | null {
  const n = layout.keys.length;
  let parts: string[];
  let joinAt: number;
  if (layout.sep === null) {
    parts = line.trim().split(/\s+/);
    joinAt = n - 1;
  } else {
    let body = line;
    if (layout.trailing) {
      // Every field ends with the separator, so a line without it was cut short.
      if (!body.endsWith(layout.sep)) return null;
      body = body.slice(0, -layout.sep.length);
    }
    parts = body.split(layout.sep);
    joinAt = layout.keys.indexOf('name');
  }
  if (parts.length < n) return null;
  if (parts.length > n) {
    if (joinAt < 0) return null;
    const extra = parts.length - n;
    const glue = layout.sep ?? ' ';
    parts.splice(joinAt, extra + 1, parts.slice(joinAt, joinAt + extra + 1).join(glue));
  }
  return parts;
}

function toJob(rec: Map<string, string>, offsetMinutes: number | undefined): SlurmJob | null {
  const display = clean(rec.get('jobarrayid'));
  const rawField = clean(rec.get('jobid'));
  const first = display ?? rawField;
  if (first === null || !/^\d/.test(first)) return null; // header, `CLUSTER:` banner, junk
  const task = taskId(rec.get('arraytaskid'));
  const arrayJob = task === null ? null : clean(rec.get('arrayjobid'));
  const hetField = clean(rec.get('hetjobid'));
  const hetId = hetField === '0' ? null : hetField;
  const hetOffset = hetId === null ? null : intOrNull(rec.get('hetjoboffset'));
  const fromDisplay = display === null ? null : idParts(display);
  const raw =
    rawField !== null && /^\d+$/.test(rawField) ? rawField : display !== null && /^\d+$/.test(display) ? display : null;
  const job = blankJob(display ?? displayId(raw ?? first, arrayJob, task, hetId, hetOffset));
  job.raw_job_id = raw;
  job.array_job_id = arrayJob ?? fromDisplay?.array_job_id ?? null;
  job.array_task_id = task ?? fromDisplay?.array_task_id ?? null;
  job.het_job_id = hetId ?? fromDisplay?.het_job_id ?? null;
  job.het_offset = hetOffset ?? fromDisplay?.het_offset ?? null;
  job.name = cleanName(rec.get('name')) ?? '';
  job.user = clean(rec.get('username'));
  job.account = clean(rec.get('account'));
  job.partition = clean(rec.get('partition'));
  const st = splitState(rec.has('state') ? rec.get('state') : longState(rec.get('statecompact') ?? ''));
  job.state = st.state || 'UNKNOWN';
  job.state_detail = st.detail;
  job.reason = clean(rec.get('reason'));
  job.nodes = clean(rec.get('nodelist'));
  const rl = clean(rec.get('reasonlist'));
  if (rl !== null) {
    const m = /^\((.*)\)$/.exec(rl);
    if (m) job.reason ??= clean(m[1]);
    else job.nodes ??= rl;
  }
  job.num_nodes = intOrNull(rec.get('numnodes'));
  job.submit_time = parseTimestamp(rec.get('submittime'), undefined, offsetMinutes);
  job.start_time = parseTimestamp(rec.get('starttime'), undefined, offsetMinutes);
  job.end_time = parseTimestamp(rec.get('endtime'), undefined, offsetMinutes);
  job.elapsed_s = parseDuration(rec.get('timeused'));
  job.time_limit_s = parseDuration(rec.get('timelimit'));
  if (isEnded(job.state) || job.state === 'COMPLETING') {
    job.exit_code = waitStatusToExitCode(rec.get('exit_code'));
    job.derived_exit_code = waitStatusToExitCode(rec.get('derivedec'));
  }
  job.req_mem = clean(rec.get('minmemory'));
  job.alloc_tres = clean(rec.get('tres-alloc'));
  job.work_dir = clean(rec.get('workdir'));
  job.command = clean(rec.get('command'));
  job.dependency = clean(rec.get('dependency'));
  job.stdout_pattern = fixArrayDefault(clean(rec.get('stdout')), job);
  job.stderr_pattern = fixArrayDefault(clean(rec.get('stderr')), job);
  actualTimes(job, rec.has('nodelist'));
  return job;
}

/**
 * squeue (22.05) fills in a default path for jobs without --output, but for array tasks it uses
 * the task's own JobID (`slurm-94.out`) where slurmstepd writes `slurm-83_0.out`. Put the real
 * default pattern back so log-path can expand it (or refuse, for a pending parent).
 */
function fixArrayDefault(path: string | null, job: SlurmJob): string | null {
  if (path === null || job.array_job_id === null || job.raw_job_id === null || job.work_dir === null) return path;
  const wd = job.work_dir.endsWith('/') ? job.work_dir : `${job.work_dir}/`;
  return path === `${wd}slurm-${job.raw_job_id}.out` ? `${wd}slurm-%A_%a.out` : path;
}

/**
 * Jobs in squeue output (one per line; pending array parents stay one record such as
 * `83_[2-9%2]`). Lines with the wrong field count, or without the trailing separator, are
 * skipped. Expected starts of pending jobs and expected ends of running jobs are dropped.
 */
export function parseSqueue(text: string, opts: ParseOptions = {}): SlurmJob[] {
  const layout = opts.format === undefined ? DEFAULT_LAYOUT : layoutOf(opts.format);
  if (layout === null) return [];
  const jobs: SlurmJob[] = [];
  for (const line of lines(text)) {
    if (line.trim() === '') continue;
    const parts = splitLine(line, layout);
    if (parts === null) continue;
    const rec = new Map<string, string>();
    layout.keys.forEach((k, i) => {
      if (k !== '' && !rec.has(k)) rec.set(k, parts[i] ?? '');
    });
    const job = toJob(rec, opts.offsetMinutes);
    if (job !== null) jobs.push(job);
  }
  return jobs;
}
