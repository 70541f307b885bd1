/**
 * Sends events to sinks without ever holding up the watcher: one queue per sink (so a slow
 * webhook delays nobody else), retries with backoff, and a failing sink reported once, not once
 * per event. Everything is redacted before it goes.
 */
import { type NotifyRule, sinkLabel } from '../../parsers/notify-spec.js';
import type { RedactionResult } from '../../parsers/redact.js';
import { redactDeep } from '../redact.js';
import { type DeliverContext, deliver, type Terminal } from './sinks.js';
import type { JobEvent } from './types.js';

export type { NotifyRule } from '../../parsers/notify-spec.js';

export interface NotifierOptions {
  terminal: Terminal | null;
  env: NodeJS.ProcessEnv;
  /** One line about a sink's health (stderr, or the TUI's status line). */
  report(line: string): void;
  redact(text: string): RedactionResult;
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd… attempt; after the last the event is dropped. */
  retryDelaysMs?: readonly number[];
  /** Events waiting per sink; beyond this the oldest is dropped (a sink down for days). */
  maxQueue?: number;
}

interface Lane {
  rule: NotifyRule;
  label: string;
  queue: JobEvent[];
  busy: boolean;
  failing: boolean;
  delivered: number;
  dropped: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class Notifier {
  private readonly lanes: Lane[];
  private readonly ctx: DeliverContext;
  private readonly retries: readonly number[];
  private readonly maxQueue: number;

  constructor(
    rules: NotifyRule[],
    private readonly opts: NotifierOptions,
  ) {
    this.lanes = rules.map((rule) => ({
      rule,
      label: sinkLabel(rule.sink),
      queue: [],
      busy: false,
      failing: false,
      delivered: 0,
      dropped: 0,
    }));
    this.ctx = { terminal: opts.terminal, env: opts.env, timeoutMs: opts.timeoutMs ?? 10_000 };
    this.retries = opts.retryDelaysMs ?? [2_000, 10_000, 60_000];
    this.maxQueue = opts.maxQueue ?? 200;
  }

  /** Queues the event for every sink that wants it; returns at once. */
  notify(ev: JobEvent): void {
    const lanes = this.lanes.filter((l) => l.rule.events.has(ev.event));
    if (lanes.length === 0) return;
    const safe = redactDeep(ev, this.opts.redact);
    for (const lane of lanes) {
      lane.queue.push(safe);
      if (lane.queue.length > this.maxQueue) {
        lane.queue.shift();
        lane.dropped++;
      }
      if (!lane.busy) void this.work(lane);
    }
  }

  /** Waits until every queue is empty, or `timeoutMs` passed (shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.lanes.some((l) => l.busy) && Date.now() < end) await sleep(50);
  }

  /** Per sink: delivered, dropped and whether it is failing now. */
  stats(): { sink: string; delivered: number; dropped: number; failing: boolean }[] {
    return this.lanes.map((l) => ({ sink: l.label, delivered: l.delivered, dropped: l.dropped, failing: l.failing }));
  }

  private async work(lane: Lane): Promise<void> {
    lane.busy = true;
    try {
      while (lane.queue.length > 0) {
        const ev = lane.queue[0]!;
        if (await this.attempt(lane, ev)) lane.delivered++;
        else lane.dropped++;
        lane.queue.shift();
      }
    } finally {
      lane.busy = false;
    }
  }

  private async attempt(lane: Lane, ev: JobEvent): Promise<boolean> {
    for (let i = 0; ; i++) {
      try {
        await deliver(lane.rule.sink, ev, this.ctx);
        if (lane.failing) this.opts.report(`notify ${lane.label}: delivering again`);
        lane.failing = false;
        return true;
      } catch (err) {
        if (!lane.failing) {
          const why = ((err as Error).message ?? String(err)).split('\n')[0];
          this.opts.report(`notify ${lane.label}: ${why}; retrying with backoff (further errors not shown)`);
          lane.failing = true;
        }
        const wait = this.retries[i];
        if (wait === undefined) return false;
        await sleep(wait);
      }
    }
  }
}
