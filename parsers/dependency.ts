/**
 * A job's dependency field as squeue (`%E`, `-O Dependency`) and `scontrol show job` print it,
 * the same from 22.05 to 25.x: `afterok:35(failed)?afterany:34(unfulfilled)`, `singleton(unfulfilled)`,
 * `after:40+1(unfulfilled)`, `afterok:46_*(unfulfilled)`, `(null)`. One target per item; satisfied
 * items are dropped by Slurm; `?` means any one is enough, `,` all of them. The input forms
 * (`afterany:37:38`, a bare `123`) are read too.
 */

export type DependencyStatus = 'unfulfilled' | 'failed' | 'fulfilled' | 'unknown';

/** One thing the job waits for. */
export interface DependencyItem {
  /** `afterok`, `afterany`, `afternotok`, `after`, `aftercorr`, `afterburstbuffer`, `expand`, `singleton`. */
  type: string;
  /** `123`, `43_1` (one array task), `46_*` (a whole array); null for singleton. */
  job_id: string | null;
  /** What Slurm says of this item: `failed` means it can never be satisfied. */
  status: DependencyStatus;
  /** `after:123+10`: minutes after the target started. */
  delay_min: number | null;
}

export interface Dependencies {
  items: DependencyItem[];
  /** `?`-separated: any one item is enough. */
  any: boolean;
}

const TYPES = new Set(['after', 'afterany', 'afterok', 'afternotok', 'aftercorr', 'afterburstbuffer', 'expand']);
const TARGET = /^(\d{1,12}(?:_(?:\d{1,9}|\*))?)(?:\+(\d{1,9}))?(?:\((\w+)\))?$/;

function status(s: string | undefined): DependencyStatus {
  const t = (s ?? '').toLowerCase();
  return t === 'unfulfilled' || t === 'failed' || t === 'fulfilled' ? t : 'unknown';
}

function item(text: string): DependencyItem[] | null {
  const single = /^singleton(?:\((\w+)\))?$/i.exec(text);
  if (single) return [{ type: 'singleton', job_id: null, status: status(single[1]), delay_min: null }];
  const colon = text.indexOf(':');
  // Old form: a bare job id means afterany.
  const type = colon < 0 ? 'afterany' : text.slice(0, colon).toLowerCase();
  if (!TYPES.has(type)) return null;
  const out: DependencyItem[] = [];
  for (const t of (colon < 0 ? text : text.slice(colon + 1)).split(':')) {
    const m = TARGET.exec(t);
    if (!m) return null;
    out.push({ type, job_id: m[1]!, status: status(m[3]), delay_min: m[2] === undefined ? null : Number(m[2]) });
  }
  return out;
}

/** The parsed field; null for `(null)`, empty, or text that is not a dependency list. */
export function parseDependency(s: string | null | undefined): Dependencies | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  if (t === '' || t === '(null)' || t.length > 10_000) return null;
  const items: DependencyItem[] = [];
  for (const part of t.split(/[,?]/)) {
    if (part.trim() === '') continue;
    const got = item(part.trim());
    if (got === null) return null;
    items.push(...got);
  }
  return items.length ? { items, any: t.includes('?') } : null;
}
