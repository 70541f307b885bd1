/** `hpc-watch [JOBID]`: opens the session, starts polling and log watching, renders the TUI until quit. */
import { createElement } from 'react';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { UserError } from '../errors.js';
import type { EventHub } from '../events/hub.js';
import { startEvents } from '../events/runtime.js';
import { openSession, type Session } from '../session.js';
import { jobKey } from '../store.js';
import { createController, type NoticeFeed } from './controller.js';
import { watchLogs } from './log-watch.js';
import { createTheme } from './view-model/theme.js';

const LOG_TICK_MS = 1000;
// Finished jobs' logs (for their failure line) are read a few a poll, the rows in view first.
const HISTORY_LOGS_PER_TICK = 8;
// Alternate screen, like k9s and lazygit: the pane's scrollback is left as it was on quit.
const ENTER_ALT = '\x1b[?1049h';
const LEAVE_ALT = '\x1b[?1049l\x1b[?25h';

/** Refreshes one job's logs, never twice at once (a slow NFS stat must not pile up calls). */
function logRefresher(session: Session): (key: string) => void {
  const busy = new Set<string>();
  return (key) => {
    if (busy.has(key)) return;
    const e = session.store.getState().jobs[key];
    const c = e && session.clusters.find((x) => x.name === e.cluster);
    if (!c) return;
    busy.add(key);
    c.logs
      .refresh(key)
      .catch(() => {})
      .finally(() => busy.delete(key));
  };
}

/**
 * --auto-diagnose: diagnose jobs the event layer says failed while we watched (not failures from
 * while we were away, which would spend money unasked, nor cancels). The cache keeps identical
 * failures to one call.
 */
function autoDiagnose(hub: EventHub, diagnose: (key: string) => void): () => void {
  return hub.on((ev) => {
    if (ev.event === 'job_failed' && !ev.late && ev.failure && ev.failure.category !== 'cancelled') diagnose(ev.key);
  });
}

/** One-line notices for the status line, from code that runs outside React. */
function noticeFeed(): NoticeFeed & { say(line: string): void } {
  const listeners = new Set<(line: string) => void>();
  return {
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    say: (line) => {
      for (const l of listeners) l(line);
    },
  };
}

/** Runs the interactive view; resolves with the exit code when the user quits. */
export async function runTui(opts: CliOptions, settings: Settings): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('the live view needs a terminal; use --summary for scripts and pipes');
  }
  // Ink reads CI once at import and then renders only the last frame, without resize handling;
  // chalk turns colour off whenever CI is set at all, even to "false". This is a real terminal
  // (checked above): the person wants a live view, in colour.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // Fatal connection errors (a host key) go to stderr now: once Ink owns the terminal they would vanish.
  let framed: () => void = () => {};
  const logsAfter = new Promise<void>((resolve) => (framed = resolve));
  const session = await openSession(settings, {
    warn: (line) => process.stderr.write(`hpc-watch: ${line}\n`),
    logsAfter,
    historyLogsPerTick: HISTORY_LOGS_PER_TICK,
  });
  for (const c of session.clusters) c.poller.start();
  // Loading Ink is most of the start-up: do it while the first squeue runs (started just above).
  const ui = Promise.all([import('ink'), import('../../components/App.js')]);
  ui.catch(() => {}); // awaited below; until then a failed import must not count as unhandled
  const refresh = logRefresher(session);
  // A cheap stat per running job each second; appends seen by chokidar come sooner.
  const logTimer = setInterval(() => {
    for (const c of session.clusters) for (const key of c.poller.runningKeys()) refresh(key);
  }, LOG_TICK_MS);
  const first = session.clusters[0]?.name;
  const initialJobKey = opts.positionals[0] && first ? jobKey(first, opts.positionals[0]) : null;
  let unmount: () => void = () => {};
  const loaded: { diagnosis: typeof import('../diagnose/run.js') | null } = { diagnosis: null };
  const diagnose = (key: string) => {
    void import('../diagnose/run.js').then((m) => {
      loaded.diagnosis = m;
      m.startDiagnosis(session, key, { config: settings.claude, tailBytes: settings.tailBytes });
    });
  };
  const controller = createController(session, { onQuit: () => unmount(), diagnose });
  // Sink troubles reach the status line: stderr is Ink's while the view is up.
  const notices = noticeFeed();
  const events = await startEvents(session, settings, {
    watcher: 'tui',
    terminal: { write: (s) => void process.stdout.write(s) },
    report: notices.say,
  });
  const stopAuto = settings.autoDiagnose ? autoDiagnose(events.hub, diagnose) : () => {};
  const [{ render }, { App }] = await ui;
  const restore = () => process.stdout.write(LEAVE_ALT);
  process.stdout.write(ENTER_ALT);
  process.once('exit', restore);
  const instance = render(
    createElement(App, {
      store: session.store,
      controller,
      initialJobKey,
      finishedWindowS: settings.sinceS,
      theme: createTheme(),
      events: events.hub,
      notices,
    }),
    { exitOnCtrlC: true, patchConsole: false, maxFps: 10 },
  );
  unmount = () => instance.unmount();
  framed(); // Ink wrote the first frame inside render()
  // A killed pane or a dropped SSH session under su/runuser sends no SIGHUP (they start a new
  // session): the terminal's input ends and writes fail instead. Quit as on `q`, saving state.
  const lost = () => unmount();
  process.stdin.once('end', lost);
  process.stdout.on('error', lost);
  // After the first frame: chokidar only makes appends show sooner than the 1 s timer.
  const watcher = watchLogs(session, { pollLogs: settings.pollLogs, onChange: refresh });
  try {
    await instance.waitUntilExit();
  } finally {
    clearInterval(logTimer);
    stopAuto();
    await events.stop().catch(() => {});
    loaded.diagnosis?.cancelAllDiagnoses();
    process.off('exit', restore);
    process.stdin.off('end', lost);
    restore();
    await (await watcher.catch(() => null))?.close().catch(() => {});
    await session.close().catch(() => {});
  }
  return 0;
}
