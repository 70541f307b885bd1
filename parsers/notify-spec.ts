/**
 * What a user may write for notifications (`--notify SINK`, the config file's `notify`): sink
 * specs and event names. Pure: a bad spec comes back as a message, the caller decides how to fail.
 */

export const EVENT_NAMES = [
  'job_started',
  'job_completed',
  'job_failed',
  'job_cancelled',
  'job_requeued',
  'job_timeout_risk',
  'job_stalled',
  'job_pending_reason_changed',
] as const;

/** One kind of transition. */
export type EventName = (typeof EVENT_NAMES)[number];

/** What push sinks get unless told otherwise: news worth a notification. */
export const DEFAULT_NOTIFY_EVENTS: readonly EventName[] = [
  'job_started',
  'job_completed',
  'job_failed',
  'job_requeued',
  'job_timeout_risk',
  'job_stalled',
];

/** OSC 9 (iTerm2, WezTerm, Windows Terminal, Ghostty…), 777 (foot, urxvt, VTE), 99 (kitty). */
export type OscFlavour = '9' | '777' | '99';

export type Sink =
  | { kind: 'bell' }
  | { kind: 'osc'; flavour: OscFlavour | null }
  | { kind: 'tmux' }
  | { kind: 'desktop' }
  | { kind: 'webhook'; url: string }
  | { kind: 'ntfy'; url: string }
  | { kind: 'slack'; url: string }
  | { kind: 'cmd'; argv: string[] };

/** A sink and the events it wants. */
export interface NotifyRule {
  sink: Sink;
  events: ReadonlySet<EventName>;
}

export const SINK_HELP =
  'bell, osc, osc:9, osc:777, osc:99, tmux, desktop, http(s)://URL, ntfy:URL, slack:URL, cmd:PROGRAM';

function httpUrl(s: string): string | null {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Reads a sink spec; a string is the reason it is not one. */
export function parseSink(spec: string): Sink | string {
  const s = spec.trim();
  if (s === 'bell' || s === 'tmux' || s === 'desktop') return { kind: s };
  const osc = /^osc(?::(9|777|99))?$/.exec(s);
  if (osc) return { kind: 'osc', flavour: (osc[1] as OscFlavour | undefined) ?? null };
  const prefixed = /^(ntfy|slack):(.*)$/.exec(s);
  if (prefixed || /^https?:\/\//i.test(s)) {
    const url = httpUrl(prefixed ? prefixed[2]! : s);
    if (!url) return `not an http(s) URL: ${JSON.stringify(prefixed ? prefixed[2] : s)}`;
    return { kind: prefixed ? (prefixed[1] as 'ntfy' | 'slack') : 'webhook', url };
  }
  // One program, no arguments: a shell string would be parsed by someone; the config file takes an argv.
  if (s.startsWith('cmd:') && s.length > 4) return { kind: 'cmd', argv: [s.slice(4)] };
  return `unknown sink ${JSON.stringify(spec)} (${SINK_HELP})`;
}

/** A short name for messages; URLs keep only their origin, since the paths of webhooks are secrets. */
export function sinkLabel(s: Sink): string {
  switch (s.kind) {
    case 'webhook':
    case 'ntfy':
    case 'slack': {
      const origin = new URL(s.url).origin;
      return s.kind === 'webhook' ? origin : `${s.kind}:${origin}`;
    }
    case 'cmd':
      return `cmd:${s.argv[0]}`;
    case 'osc':
      return s.flavour ? `osc:${s.flavour}` : 'osc';
    default:
      return s.kind;
  }
}
