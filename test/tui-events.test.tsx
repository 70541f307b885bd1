/** The TUI and the event layer: a new event shows in the status line, `e` lists the recent ones. */
import { afterEach, describe, expect, test } from 'vitest';
import { toEvent } from '../src/events/event-json.js';
import type { EventFeed, JobEvent } from '../src/events/types.js';
import { renderApp } from './helpers/app.js';
import { allJobs } from './helpers/fixtures.js';
import { cleanup, KEYS, settle } from './helpers/render-at.js';

afterEach(cleanup);

/** A feed the test pushes events into, like the hub does. */
function feed(): EventFeed & { push(ev: JobEvent): void } {
  const recent: JobEvent[] = [];
  const listeners = new Set<(ev: JobEvent) => void>();
  return {
    recent,
    on: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    push(ev) {
      recent.push(ev);
      for (const l of listeners) l(ev);
    },
  };
}

describe('events in the TUI', () => {
  test.each([60, 80])(
    'a failure shows in the status line, and e lists events newest first (%i columns)',
    async (columns) => {
      const f = feed();
      const app = await renderApp({ columns, rows: 24, events: f });
      const jobs = Object.fromEntries(allJobs(app.now).map((e) => [e.key, e]));
      f.push(toEvent('job_completed', jobs['local/2004']!, { now: app.now, at: app.now - 120_000, late: false }));
      f.push(toEvent('job_failed', jobs['local/2005']!, { now: app.now, at: app.now - 60_000, late: false }));
      await settle();
      const status = app.frame().split('\n').at(-2)!;
      expect(status).toMatch(/^job 2005 \(train-crash\) FAILED after 1h: oom_gpu/);
      await app.press('e');
      const list = app.frame().split('\n');
      expect(list[0]).toMatch(/^Events/);
      expect(list[1]).toMatch(/1m ago ✖ job 2005 \(train-crash\) FAILED/);
      expect(list[2]).toMatch(/2m ago ✔ job 2004 \(preprocess\) completed/);
      for (const l of list) expect([...l].length).toBeLessThanOrEqual(columns);
      await app.press(KEYS.esc);
      expect(app.frame()).toContain('JOBID');
    },
  );

  test('the list is in the order things happened, not the order they were told', async () => {
    const f = feed();
    const app = await renderApp({ columns: 80, rows: 24, events: f });
    const jobs = Object.fromEntries(allJobs(app.now).map((e) => [e.key, e]));
    // The failure is told after the completion, but happened before it (a late, held end).
    f.push(toEvent('job_completed', jobs['local/2004']!, { now: app.now, at: app.now - 60_000, late: false }));
    f.push(toEvent('job_failed', jobs['local/2005']!, { now: app.now, at: app.now - 180_000, late: false }));
    await settle();
    await app.press('e');
    const list = app.frame().split('\n');
    expect(list[1]).toMatch(/1m ago ✔ job 2004/);
    expect(list[2]).toMatch(/3m ago ✖ job 2005/);
  });

  test('with no events yet the list says what will appear', async () => {
    const app = await renderApp({ events: feed() });
    await app.press('e');
    expect(app.frame()).toContain('nothing yet: starts, ends, failures and stalls show up here');
  });
});
