import { Box, Text, useInput } from 'ink';
import { type ReactNode, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { sanitizeField } from '../parsers/sanitize.js';
import type { EventFeed } from '../src/events/types.js';
import type { Store } from '../src/store.js';
import type { Controller, NoticeFeed } from '../src/tui/controller.js';
import { KeyRouter, KeyRouterContext } from '../src/tui/hooks/key-router.js';
import { useEventFeed } from '../src/tui/hooks/use-events.js';
import { useBindings } from '../src/tui/hooks/use-keys.js';
import { useTerminalSize } from '../src/tui/hooks/use-terminal-size.js';
import { ThemeContext } from '../src/tui/hooks/use-theme.js';
import { useThrottledStore } from '../src/tui/hooks/use-throttled-store.js';
import { useTick } from '../src/tui/hooks/use-tick.js';
import { type CancelTarget, cancelTarget } from '../src/tui/view-model/cancel-target.js';
import { MIN_COLUMNS, MIN_ROWS } from '../src/tui/view-model/columns.js';
import { eventTone } from '../src/tui/view-model/event-list.js';
import { idleCommands, type Scope } from '../src/tui/view-model/keys.js';
import { hasOwnStderr } from '../src/tui/view-model/log-view.js';
import { groupKey, isFinished } from '../src/tui/view-model/rows.js';
import { INITIAL_TABLE, tableReducer } from '../src/tui/view-model/table-state.js';
import { createTheme, type Theme } from '../src/tui/view-model/theme.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { EventsOverlay } from './EventsOverlay.js';
import { HelpOverlay } from './HelpOverlay.js';
import { JobView } from './JobView.js';
import { type Flash, StatusBar } from './StatusBar.js';
import { TableScreen } from './TableScreen.js';

export interface AppProps {
  store: Store;
  controller: Controller;
  /** Start in the job view for this key (`hpc-watch <jobid>`). */
  initialJobKey?: string | null;
  /** Store → frame coalescing; 100 ms caps Ink at ~10 frames/s. */
  throttleMs?: number;
  /** Finished jobs older than this leave the list (seconds). */
  finishedWindowS?: number;
  theme?: Theme;
  /** Wall clock (ms); tests pin it to a fixed day so clock times in frames never depend on when they run. */
  clock?: () => number;
  /** The event layer: new events show in the status line, `e` lists the last ones. */
  events?: EventFeed | null;
  /** One-line notices (a failing notification sink) for the status line. */
  notices?: NoticeFeed | null;
}

const FLASH_MS = 5000;

/** The whole TUI: job list or job view, overlays, status line. */
export function App({ theme, ...props }: AppProps) {
  const value = useMemo(() => theme ?? createTheme(), [theme]);
  const [router] = useState(() => new KeyRouter());
  // The one input listener; views register their keys with the router during render.
  useInput((input, key) => {
    router.dispatch(input, key);
  });
  return (
    <ThemeContext.Provider value={value}>
      <KeyRouterContext.Provider value={router}>
        <Screen {...props} />
      </KeyRouterContext.Provider>
    </ThemeContext.Provider>
  );
}

function Screen({
  store,
  controller,
  initialJobKey = null,
  throttleMs = 100,
  finishedWindowS = 86400,
  clock = Date.now,
  events = null,
  notices = null,
}: Omit<AppProps, 'theme'>) {
  const state = useThrottledStore(store, throttleMs);
  const { columns, rows } = useTerminalSize();
  const running = Object.values(state.jobs).some((e) => e.job.state === 'RUNNING');
  // Elapsed clocks tick each second only while something runs; otherwise "updated Xs ago" refreshes slowly.
  useTick(running ? 1000 : 5000);
  const now = clock();
  const [table, dispatch] = useReducer(tableReducer, INITIAL_TABLE);
  const [jobKey, setJobKey] = useState<string | null>(initialJobKey);
  const [help, setHelp] = useState(false);
  const [eventList, setEventList] = useState(false);
  const [confirm, setConfirm] = useState<CancelTarget | null>(null);
  const [flash, setFlash] = useState<Flash | null>(null);
  const seen = useRef(new Set<string>());

  const recentEvents = useEventFeed(events, (ev) => {
    const tone = eventTone(ev);
    setFlash({
      text: sanitizeField(ev.message),
      tone: tone === 'error' ? 'error' : tone === 'ok' ? 'ok' : tone === 'warning' ? 'warning' : 'dim',
    });
  });

  useEffect(() => notices?.on((line) => setFlash({ text: sanitizeField(line), tone: 'warning' })), [notices]);

  useEffect(() => {
    if (!flash) return;
    const t = setTimeout(() => setFlash(null), FLASH_MS);
    return () => clearTimeout(t);
  }, [flash]);

  useEffect(() => {
    if (jobKey === null) return;
    if (state.jobs[jobKey]) {
      seen.current.add(jobKey);
      return;
    }
    const id = jobKey.slice(jobKey.lastIndexOf('/') + 1);
    const all = Object.values(state.jobs);
    // `hpc-watch 123` with several hosts: the job may live on another cluster than the first.
    const elsewhere = all.find((e) => e.job.job_id === id);
    // `hpc-watch 123` for an array: there is no job 123, only its tasks; show them as an open group.
    const task = all.find((e) => e.job.array_job_id === id);
    if (elsewhere) setJobKey(elsewhere.key);
    else if (task) {
      const gk = groupKey(task.cluster, id);
      dispatch({ type: 'expand', key: gk, open: true });
      dispatch({ type: 'selectKey', key: gk, index: 0 });
      setJobKey(null);
    } else if (seen.current.has(jobKey)) {
      setFlash({ text: `job ${id} left the list`, tone: 'dim' });
      setJobKey(null);
    }
  }, [jobKey, state.jobs]);

  // Opening a job re-reads its log at once instead of waiting for the next tick.
  useEffect(() => {
    if (jobKey !== null) controller.refreshLogs(jobKey);
  }, [jobKey, controller]);
  // Live usage / expected start of the job in view, only while it is in view.
  useEffect(() => (jobKey === null ? undefined : controller.watchDetails(jobKey)), [jobKey, controller]);

  const small = columns < MIN_COLUMNS || rows < MIN_ROWS;
  useBindings('table', { quit: controller.quit }, small);
  useBindings('global', { events: () => setEventList(true) }, !small && !help && !eventList && confirm === null);

  const askCancel = (key: string) => {
    const t = cancelTarget(state.jobs, key);
    if (!t) setFlash({ text: 'that job is gone from the list', tone: 'dim' });
    else if (t.finished) setFlash({ text: `job ${t.scancelId} has already ended`, tone: 'dim' });
    else setConfirm(t);
  };
  const doCancel = () => {
    if (!confirm) return;
    const t = confirm;
    setConfirm(null);
    setFlash({ text: `cancelling ${t.scancelId}…`, tone: 'dim' });
    controller.cancel(t.key).then(
      (r) => setFlash({ text: sanitizeField(r.message), tone: r.ok ? 'ok' : 'error' }),
      (err: unknown) => setFlash({ text: sanitizeField(`cancel failed: ${String(err)}`), tone: 'error' }),
    );
  };
  const diagnose = (key: string) => {
    controller.diagnose(key);
    setJobKey(key);
  };

  if (small) {
    return <Text wrap="truncate-end">{`enlarge the pane (needs ${MIN_COLUMNS}x${MIN_ROWS})`}</Text>;
  }
  // One line short of the terminal: a frame as tall as the screen makes Ink clear and redraw everything (flicker).
  const height = rows - 1;
  const bodyH = height - 2;
  const overlay = help || eventList || confirm !== null;
  const viewed = jobKey === null ? undefined : state.jobs[jobKey];
  const scope: Scope = help ? 'help' : eventList ? 'events' : confirm ? 'confirm' : jobKey ? 'job' : 'table';
  const multiCluster = new Set(Object.values(state.jobs).map((e) => e.cluster)).size > 1;
  let body: ReactNode = null;
  if (help) body = <HelpOverlay width={columns} height={bodyH} onClose={() => setHelp(false)} />;
  else if (eventList) {
    body = (
      <EventsOverlay
        events={recentEvents}
        width={columns}
        height={bodyH}
        now={now}
        onClose={() => setEventList(false)}
      />
    );
  } else if (confirm) {
    body = (
      <ConfirmDialog
        target={confirm}
        multiCluster={multiCluster}
        width={columns}
        height={bodyH}
        onConfirm={doCancel}
        onDeny={() => setConfirm(null)}
      />
    );
  }
  return (
    <Box flexDirection="column" width={columns} height={height}>
      {body}
      {jobKey !== null ? (
        <Box display={overlay ? 'none' : 'flex'}>
          <JobView
            key={jobKey}
            jobKey={jobKey}
            entry={state.jobs[jobKey]}
            diagnosis={state.diagnoses[jobKey]}
            context={{ live: state.live[jobKey], jobs: state.jobs }}
            width={columns}
            height={bodyH}
            now={now}
            active={!overlay}
            onBack={() => setJobKey(null)}
            onCancel={() => askCancel(jobKey)}
            onDiagnose={() => diagnose(jobKey)}
            onNote={(text) => setFlash({ text, tone: 'dim' })}
            onHelp={() => setHelp(true)}
            onQuit={controller.quit}
          />
        </Box>
      ) : (
        <Box display={overlay ? 'none' : 'flex'}>
          <TableScreen
            state={state}
            table={table}
            dispatch={dispatch}
            width={columns}
            height={bodyH}
            now={now}
            finishedWindowS={finishedWindowS}
            active={!overlay}
            onOpen={setJobKey}
            onCancel={askCancel}
            onDiagnose={diagnose}
            onHelp={() => setHelp(true)}
            onQuit={controller.quit}
            onVisible={controller.showing}
          />
        </Box>
      )}
      <StatusBar
        clusters={Object.values(state.clusters)}
        now={now}
        scope={scope}
        width={columns}
        flash={flash}
        idle={viewed ? idleCommands(isFinished(viewed), hasOwnStderr(viewed)) : undefined}
      />
    </Box>
  );
}
