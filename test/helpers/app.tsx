/** Renders the whole TUI against a store of fixtures with a recording controller. */
import { vi } from 'vitest';
import { App } from '../../components/App.js';
import type { EventFeed } from '../../src/events/types.js';
import type { JobEntry, Store } from '../../src/store.js';
import type { Controller } from '../../src/tui/controller.js';
import { createTheme, type Theme } from '../../src/tui/view-model/theme.js';
import { allJobs, storeWith } from './fixtures.js';
import { type Rendered, renderAt, settle } from './render-at.js';

export interface FakeController extends Controller {
  cancel: ReturnType<typeof vi.fn<Controller['cancel']>>;
  diagnose: ReturnType<typeof vi.fn<Controller['diagnose']>>;
  refreshLogs: ReturnType<typeof vi.fn<Controller['refreshLogs']>>;
  showing: ReturnType<typeof vi.fn<Controller['showing']>>;
  watchDetails: ReturnType<typeof vi.fn<Controller['watchDetails']>>;
  quit: ReturnType<typeof vi.fn<Controller['quit']>>;
}

/** A controller that records calls and never touches a cluster. */
export function fakeController(): FakeController {
  return {
    cancel: vi.fn<Controller['cancel']>(async (key) => ({
      ok: true,
      message: `scancel ${key.split('/').pop()}: sent`,
    })),
    diagnose: vi.fn<Controller['diagnose']>(),
    refreshLogs: vi.fn<Controller['refreshLogs']>(),
    showing: vi.fn<Controller['showing']>(),
    watchDetails: vi.fn<Controller['watchDetails']>(() => () => {}),
    quit: vi.fn<Controller['quit']>(),
  };
}

export interface AppHarness extends Rendered {
  store: Store;
  controller: FakeController;
  now: number;
  /** The clock the app reads; build times relative to it, not to Date.now(). */
  clock: () => number;
}

/**
 * A clock that runs at real speed from local noon of a fixed day: an ETA 40 minutes out is
 * `~12:40`, never `~Wed 00:31` because the suite happened to run just before midnight.
 */
export function pinnedClock(start = new Date(2026, 10, 26, 12, 0, 0).getTime()): () => number {
  const offset = start - Date.now();
  return () => Date.now() + offset;
}

/** Renders <App> at a size; jobs default to the full fixture zoo. */
export async function renderApp(
  o: {
    columns?: number;
    rows?: number;
    jobs?: (now: number) => JobEntry[];
    initialJobKey?: string;
    theme?: Theme;
    events?: EventFeed;
  } = {},
): Promise<AppHarness> {
  const clock = pinnedClock();
  const now = clock();
  const store = storeWith((o.jobs ?? allJobs)(now), now);
  const controller = fakeController();
  const r = renderAt(
    <App
      store={store}
      controller={controller}
      throttleMs={0}
      initialJobKey={o.initialJobKey ?? null}
      theme={o.theme ?? createTheme(true)}
      clock={clock}
      events={o.events ?? null}
    />,
    o.columns ?? 80,
    o.rows ?? 24,
  );
  await settle();
  return { ...r, store, controller, now, clock };
}

/** The line of a frame that contains `text`, or undefined. */
export function lineWith(frame: string, text: string): string | undefined {
  return frame.split('\n').find((l) => l.includes(text));
}
