/** Status-line text: cluster health and data age, phrased so it never implies live data that is not. */
import { sanitizeField } from '../../../parsers/sanitize.js';
import { displayWidth } from '../../../parsers/text-width.js';
import { fmtShortDuration } from '../../format.js';
import type { ClusterStatus } from '../../store.js';
import type { CellPart } from './cells.js';
import { type Command, hintsFor, type Scope } from './keys.js';

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s ago` : `${fmtShortDuration(s)} ago`;
}

/** One cluster's state: connecting, ok + data age, or error + when the next try is. */
export function clusterParts(c: ClusterStatus, now: number, showName: boolean): CellPart[] {
  const name = showName ? `${sanitizeField(c.name)} ` : '';
  if (c.lastPollAt === null) return [{ text: `◌ ${name}connecting…`, tone: 'dim' }];
  if (!c.ok) {
    // Age, retry and staleness first: in a narrow pane the message is what gets cut.
    const what = c.connected ? 'poll failed' : 'disconnected';
    const out: CellPart[] = [{ text: `✖ ${name}${what} ${ago(now - c.lastPollAt)}`, tone: 'error' }];
    const retry = c.nextPollAt !== null ? Math.max(0, c.nextPollAt - now) : null;
    if (retry !== null) out.push({ text: ` · retry in ${fmtShortDuration(retry / 1000)}`, tone: 'dim' });
    if (c.stale) {
      const age = c.lastOkAt !== null ? ` from ${ago(now - c.lastOkAt)}` : '';
      out.push({ text: ` · data stale${age}`, tone: 'warning' });
    }
    out.push({ text: ` · ${sanitizeField(c.error ?? 'unknown error').split('⏎')[0]}`, tone: 'error' });
    return out;
  }
  const out: CellPart[] = [
    { text: `● ${name}`, tone: 'ok' },
    { text: `updated ${ago(now - c.lastPollAt)}`, tone: 'dim' },
  ];
  if (c.stale) out.push({ text: ' · stale', tone: 'warning' });
  return out;
}

/** Footer hints for a scope that fit `width`, dropping from the end but always keeping `? help`. */
export function fitHints(scope: Scope, width: number, idle?: ReadonlySet<Command>): string {
  const all = hintsFor(scope, idle).map((h) => `${h.keys} ${h.text}`);
  const help = all.pop() ?? '';
  const kept = [...all];
  const line = () => [...kept, help].join('  ');
  while (kept.length && displayWidth(line()) > width) kept.pop();
  return line();
}
