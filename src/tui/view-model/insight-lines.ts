/**
 * The job view's insight lines: why a queued job waits and for what, what a running job uses now
 * (on-demand sstat), what an ended job used and what to ask for next time.
 */
import { format } from 'date-fns/format';
import type { Efficiency } from '../../../parsers/efficiency.js';
import { isEnded, isRunning } from '../../../parsers/job-state.js';
import { explainReason } from '../../../parsers/pending-reason.js';
import { sanitizeField } from '../../../parsers/sanitize.js';
import { truncateToWidth, wrapToWidth } from '../../../parsers/text-width.js';
import { parseTres, tresBytes, tresCount } from '../../../parsers/tres.js';
import { fmtShortDuration } from '../../format.js';
import { pendingInsight } from '../../model/pending.js';
import { fmtMem, rightSizeHints } from '../../model/right-size.js';
import { elapsedNow, type JobEntry, type LiveInfo } from '../../store.js';
import type { CellPart } from './cells.js';
import type { HeaderLine } from './job-header.js';

/** What the view knows beyond the job itself. */
export interface JobContext {
  live: LiveInfo | undefined;
  /** Every job in the store: dependency targets are looked up here. */
  jobs: Record<string, JobEntry>;
}

const p = (text: string, tone: CellPart['tone'] = 'plain'): CellPart => ({ text, tone });
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** `31/39%`: CPU and memory efficiency of an ended job, for the table; empty when unknown. */
export function efficiencyCell(e: Efficiency | null): string {
  if (!e || (e.cpu === null && e.mem === null)) return '';
  const n = (x: number | null) => (x === null ? '-' : String(Math.round(x * 100)));
  return `${n(e.cpu)}/${n(e.mem)}%`;
}

/** `text` wrapped under `label` in at most `max` rows; a cut ends in `…` so it never reads as whole. */
function wrapped(label: string, text: string, tone: CellPart['tone'], width: number, max: number): HeaderLine[] {
  const w = Math.max(10, width - label.length);
  const all = wrapToWidth(text, w);
  const rows = all.slice(0, max);
  if (all.length > max) rows[max - 1] = truncateToWidth(`${rows[max - 1]} ${all[max]}`, w);
  return rows.map((l, i) => ({ parts: [p(i === 0 ? label : ' '.repeat(label.length), 'dim'), p(l, tone)] }));
}

function pendingLines(e: JobEntry, now: number, width: number, ctx: JobContext): HeaderLine[] {
  const info = pendingInsight(e, ctx.jobs, ctx.live);
  if (!info) return [];
  const lines: HeaderLine[] = [];
  const stuck = explainReason(e.job.reason)?.stuck ?? false;
  // A job that will not start as it is gets room for what helps.
  if (info.reason_text)
    lines.push(...wrapped('why: ', sanitizeField(info.reason_text), stuck ? 'warning' : 'plain', width, stuck ? 4 : 2));
  if (info.dependencies.length > 0) {
    const parts: CellPart[] = [p('waits for: ', 'dim')];
    info.dependencies.forEach((d, i) => {
      if (i > 0) parts.push(p(e.job.dependency?.includes('?') ? ' or ' : ' and ', 'dim'));
      parts.push(
        p(
          d.job_id === null
            ? `${d.type} (another job of yours with this name is running)`
            : `${d.type} ${sanitizeField(d.job_id)}`,
        ),
      );
      const state = d.state ?? (d.status === 'failed' ? 'failed' : null);
      if (state) parts.push(p(` (${state})`, d.status === 'failed' ? 'error' : { state }));
    });
    if (info.never) parts.push(p(' — it will never start', 'error'));
    lines.push({ parts });
  }
  if (info.est_start) {
    const ms = Date.parse(info.est_start);
    if (Number.isFinite(ms)) {
      const when = ms > now ? ` (in ${fmtShortDuration((ms - now) / 1000)})` : '';
      lines.push({
        parts: [
          p('expected start: ', 'dim'),
          p(format(ms, 'EEE d MMM HH:mm')),
          p(`${when}, the scheduler's estimate`, 'dim'),
        ],
      });
    }
  }
  return lines;
}

function liveLines(e: JobEntry, live: LiveInfo | undefined): HeaderLine[] {
  if (live?.error) return [{ parts: [p('usage: ', 'dim'), p(sanitizeField(live.error), 'dim')] }];
  const u = live?.usage;
  if (!u || live.usageAt === null) return [];
  const alloc = parseTres(e.job.alloc_tres);
  const cpus = tresCount(alloc, 'cpu');
  const memAlloc = tresBytes(alloc, 'mem', 'megabytes');
  const el = elapsedNow(e, live.usageAt);
  const parts: CellPart[] = [p('used so far: ', 'dim')];
  if (u.cpu_used_s !== null && cpus && el) parts.push(p(`CPU ${(u.cpu_used_s / el).toFixed(1)} of ${cpus} on average`));
  if (u.mem_used_bytes !== null) {
    if (parts.length > 1) parts.push(p(' · ', 'dim'));
    parts.push(p(`mem peak ${fmtMem(u.mem_used_bytes)}${memAlloc ? ` of ${fmtMem(memAlloc)}` : ''}`));
  }
  if (u.gpu_util_pct !== null) parts.push(p(` · GPU peak ${Math.round(u.gpu_util_pct)}%`));
  parts.push(p(' (sstat)', 'dim'));
  return parts.length > 2 ? [{ parts }] : [];
}

function endedLines(e: JobEntry, width: number): HeaderLine[] {
  const eff = e.job.efficiency;
  if (!eff) return [];
  const used: string[] = [];
  if (eff.cpu !== null) used.push(`CPU ${pct(eff.cpu)}${eff.cpus ? ` of ${eff.cpus}` : ''}`);
  if (eff.mem !== null && eff.mem_used_bytes !== null && eff.mem_alloc_bytes !== null) {
    used.push(`mem ${fmtMem(eff.mem_used_bytes)} of ${fmtMem(eff.mem_alloc_bytes)} (${pct(eff.mem)})`);
  }
  if (eff.gpu_util !== null) used.push(`GPU ${pct(eff.gpu_util)} of ${eff.gpus}`);
  if (eff.time_used_ratio !== null) used.push(`time ${pct(eff.time_used_ratio)} of limit`);
  const lines: HeaderLine[] = used.length ? [{ parts: [p('used: ', 'dim'), p(used.join(' · '))] }] : [];
  const single = e.job.num_nodes === 1 || (e.job.num_nodes === null && !/[[,]/.test(e.job.nodes ?? ''));
  const hints = rightSizeHints({
    state: e.job.state,
    efficiency: eff,
    elapsed_s: e.job.elapsed_s,
    time_limit_s: e.job.time_limit_s,
    single_node: single,
  });
  for (const h of hints) lines.push(...wrapped('next time: ', h, 'accent', width, 1));
  return lines;
}

/** The insight lines for the job's state; none when nothing is known. */
export function insightLines(e: JobEntry, now: number, width: number, ctx: JobContext): HeaderLine[] {
  if (isEnded(e.job.state)) return endedLines(e, width);
  if (isRunning(e.job.state)) return liveLines(e, ctx.live);
  return pendingLines(e, now, width, ctx);
}
