/** The job table's model: grouping array tasks, sorting, filtering. Pure, so it is tested without Ink. */
import { isEnded } from '../../../parsers/job-state.js';
import { sanitizeField } from '../../../parsers/sanitize.js';
import { compareJobIds as compareIds } from '../../../parsers/slurm-fields.js';
import { runPercent } from '../../model/progress.js';
import { type JobEntry, jobKey, timeLeftNow } from '../../store.js';

export type SortMode = 'state' | 'time' | 'progress';
export const SORT_MODES: readonly SortMode[] = ['state', 'time', 'progress'];

export interface JobRow {
  kind: 'job';
  key: string;
  entry: JobEntry;
  /** 1 for a task shown under its expanded array. */
  depth: 0 | 1;
  finished: boolean;
}

export interface GroupRow {
  kind: 'group';
  /** `group:cluster/arrayId`, never a store key. */
  key: string;
  cluster: string;
  arrayId: string;
  children: JobEntry[];
  /** Tasks, counting each one a pending range record like `[4-9%2]` stands for. */
  taskCount: number;
  expanded: boolean;
  finished: boolean;
}

export type Row = JobRow | GroupRow;

export interface RowOptions {
  sort: SortMode;
  filter: string;
  expanded: ReadonlySet<string>;
  now: number;
  /** Finished jobs that ended longer ago than this are left out (seconds). */
  finishedWindowS: number;
}

/** Key of the group row an array task belongs to. */
export function groupKey(cluster: string, arrayId: string): string {
  return `group:${jobKey(cluster, arrayId)}`;
}

/** Whether a job will never run again. */
export function isFinished(e: JobEntry): boolean {
  return isEnded(e.job.state);
}

/** How many tasks a record stands for: 1, or the size of a `[4-9%2]` / `[1,3,5-7]` range. */
export function taskCount(e: JobEntry): number {
  const t = e.job.array_task_id;
  if (!t?.startsWith('[')) return 1;
  let n = 0;
  for (const part of t.replace(/[[\]]/g, '').replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) return Math.max(1, n);
    const step = Number(m[3] ?? 1) || 1;
    n += m[2] ? Math.floor((Number(m[2]) - Number(m[1])) / step) + 1 : 1;
  }
  return Math.max(1, n);
}

const STATE_ORDER: Record<string, number> = { RUNNING: 0, COMPLETING: 1, CONFIGURING: 1, PENDING: 2 };

function stateRank(e: JobEntry): number {
  return STATE_ORDER[e.job.state] ?? (isFinished(e) ? 4 : 3);
}

function endedAt(e: JobEntry): number {
  const t = e.job.end_time ? Date.parse(e.job.end_time) : Number.NaN;
  return Number.isFinite(t) ? t : e.polledAt;
}

function compare(a: JobEntry, b: JobEntry, sort: SortMode, now: number): number {
  const fa = isFinished(a);
  const fb = isFinished(b);
  // Finished jobs always sink to the bottom, newest first, whatever the sort.
  if (fa !== fb) return fa ? 1 : -1;
  if (fa) return endedAt(b) - endedAt(a) || compareIds(a.job.job_id, b.job.job_id);
  if (sort === 'time') {
    const ta = timeLeftNow(a, now) ?? Number.POSITIVE_INFINITY;
    const tb = timeLeftNow(b, now) ?? Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta - tb;
  } else if (sort === 'progress') {
    const pa = runPercent(a.analysis?.progress) ?? -1;
    const pb = runPercent(b.analysis?.progress) ?? -1;
    if (pa !== pb) return pb - pa;
  }
  return stateRank(a) - stateRank(b) || compareIds(a.job.job_id, b.job.job_id);
}

/**
 * The two dependency reasons differ only at their end, which a 12-column cell cuts off; yet one
 * waits and the other will never start.
 */
const SHORT_REASON: Record<string, string> = { Dependency: 'Dep wait', DependencyNeverSatisfied: 'Dep never' };

/** Short state text a person reads in a cell: `RUNNING`, `PD Resources`, `PD Dep never`, `OOM`. */
export function stateLabel(e: JobEntry): string {
  if (e.notFound) return 'NOT FOUND';
  const s = e.job.state;
  const reason = e.job.reason;
  if (s === 'PENDING')
    return reason && reason !== 'None' ? `PD ${SHORT_REASON[reason] ?? sanitizeField(reason)}` : 'PENDING';
  if (s === 'OUT_OF_MEMORY') return 'OOM';
  return s;
}

/** Slurm says the job waits for a dependency that can no longer be met: it stays queued until cancelled. */
export function neverStarts(e: JobEntry): boolean {
  return e.job.state === 'PENDING' && e.job.reason === 'DependencyNeverSatisfied';
}

