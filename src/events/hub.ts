/**
 * The event layer between the store and its consumers: it watches the store, derives each
 * transition once (derive.ts), remembers what it told (state-file.ts), and hands every event to
 * whoever listens — the TUI, `--wait`, auto-diagnosis, sinks, metrics, MCP.
 */
import type { State, Store } from '../store.js';
import { type DeriveOptions, EventDeriver, type JobMemory } from './derive.js';
import { loadMemory, saveMemory } from './state-file.js';
import type { JobEvent } from './types.js';

export type EventListener = (ev: JobEvent) => void;

export interface HubOptions extends DeriveOptions {
  /** Where the memory lives; null = none (a one-shot `--wait` has nothing to remember). */
  stateFile: string | null;
  now?: () => number;
}

const RECENT = 50;
const SAVE_EVERY_MS = 30_000;

export class EventHub {
  private readonly deriver: EventDeriver;
  private readonly listeners = new Set<EventListener>();
  private readonly now: () => number;
  private unsubscribe: (() => void) | null = null;
  private lastSave = 0;
  /** The last events, newest last (the TUI's list). */
  readonly recent: JobEvent[] = [];

  constructor(
    private readonly store: Store,
    private readonly opts: HubOptions,
  ) {
    this.now = opts.now ?? Date.now;
    const memory: Record<string, JobMemory> = opts.stateFile ? loadMemory(opts.stateFile) : {};
    this.deriver = new EventDeriver(opts, memory);
  }

  /** Adds a listener; returns its removal. A listener that throws never stops the others. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Derives from the store as it is now, then from every change. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.subscribe((s) => this.derive(s));
    this.derive(this.store.getState());
  }

  /** Stops listening and writes the memory. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.save(true);
  }

  private derive(state: State): void {
    const now = this.now();
    const events = this.deriver.update(state, now);
    for (const ev of events) {
      this.recent.push(ev);
      if (this.recent.length > RECENT) this.recent.shift();
      for (const l of this.listeners) {
        try {
          l(ev);
        } catch {
          // a broken consumer must not silence the others, nor the watcher
        }
      }
    }
    this.save(events.length > 0);
  }

  private save(force: boolean): void {
    if (!this.opts.stateFile) return;
    const now = this.now();
    // Seen-times change every poll: write those at a slow pace, and at once when something was told.
    if (!force && now - this.lastSave < SAVE_EVERY_MS) return;
    saveMemory(this.opts.stateFile, this.deriver.remember());
    this.lastSave = now;
  }
}
