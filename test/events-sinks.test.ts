/** Sinks and the notifier against a local HTTP receiver and real programs: formats, retries, redaction. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFY_EVENTS, type NotifyRule, parseSink } from '../parsers/notify-spec.js';
import { toEvent } from '../src/events/event-json.js';
import { Notifier } from '../src/events/notifier.js';
import { oscFlavour, oscNotification, tmuxPassthrough } from '../src/events/sinks.js';
import type { JobEvent } from '../src/events/types.js';
import { outboundRedactor } from '../src/redact.js';
import { analysis, entry } from './helpers/fixtures.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const SECRET = `hf_${'Ab1'.repeat(12)}`;
const failed = (): JobEvent =>
  toEvent(
    'job_failed',
    entry(
      NOW,
      { job_id: '4242', name: 'train-llm', state: 'FAILED', exit_code: '1:0', end_time: new Date(NOW).toISOString() },
      {
        analysis: analysis({
          failure: {
            category: 'python_exception',
            line: `ValueError: bad token HF_TOKEN=${SECRET}`,
            exception: 'ValueError',
          },
        }),
      },
    ),
    { now: NOW, at: NOW, late: false },
  );

const receivers: Receiver[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
async function receiver(script: number[] = []): Promise<Receiver> {
  const r = await startReceiver(script);
  receivers.push(r);
  return r;
}
const rule = (spec: string, events = DEFAULT_NOTIFY_EVENTS): NotifyRule => {
  const sink = parseSink(spec);
  if (typeof sink === 'string') throw new Error(sink);
  return { sink, events: new Set(events) };
};
function notifier(rules: NotifyRule[], over: { retryDelaysMs?: number[]; terminal?: { write(s: string): void } } = {}) {
  const reports: string[] = [];
  const n = new Notifier(rules, {
    terminal: over.terminal ?? null,
    env: {},
    report: (l) => reports.push(l),
    redact: outboundRedactor({}),
    retryDelaysMs: over.retryDelaysMs ?? [20, 20],
  });
  return { n, reports };
}

describe('sink specs', () => {
  it.each([
    ['bell', { kind: 'bell' }],
    ['osc', { kind: 'osc', flavour: null }],
    ['osc:777', { kind: 'osc', flavour: '777' }],
    ['tmux', { kind: 'tmux' }],
    ['desktop', { kind: 'desktop' }],
    ['https://example.org/hook', { kind: 'webhook', url: 'https://example.org/hook' }],
    ['ntfy:https://ntfy.sh/my-topic', { kind: 'ntfy', url: 'https://ntfy.sh/my-topic' }],
    ['slack:https://hooks.slack.com/services/T/B/x', { kind: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }],
    ['cmd:/usr/local/bin/on-event', { kind: 'cmd', argv: ['/usr/local/bin/on-event'] }],
  ])('%s', (spec, sink) => expect(parseSink(spec)).toEqual(sink));

  it.each(['mail:me@x', 'ntfy:topic', 'ftp://x', 'cmd:', 'osc:42', ''])('%j is refused with a reason', (spec) => {
    expect(typeof parseSink(spec)).toBe('string');
  });
});

describe('terminal notifications', () => {
  it('OSC 9, 777 and kitty 99, with nothing in the text that could end the sequence early', () => {
    expect(oscNotification('9', 'hpc-watch: 1 failed', 'oom\x07; gone')).toBe(
      '\x1b]9;hpc-watch: 1 failed: oom , gone\x07',
    );
    expect(oscNotification('777', 'a;b', 'c')).toBe('\x1b]777;notify;a,b;c\x07');
    expect(oscNotification('99', 't', 'b')).toBe('\x1b]99;i=hpcw:d=0;t\x1b\\\x1b]99;i=hpcw:d=1:p=body;b\x1b\\');
  });

  it('tmux passthrough doubles every ESC inside and wraps the whole', () => {
    expect(tmuxPassthrough('\x1b]9;hi\x07')).toBe('\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\');
  });

  it('the flavour is guessed from the terminal', () => {
    expect(oscFlavour({ TERM: 'xterm-kitty' })).toBe('99');
    expect(oscFlavour({ TERM: 'foot' })).toBe('777');
    expect(oscFlavour({ TERM: 'xterm-256color' })).toBe('9');
  });

  it('bell and osc write to the terminal; inside tmux the OSC goes wrapped', async () => {
    const out: string[] = [];
    const n = new Notifier([rule('bell'), rule('osc:9')], {
      terminal: { write: (s) => out.push(s) },
      env: { TMUX: '/tmp/tmux-0/default,1,0' },
      report: () => {},
      redact: outboundRedactor({}),
    });
    n.notify(failed());
    await n.drain(2000);
    expect(out[0]).toBe('\x07');
    expect(out[1]).toMatch(/^\x1bPtmux;\x1b\x1b\]9;hpc-watch: 4242 failed: job 4242/);
    expect(out.join('')).not.toContain(SECRET);
  });
});

describe('HTTP sinks and programs', () => {
  it('a webhook gets the event as JSON; ntfy its own format; Slack a text payload; all redacted', async () => {
    const r = await receiver();
    const { n } = notifier([rule(`${r.url}/hook`), rule(`ntfy:${r.url}/topic`), rule(`slack:${r.url}/services/T/B/X`)]);
    n.notify(failed());
    await n.drain(5000);
    expect(r.requests.map((q) => q.path).sort()).toEqual(['/hook', '/services/T/B/X', '/topic']);
    const hook = r.requests.find((q) => q.path === '/hook')!;
    expect(hook.headers['content-type']).toBe('application/json');
    const ev = JSON.parse(hook.body);
    expect(ev).toMatchObject({ event: 'job_failed', job_id: '4242', failure: { category: 'python_exception' } });
    expect(ev.failure.line).toBe('ValueError: bad token HF_TOKEN=[REDACTED:huggingface]');
    const ntfy = r.requests.find((q) => q.path === '/topic')!;
    expect(ntfy.headers).toMatchObject({ title: 'hpc-watch: 4242 failed', priority: '4', tags: 'x' });
    expect(ntfy.body).toMatch(/^job 4242 \(train-llm\) FAILED/);
    expect(JSON.parse(r.requests.find((q) => q.path.startsWith('/services'))!.body).text).toMatch(
      /^\*hpc-watch: 4242 failed\*\n/,
    );
    for (const q of r.requests) expect(q.body).not.toContain(SECRET);
  });

  it('a failing sink is retried with backoff and reported once, then again when it recovers', async () => {
    const r = await receiver([500, 500]);
    const { n, reports } = notifier([rule(r.url)], { retryDelaysMs: [30, 30, 30] });
    n.notify(failed());
    n.notify(failed());
    await n.drain(5000);
    expect(r.requests).toHaveLength(4);
    expect(reports).toEqual([
      `notify ${r.url}: HTTP 500; retrying with backoff (further errors not shown)`,
      `notify ${r.url}: delivering again`,
    ]);
    expect(n.stats()).toEqual([{ sink: r.url, delivered: 2, dropped: 0, failing: false }]);
  });

  it('a sink that stays down drops the event after the last retry and never holds up the others', async () => {
    const bad = await receiver([500, 500, 500, 500]);
    const good = await receiver();
    const { n, reports } = notifier([rule(bad.url), rule(good.url)], { retryDelaysMs: [1000, 1000] });
    n.notify(failed());
    await n.drain(10_000);
    expect(bad.requests).toHaveLength(3);
    expect(good.requests).toHaveLength(1);
    // The good sink was served while the bad one was still waiting to retry.
    expect(good.requests[0]!.at).toBeLessThan(bad.requests[1]!.at);
    expect(reports).toHaveLength(1);
    expect(n.stats()[0]).toMatchObject({ delivered: 0, dropped: 1, failing: true });
  });

  it('events a sink did not ask for are not sent', async () => {
    const r = await receiver();
    const { n } = notifier([rule(r.url, ['job_completed'])]);
    n.notify(failed());
    await n.drain(1000);
    expect(r.requests).toEqual([]);
  });

  it('cmd: runs the program (argv, no shell) with the event JSON on stdin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpcw-cmd-'));
    dirs.push(dir);
    const prog = join(dir, 'on event');
    writeFileSync(prog, `#!/bin/sh\ncat > "${join(dir, 'got.json')}"\n`);
    chmodSync(prog, 0o755);
    const { n } = notifier([rule(`cmd:${prog}`)]);
    n.notify(failed());
    await n.drain(5000);
    const got = JSON.parse(readFileSync(join(dir, 'got.json'), 'utf8'));
    expect(got).toMatchObject({ event: 'job_failed', job_id: '4242' });
    expect(JSON.stringify(got)).not.toContain(SECRET);
  });

  it('a missing program or terminal is a reported failure, not a crash', async () => {
    const { n, reports } = notifier([rule('cmd:/nonexistent/prog'), rule('bell')], { retryDelaysMs: [] });
    n.notify(failed());
    await n.drain(2000);
    expect(reports.sort()).toEqual([
      'notify bell: no terminal to write to; retrying with backoff (further errors not shown)',
      'notify cmd:/nonexistent/prog: /nonexistent/prog not found; retrying with backoff (further errors not shown)',
    ]);
  });
});
