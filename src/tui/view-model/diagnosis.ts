/** The diagnosis pane's lines, from `store.diagnoses[key]`. */
import { sanitizeLogLine } from '../../../parsers/sanitize.js';
import { wrapToWidth } from '../../../parsers/text-width.js';
import { fmtCount } from '../../format.js';
import type { DiagnosisState } from '../../store.js';
import type { CellPart } from './cells.js';

const SPINNER = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** At most `maxLines` lines: a title with the status, then the text or the error, then cost and tokens. */
export function diagnosisLines(d: DiagnosisState, width: number, maxLines: number, frame = 0): CellPart[][] {
  if (d.status === 'idle' || maxLines <= 0) return [];
  const lines: CellPart[][] = [];
  const title: CellPart[] = [{ text: 'Diagnosis', tone: 'accent' }];
  if (d.status === 'running') title.push({ text: ` ${SPINNER[frame % SPINNER.length]} asking Claude…`, tone: 'dim' });
  if (d.cached) title.push({ text: ' (cached)', tone: 'dim' });
  lines.push(title);
  const body =
    d.status === 'error'
      ? { text: d.error ?? 'diagnosis failed', tone: 'error' as const }
      : d.status === 'done'
        ? { text: d.text ?? '(no answer)', tone: 'plain' as const }
        : null;
  const cost: string[] = [];
  if (d.costUsd !== null) cost.push(`$${d.costUsd.toFixed(d.costUsd < 0.1 ? 4 : 2)}`);
  if (d.inputTokens !== null || d.outputTokens !== null) {
    cost.push(`${fmtCount(d.inputTokens)} in / ${fmtCount(d.outputTokens)} out tokens`);
  }
  const room = maxLines - 1 - (cost.length ? 1 : 0);
  if (body && room > 0) {
    const wrapped = sanitizeLogLine(body.text)
      .split('\n')
      .flatMap((l) => wrapToWidth(l, Math.max(10, width - 2)));
    const shown =
      wrapped.length > room ? [...wrapped.slice(0, room - 1), `… ${wrapped.length - room + 1} more lines`] : wrapped;
    for (const l of shown) lines.push([{ text: `  ${l}`, tone: body.tone }]);
  }
  if (cost.length && lines.length < maxLines) lines.push([{ text: `  ${cost.join(' · ')}`, tone: 'dim' }]);
  return lines.slice(0, maxLines);
}
