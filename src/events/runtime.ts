/**
 * The event layer for one session, as the TUI and `hpc-watch events` both run it: the hub, the
 * notifier for `--notify` sinks, counters and the optional `/metrics` server.
 */
import { openSync, writeSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Settings } from '../config.js';
import { outboundRedactor } from '../redact.js';
import type { Session } from '../session.js';
import { EventHub } from './hub.js';
import { EventCounters, renderMetrics, serveMetrics } from './metrics.js';
import { Notifier } from './notifier.js';
import type { Terminal } from './sinks.js';
import { stateFilePath } from './state-file.js';

export interface EventsRuntime {
  hub: EventHub;
  notifier: Notifier | null;
  counters: EventCounters;
  server: Server | null;
  /** Stops deriving, gives queued notifications a moment, closes the server. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Which watcher this is: each keeps its own memory of what it told. */
  watcher: 'events' | 'tui';
  terminal: Terminal | null;
  /** One line about a sink's or the server's health. */
  report(line: string): void;
  env?: NodeJS.ProcessEnv;
}

/** The user's terminal for bell and OSC sinks when stdout is not it (a daemon has none). */
export function controllingTerminal(): Terminal | null {
  try {
    const fd = openSync('/dev/tty', 'w');
    return { write: (s) => void writeSync(fd, s) };
  } catch {
    return process.stderr.isTTY ? { write: (s) => void process.stderr.write(s) } : null;
  }
}

/** What a watcher's memory is keyed by: the same clusters and jobs give the same file. */
function scopeOf(session: Session, settings: Settings): string {
  return JSON.stringify({
    clusters: session.clusters.map((c) => c.name).sort(),
    demo: settings.demo,
    allUsers: settings.allUsers,
    jobIds: settings.jobIds,
  });
}

/** Starts the event layer over a session's store. */
export async function startEvents(session: Session, settings: Settings, o: RuntimeOptions): Promise<EventsRuntime> {
  const env = o.env ?? process.env;
  const hub = new EventHub(session.store, {
    stallFactor: settings.stall.factor,
    stallMinMs: settings.stall.minMs,
    selfUid: (cluster) => session.clusters.find((c) => c.name === cluster)?.uid() ?? null,
    // A demo's jobs are new every run: nothing to remember.
    stateFile: settings.demo ? null : stateFilePath(o.watcher, scopeOf(session, settings), env),
  });
  const counters = new EventCounters();
  const notifier =
    settings.notify.length > 0
      ? new Notifier(settings.notify, { terminal: o.terminal, env, report: o.report, redact: outboundRedactor(env) })
      : null;
  hub.on((ev) => {
    counters.add(ev);
    notifier?.notify(ev);
  });
  const server = settings.metrics
    ? await serveMetrics(settings.metrics, () => renderMetrics(session.store.getState(), counters, Date.now()))
    : null;
  hub.start();
  return {
    hub,
    notifier,
    counters,
    server,
    async stop() {
      hub.stop();
      await notifier?.drain(3_000);
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}