/** Case-insensitive match on id, name and state (including the pending reason). */
export function matchesFilter(e: JobEntry, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [e.job.job_id, sanitizeField(e.job.name), e.job.state, e.job.reason ?? '', stateLabel(e)].some((s) =>
    s.toLowerCase().includes(f),
  );
}

/** Rows to display, top to bottom. */
export function buildRows(entries: JobEntry[], o: RowOptions): Row[] {
  const cutoff = o.now - o.finishedWindowS * 1000;
  const visible = entries.filter((e) => !(isFinished(e) && endedAt(e) < cutoff));
  const arrays = new Map<string, JobEntry[]>();
  const singles: JobEntry[] = [];
  for (const e of visible) {
    const a = e.job.array_job_id;
    if (a) {
      const k = jobKey(e.cluster, a);
      const list = arrays.get(k);
      if (list) list.push(e);
      else arrays.set(k, [e]);
    } else singles.push(e);
  }
  type Unit = { lead: JobEntry; row: Row; kids: JobEntry[] };
  const units: Unit[] = [];
  for (const e of singles) {
    if (matchesFilter(e, o.filter)) units.push({ lead: e, row: jobRow(e, 0), kids: [] });
  }
  for (const list of arrays.values()) {
    const first = list[0]!;
    // One plain task is just a job; a range record or several tasks make a group.
    if (list.length === 1 && taskCount(first) === 1) {
      if (matchesFilter(first, o.filter)) units.push({ lead: first, row: jobRow(first, 0), kids: [] });
      continue;
    }
    const kids = list.filter((e) => matchesFilter(e, o.filter)).sort(compareTasks);
    if (kids.length === 0) continue;
    const gk = groupKey(first.cluster, first.job.array_job_id!);
    const lead = list.slice().sort((a, b) => compare(a, b, o.sort, o.now))[0]!;
    const row: GroupRow = {
      kind: 'group',
      key: gk,
      cluster: first.cluster,
      arrayId: first.job.array_job_id!,
      children: list,
      taskCount: list.reduce((n, e) => n + taskCount(e), 0),
      expanded: o.expanded.has(gk),
      finished: list.every(isFinished),
    };
    units.push({ lead, row, kids });
  }
  units.sort((a, b) => compare(a.lead, b.lead, o.sort, o.now));
  const rows: Row[] = [];
  for (const u of units) {
    rows.push(u.row);
    if (u.row.kind === 'group' && u.row.expanded) for (const k of u.kids) rows.push(jobRow(k, 1));
  }
  return rows;
}

/** Task order: 83_2 before 83_10, and the pending range record `83_[11-20]` last. */
function compareTasks(a: JobEntry, b: JobEntry): number {
  const ra = taskCount(a) > 1 || a.job.array_task_id?.startsWith('[') ? 1 : 0;
  const rb = taskCount(b) > 1 || b.job.array_task_id?.startsWith('[') ? 1 : 0;
  return ra - rb || compareIds(a.job.job_id, b.job.job_id);
}

function jobRow(e: JobEntry, depth: 0 | 1): JobRow {
  return { kind: 'job', key: e.key, entry: e, depth, finished: isFinished(e) };
}

/** `3R 4PD 1F`: an array's states at a glance. */
export function groupSummary(children: JobEntry[]): { label: string; count: number; state: string }[] {
  const counts = new Map<string, number>();
  for (const e of children) {
    const s = e.job.state;
    counts.set(s, (counts.get(s) ?? 0) + taskCount(e));
  }
  const short: Record<string, string> = {
    RUNNING: 'R',
    PENDING: 'PD',
    COMPLETED: 'CD',
    COMPLETING: 'CG',
    FAILED: 'F',
    CANCELLED: 'CA',
    TIMEOUT: 'TO',
    OUT_OF_MEMORY: 'OOM',
    NODE_FAIL: 'NF',
    PREEMPTED: 'PR',
  };
  const order = ['RUNNING', 'COMPLETING', 'PENDING', 'FAILED', 'OUT_OF_MEMORY', 'TIMEOUT', 'NODE_FAIL', 'CANCELLED'];
  return [...counts.entries()]
    .sort((a, b) => rank(order, a[0]) - rank(order, b[0]))
    .map(([state, count]) => ({ label: `${count}${short[state] ?? state.slice(0, 2)}`, count, state }));
}

function rank(order: string[], s: string): number {
  const i = order.indexOf(s);
  return i === -1 ? order.length : i;
}

/** Index of the row for `key`, falling back to the array group that now hides it. */
export function findRow(rows: Row[], key: string | null, entries: Record<string, JobEntry>): number {
  if (key === null) return -1;
  const i = rows.findIndex((r) => r.key === key);
  if (i !== -1) return i;
  const e = entries[key];
  if (e?.job.array_job_id) return rows.findIndex((r) => r.key === groupKey(e.cluster, e.job.array_job_id!));
  return -1;
}
