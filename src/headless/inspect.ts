/** `hpc-watch inspect FILE...`: parse the tail of each log; never loads Ink. */
import { analyzeLog } from '../../parsers/log.js';
import { sanitizeField } from '../../parsers/sanitize.js';
import type { LogAnalysis } from '../../parsers/types.js';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { fmtDuration, fmtPercent, fmtProgressCount, fmtRate, progressPercent } from '../format.js';
import { readTail } from '../tail/read-tail.js';
import { LocalTransport } from '../transport/local.js';

export interface InspectResult extends LogAnalysis {
  file: string;
  size: number;
  /** Set when the file is not a parseable log (empty, binary). */
  note: string | null;
}

/**
 * Looks like a binary file when control bytes are common in the tail. NUL runs are
 * not counted: NFS and preallocated logs can hold zero-filled holes before real text.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64 * 1024);
  if (n === 0) return false;
  let bad = 0;
  let nul = 0;
  for (let i = bytes.length - n; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) nul++;
    else if (b < 7 || (b > 13 && b < 27) || (b > 27 && b < 32)) bad++;
  }
  const text = n - nul;
  return text === 0 || bad / text > 0.05;
}

/** Parses one file; errors (missing, unreadable, directory) come back as a message. */
export async function inspectFile(
  path: string,
  tailBytes: number,
): Promise<InspectResult | { file: string; error: string }> {
  const transport = new LocalTransport();
  try {
    const tail = await readTail(transport, path, tailBytes);
    if (!tail) return { file: path, error: 'no such file' };
    const empty: LogAnalysis = { framework: 'none', progress: null, metrics: {}, failure: null };
    if (tail.size === 0) return { file: path, size: 0, note: 'empty file', ...empty };
    if (looksBinary(tail.bytes)) return { file: path, size: tail.size, note: 'binary file, not a text log', ...empty };
    return { file: path, size: tail.size, note: null, ...analyzeLog(tail.bytes) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message.split('\n')[0]!;
    return { file: path, error: why.replace(`${path} `, '') };
  }
}

/** Runs inspect over every file, printing results as they come; exit 2 if any file failed. */
export async function runInspect(opts: CliOptions, settings: Pick<Settings, 'tailBytes'>): Promise<number> {
  let failed = 0;
  for (const file of opts.positionals) {
    const r = await inspectFile(file, settings.tailBytes);
    if ('error' in r) {
      failed++;
      process.stderr.write(`hpc-watch: ${file}: ${r.error}\n`);
      continue;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(toJson(r))}\n` : formatInspect(r));
  }
  return failed ? 2 : 0;
}

/** The corpus label keys plus file, size and note. */
export function toJson(r: InspectResult): Record<string, unknown> {
  return {
    file: r.file,
    framework: r.framework,
    progress: r.progress,
    metrics: r.metrics,
    failure: r.failure,
    size: r.size,
    note: r.note,
  };
}

/** A compact block per file that fits 80 columns. */
export function formatInspect(r: InspectResult): string {
  const out: string[] = [];
  const name = sanitizeField(r.file);
  if (r.note) {
    out.push(`${name}: ${r.note}`);
    return `${out.join('\n')}\n`;
  }
  const p = r.progress;
  const bits: string[] = [r.framework];
  if (p) {
    const pct = progressPercent(p);
    bits.push(`${fmtProgressCount(p)}${pct === null ? '' : ` (${fmtPercent(pct)})`}`);
    if (p.rate !== null) bits.push(fmtRate(p));
    if (p.eta_s !== null) bits.push(`ETA ${fmtDuration(p.eta_s)}`);
    if (p.epoch !== null) bits.push(`epoch ${p.epoch}${p.epoch_total === null ? '' : `/${p.epoch_total}`}`);
  } else bits.push('no progress seen');
  out.push(`${name}`);
  out.push(`  ${bits.join(' · ')}`);
  const metrics = Object.entries(r.metrics)
    .slice(0, 8)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`);
  if (metrics.length) out.push(`  ${metrics.join(' ')}`);
  if (r.failure) out.push(`  ✗ ${r.failure.category}: ${sanitizeField(r.failure.line)}`);
  else out.push('  no failure seen');
  return `${out.join('\n')}\n`;
}
