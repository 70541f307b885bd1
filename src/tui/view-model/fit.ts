/** Cutting multi-part (styled) text to a width without splitting a grapheme. */
import { displayWidth, truncateToWidth } from '../../../parsers/text-width.js';

export interface Part {
  text: string;
}

/**
 * Cuts parts so their joined text fits `width` columns, ending in `…` when cut.
 * Delegates the grapheme/width work to truncateToWidth and maps the cut back.
 */
export function fitParts<T extends Part>(parts: readonly T[], width: number): T[] {
  const full = parts.map((p) => p.text).join('');
  if (displayWidth(full) <= width) return parts.slice();
  const cut = truncateToWidth(full, width);
  const keep = cut.endsWith('…') ? cut.length - 1 : cut.length;
  const out: T[] = [];
  let used = 0;
  for (const p of parts) {
    if (used >= keep) break;
    const take = Math.min(p.text.length, keep - used);
    out.push({ ...p, text: p.text.slice(0, take) });
    used += take;
  }
  if (cut.endsWith('…')) {
    const last = out.at(-1);
    if (last) last.text += '…';
    else if (parts[0]) out.push({ ...parts[0], text: '…' });
  }
  return out;
}

/**
 * Joins whole segments with ` · ` while they fit `width` columns: a count cut to `1…` (from
 * `10 ended`) reads as a different number, so a segment is shown whole or not at all.
 */
export function fitSegments(segments: readonly string[], width: number): string {
  let out = '';
  for (const s of segments) {
    const next = out ? `${out} · ${s}` : s;
    if (displayWidth(next) > width) break;
    out = next;
  }
  return out;
}

/** The first wording whose segments all fit; else as many whole segments of the last (shortest) as fit. */
export function fitWordings(wordings: readonly (readonly string[])[], width: number): string {
  for (const w of wordings) if (displayWidth(w.join(' · ')) <= width) return w.join(' · ');
  return fitSegments(wordings.at(-1) ?? [], width);
}
