/** The JOB and PROGRESS sections of the excerpt, and the section renderer they share. */
import { sanitizeField } from '../../parsers/sanitize.js';
import { fmtDuration, fmtRate } from '../format.js';
import { clipTokens, type Item, isProgressLine, tokenCost } from './collapse.js';
import type { ExcerptInput } from './excerpt.js';

type Redactor = (text: string) => string;

const FIELD_TOKENS = 80;

/** A rendered section and its (fractional) token cost. */
export interface Built {
  text: string;
  cost: number;
}

/** `header` then one line per item, each ending in a newline. */
export function section(header: string, items: readonly Item[] | readonly string[]): Built {
  const lines = items.map((x) => (typeof x === 'string' ? x : x.text));
  const text = `${header}\n${lines.map((l) => `${l}\n`).join('')}`;
  return { text, cost: tokenCost(text) };
}

function field(redact: Redactor, v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  return clipTokens(redact(sanitizeField(v)), FIELD_TOKENS);
}

function fmtSize(n: number | null): string {
  if (n === null) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

/** Scheduler facts: never cut, each value clipped to a few dozen tokens. */
export function jobSection(input: ExcerptInput, redact: Redactor): Built {
  const j = input.job;
  const f = input.facts;
  const kv = (pairs: [string, string | null][]) =>
    pairs
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  const state = j.state_detail ? `${j.state} ${j.state_detail}` : j.state;
  const elapsed =
    j.elapsed_s === null
      ? null
      : j.time_limit_s === null
        ? `${fmtDuration(j.elapsed_s)} (limit unknown or none)`
        : `${fmtDuration(j.elapsed_s)}/${fmtDuration(j.time_limit_s)}`;
  const lines = [
    kv([
      ['id', field(redact, j.job_id)],
      ['name', field(redact, j.name)],
      ['state', field(redact, state)],
      ['exit', j.exit_code],
      ['derived', j.derived_exit_code],
      ['reason', field(redact, j.reason)],
    ]),
    kv([
      ['elapsed', elapsed],
      ['partition', field(redact, j.partition)],
      ['nodes', j.num_nodes === null ? null : String(j.num_nodes)],
      ['nodelist', field(redact, j.nodes)],
    ]),
    kv([
      ['req_mem', field(redact, j.req_mem)],
      ['alloc_tres', field(redact, j.alloc_tres)],
      ['max_rss', field(redact, j.max_rss)],
    ]),
    kv([
      ['workdir', field(redact, j.work_dir)],
      ['cmd', field(redact, j.command)],
    ]),
  ];
  const log = (name: string, path: string | null, size: number | null, note: string | null | undefined) =>
    path ? `${name}=${field(redact, path)} (${note ? field(redact, note) : fmtSize(size)})` : null;
  if (f.stdoutPath && f.stdoutPath === f.stderrPath)
    lines.push(log('stdout+stderr', f.stdoutPath, f.stdoutSize, f.stdoutNote) ?? '');
  else
    lines.push(
      [log('stdout', f.stdoutPath, f.stdoutSize, f.stdoutNote), log('stderr', f.stderrPath, f.stderrSize, f.stderrNote)]
        .filter(Boolean)
        .join(' '),
    );
  if (f.exitNote) lines.push(`note: ${field(redact, f.exitNote)}`);
  return section(
    '### JOB',
    lines.filter((l) => l !== ''),
  );
}

/** Last progress state, the last bar as printed, and the last metrics. */
export function progressSection(input: ExcerptInput, streams: readonly (readonly string[])[]): Built | null {
  const p = input.facts.progress;
  const metrics = Object.entries(input.facts.metrics ?? {}).slice(-12);
  const lines: string[] = [];
  if (p) {
    const bits: string[] = [];
    if (p.current !== null || p.total !== null) {
      const pct = p.current !== null && p.total ? ` (${Math.round((100 * p.current) / p.total)}%)` : '';
      bits.push(`progress=${p.current ?? '?'}/${p.total ?? '?'}${p.unit ? ` ${sanitizeField(p.unit)}` : ''}${pct}`);
    }
    if (p.rate !== null) bits.push(`rate=${fmtRate(p)}`);
    if (p.epoch !== null) bits.push(`epoch=${p.epoch}${p.epoch_total !== null ? `/${p.epoch_total}` : ''}`);
    if (p.elapsed_s !== null) bits.push(`elapsed=${fmtDuration(p.elapsed_s)}`);
    if (p.eta_s !== null) bits.push(`eta=${fmtDuration(p.eta_s)}`);
    if (input.facts.framework && input.facts.framework !== 'none') bits.unshift(`framework=${input.facts.framework}`);
    if (bits.length) lines.push(bits.join(' '));
  }
  const last = lastProgressLine(streams);
  if (last) lines.push(`last bar: ${clipTokens(last.trim(), 60)}`);
  if (metrics.length)
    lines.push(`metrics: ${metrics.map(([k, v]) => `${clipTokens(sanitizeField(k), 10)}=${v}`).join(' ')}`);
  return lines.length ? section('### PROGRESS', lines) : null;
}

function lastProgressLine(streams: readonly (readonly string[])[]): string | null {
  for (const lines of streams) {
    for (let i = lines.length - 1, seen = 0; i >= 0 && seen < 2000; i--, seen++) {
      if (isProgressLine(lines[i]!)) return lines[i]!;
    }
  }
  return null;
}
