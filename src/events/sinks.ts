/**
 * Where events can go: the terminal (bell, OSC desktop notifications that travel over SSH to the
 * user's own desktop, tmux's message line), the local desktop (notify-send), HTTP (JSON, ntfy,
 * Slack) and a program of the user's. Each sink delivers one event or throws; retries, order and
 * error reporting are the notifier's.
 */
import { spawn } from 'node:child_process';
import type { OscFlavour, Sink } from '../../parsers/notify-spec.js';
import type { JobEvent } from './types.js';

export type { Sink } from '../../parsers/notify-spec.js';

/** The OSC flavour this terminal understands, guessed from the environment (over SSH: usually 9). */
export function oscFlavour(env: NodeJS.ProcessEnv): OscFlavour {
  if (env.KITTY_WINDOW_ID || env.TERM === 'xterm-kitty') return '99';
  if (/^(foot|rxvt)/.test(env.TERM ?? '') || env.VTE_VERSION) return '777';
  return '9';
}

// Nothing that could end or confuse the sequence: controls, and `;` which separates 777's fields.
const plain = (s: string, max: number) =>
  s
    .replace(/[\x00-\x1f\x7f-\x9f]/g, ' ')
    .replace(/;/g, ',')
    .slice(0, max);

/** A desktop notification as a terminal escape sequence. */
export function oscNotification(flavour: OscFlavour, title: string, body: string): string {
  const t = plain(title, 80);
  const b = plain(body, 240);
  if (flavour === '777') return `\x1b]777;notify;${t};${b}\x07`;
  if (flavour === '99') return `\x1b]99;i=hpcw:d=0;${t}\x1b\\\x1b]99;i=hpcw:d=1:p=body;${b}\x1b\\`;
  return `\x1b]9;${t}: ${b}\x07`;
}

/** Inside tmux a sequence reaches the outer terminal only wrapped (and with `allow-passthrough on`). */
export function tmuxPassthrough(seq: string): string {
  return `\x1bPtmux;${seq.replaceAll('\x1b', '\x1b\x1b')}\x1b\\`;
}

/** A title for push notifications: what happened to which job. */
export function eventTitle(ev: JobEvent): string {
  const what = ev.event.replace(/^job_/, '').replaceAll('_', ' ');
  return `hpc-watch: ${ev.cluster === 'local' ? '' : `${ev.cluster} `}${ev.job_id} ${what}`;
}

const NTFY_PRIORITY: Partial<Record<JobEvent['event'], string>> = {
  job_failed: '4',
  job_stalled: '4',
  job_timeout_risk: '4',
  job_completed: '3',
};
const NTFY_TAGS: Partial<Record<JobEvent['event'], string>> = {
  job_failed: 'x',
  job_stalled: 'hourglass',
  job_timeout_risk: 'warning',
  job_completed: 'white_check_mark',
  job_started: 'arrow_forward',
  job_requeued: 'repeat',
};

/** Header values must be latin1; ntfy reads UTF-8 only in the body. */
const asciiHeader = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const r = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
  // Drain the body so the connection is released.
  await r.arrayBuffer().catch(() => undefined);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
}

function run(argv: string[], input: string | null, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [input === null ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr?.on('data', (b: Buffer) => {
      err = (err + b.toString()).slice(-500);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(e.code === 'ENOENT' ? `${argv[0]} not found` : e.message));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(`${argv[0]} exited ${code ?? signal}${err.trim() ? `: ${err.trim().split('\n').at(-1)}` : ''}`),
        );
    });
    if (input !== null && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** Where terminal sinks write: the user's terminal, or null when there is none (a daemon). */
export interface Terminal {
  write(s: string): void;
}

export interface DeliverContext {
  terminal: Terminal | null;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Delivers one (already redacted) event; throws a one-line error when the sink did not take it. */
export async function deliver(sink: Sink, ev: JobEvent, ctx: DeliverContext): Promise<void> {
  const title = eventTitle(ev);
  switch (sink.kind) {
    case 'bell':
    case 'osc': {
      if (!ctx.terminal) throw new Error('no terminal to write to');
      const seq =
        sink.kind === 'bell' ? '\x07' : oscNotification(sink.flavour ?? oscFlavour(ctx.env), title, ev.message);
      ctx.terminal.write(ctx.env.TMUX && sink.kind === 'osc' ? tmuxPassthrough(seq) : seq);
      return;
    }
    case 'tmux':
      if (!ctx.env.TMUX) throw new Error('not inside tmux');
      return run(['tmux', 'display-message', '-d', '8000', `${title}: ${ev.message}`], null, ctx.timeoutMs);
    case 'desktop':
      return run(['notify-send', '--app-name=hpc-watch', title, ev.message], null, ctx.timeoutMs);
    case 'webhook':
      return post(sink.url, JSON.stringify(ev), { 'Content-Type': 'application/json' }, ctx.timeoutMs);
    case 'ntfy':
      return post(
        sink.url,
        ev.message,
        {
          Title: asciiHeader(title),
          Priority: NTFY_PRIORITY[ev.event] ?? '3',
          Tags: NTFY_TAGS[ev.event] ?? 'information_source',
        },
        ctx.timeoutMs,
      );
    case 'slack':
      return post(
        sink.url,
        JSON.stringify({ text: `*${title}*\n${ev.message}` }),
        { 'Content-Type': 'application/json' },
        ctx.timeoutMs,
      );
    case 'cmd':
      return run(sink.argv, `${JSON.stringify(ev)}\n`, ctx.timeoutMs);
  }
}
