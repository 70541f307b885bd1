/**
 * `hpc-watch events [JOBID...] [--json] [--notify SINK]... [--metrics ADDR]`: a long-running
 * headless watcher (tmux window, nohup, systemd --user) that prints one line per event and sends
 * them on. Never loads Ink; never dies of a dead controller or a failing sink.
 */
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { EXIT } from '../errors.js';
import { outboundRedactor, redactDeep } from '../redact.js';
import { openSession, withCluster } from '../session.js';
import { controllingTerminal, startEvents } from './runtime.js';
import type { JobEvent } from './types.js';

/** One text line per event: local time, event, job, message. */
export function eventLine(ev: JobEvent, multiCluster: boolean): string {
  const at = ev.at.replace('T', ' ').replace(/[+-]\d\d:\d\d$|Z$/, '');
  const job = multiCluster ? `${ev.cluster}:${ev.job_id}` : ev.job_id;
  return `${at}  ${ev.event.padEnd(26)} ${job.padEnd(12)} ${ev.late ? '(while away) ' : ''}${ev.message}`;
}

/** Runs until SIGINT/SIGTERM; exit 0 then. */
export async function runEvents(opts: CliOptions, settings: Settings): Promise<number> {
  const err = (line: string) => process.stderr.write(`hpc-watch: ${line}\n`);
  const session = await openSession(settings, { warn: err });
  const rt = await startEvents(session, settings, {
    watcher: 'events',
    terminal: controllingTerminal(),
    report: err,
  }).catch(async (e) => {
    await session.close();
    throw e;
  });
  const redact = outboundRedactor();
  const multi = session.clusters.length > 1;
  rt.hub.on((ev) => {
    const safe = redactDeep(ev, redact);
    process.stdout.write(opts.json ? `${JSON.stringify(safe)}\n` : `${eventLine(safe, multi)}\n`);
  });
  // A cluster that goes down (or comes back) is said once, not at every retry.
  const down = new Set<string>();
  const unwatch = session.store.subscribe((s) => {
    for (const c of Object.values(s.clusters)) {
      if (c.lastPollAt === null) continue;
      if (!c.ok && !down.has(c.name)) {
        down.add(c.name);
        err(`${withCluster(c.name, c.error)}; retrying with backoff`);
      } else if (c.ok && down.delete(c.name)) err(`${c.name}: reachable again`);
    }
  });
  if (rt.server) {
    const a = rt.server.address();
    if (a && typeof a === 'object')
      err(`metrics on http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`);
  }
  for (const c of session.clusters) c.poller.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  unwatch();
  for (const c of session.clusters) c.poller.stop();
  await rt.stop();
  await session.close().catch(() => {});
  return EXIT.ok;
}
