import { afterEach, describe, expect, test } from 'vitest';
import { lineWith, renderApp } from './helpers/app.js';
import { arrayJobs, CJK_NAME, entry, okCluster } from './helpers/fixtures.js';

import { cleanup, KEYS, settle, widestLine } from './helpers/render-at.js';

afterEach(cleanup);

/** The selected row is the one with the › gutter mark. */
function selected(frame: string): string | undefined {
  return frame.split('\n').find((l) => l.startsWith('›'));
}

describe('job table frames', () => {
  test.each([60, 80, 120])('never wider than %i columns, essentials present', async (columns) => {
    const app = await renderApp({ columns, rows: 30 });
    const f = app.frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    for (const id of ['2001', '2002', '2003', '2005', '2010', '3000']) expect(f).toContain(id);
    expect(lineWith(f, '2001')).toContain('train-llama-7b');
    expect(lineWith(f, '2001')).toContain('RUNNING');
    // 450/1000 of epoch 3 of 10: the run's 24%, which the 40m ETA is about, not the epoch's 45%.
    expect(lineWith(f, '2001')).toContain('24%');
    expect(lineWith(f, '2001')).not.toContain('45%');
    expect(lineWith(f, '2001')).toContain('40m');
    expect(lineWith(f, '2002')).toContain('⚠');
    expect(lineWith(f, '2001')).not.toContain('⚠');
    expect(lineWith(f, '2003')).toContain('PD Resources');
    expect(lineWith(f, '2005')).toContain('oom_gpu');
    expect(lineWith(f, '2009')).toMatch(/12\.3k it|310 it\/s/);
  });

  test('at 60 columns: essentials only', async () => {
    const f = (await renderApp({ columns: 60, rows: 30 })).frame();
    expect(f).toContain('%/ETA');
    expect(f).not.toContain('ELAPSED');
    expect(f).not.toContain('PARTITION');
    expect(f).not.toContain('CLUSTER');
  });

  test('at 80 columns: elapsed/limit and rate join', async () => {
    const f = (await renderApp({ columns: 80, rows: 30 })).frame();
    expect(f).toContain('ELAPSED/LIM');
    expect(lineWith(f, '2001')).toContain('1h/4h');
    expect(lineWith(f, '2001')).toContain('2.5 it/s');
    expect(f).not.toContain('PARTITION');
  });

  test('at 120 columns: partition, nodes and a progress bar', async () => {
    const f = (await renderApp({ columns: 120, rows: 30 })).frame();
    expect(f).toContain('PARTITION');
    expect(lineWith(f, '2001')).toContain('gpu-a01');
    expect(lineWith(f, '2001')).toMatch(/█+.*░+/);
  });

  test('finished jobs sit at the bottom; an array is one collapsed row with a count and summary', async () => {
    const f = (await renderApp({ columns: 80, rows: 30 })).frame();
    const lines = f.split('\n');
    const at = (id: string) => lines.findIndex((l) => l.includes(` ${id} `) || l.startsWith(`›${id}`));
    expect(at('2004')).toBeGreaterThan(at('2003'));
    expect(at('2005')).toBeGreaterThan(at('2001'));
    expect(lineWith(f, '3000')).toContain('▸ 3000 [8]');
    expect(lineWith(f, '3000')).toContain('2R 5PD 1CD');
    expect(f).not.toContain('3000_1');
  });

  test('a CJK/emoji name is cut by display width, not by code units', async () => {
    const f = (await renderApp({ columns: 60, rows: 30 })).frame();
    const line = lineWith(f, '2010')!;
    expect(line).toContain(CJK_NAME.slice(0, 4));
    expect(widestLine(line)).toBeLessThanOrEqual(60);
  });

  test('a cluster column appears only with jobs from two clusters', async () => {
    const two = (now: number) => [
      entry(now, { job_id: '1' }, { cluster: 'alpha' }),
      entry(now, { job_id: '2' }, { cluster: 'beta' }),
    ];
    const f = (await renderApp({ columns: 80, jobs: two })).frame();
    expect(f).toContain('CLUSTER');
    expect(lineWith(f, 'beta')).toContain('2');
  });
});

describe('status line', () => {
  test('a failing cluster says so, with the retry, and never "updated"', async () => {
    const app = await renderApp({ columns: 80 });
    app.store.setState((s) => ({
      clusters: {
        local: {
          ...s.clusters.local!,
          ok: false,
          error: 'ssh: connect to host login1: Connection refused',
          lastPollAt: app.clock() - 4000,
          nextPollAt: app.clock() + 20_000,
          backoffMs: 20_000,
          stale: true,
        },
      },
    }));
    await settle();
    const status = app.frame().split('\n').at(-2)!;
    expect(status).toMatch(/^✖ poll failed \ds ago · retry in (20|19)s · data stale from \ds ago · ssh: connect to/);
    expect(app.frame()).not.toContain('updated');
  });

  test('a dropped SSH connection reads "disconnected" and says how old the data is', async () => {
    const app = await renderApp({ columns: 120 });
    const t = app.clock();
    app.store.setState((s) => ({
      clusters: {
        local: {
          ...s.clusters.local!,
          ok: false,
          connected: false,
          error: 'connection lost, reconnecting',
          lastPollAt: t - 2000,
          lastOkAt: t - 180_000,
          nextPollAt: t + 10_000,
          stale: true,
        },
      },
    }));
    await settle();
    const status = app.frame().split('\n').at(-2)!;
    expect(status).toMatch(/^✖ disconnected 2s ago · retry in (10|9)s · data stale from 3m ago/);
  });

  test('before the first poll: connecting, and loading instead of "no jobs"', async () => {
    const app = await renderApp({ jobs: () => [] });
    app.store.setState({ clusters: {} });
    await settle();
    expect(app.frame()).toContain('starting');
    app.store.setState({ clusters: { local: { ...okCluster('local', app.clock()), lastPollAt: null } } });
    await settle();
    expect(app.frame()).toContain('connecting');
    expect(app.frame()).toContain('loading');
  });
});

describe('job table keys', () => {
  test('j/k and arrows move the selection; g/G jump', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    expect(selected(app.frame())).toContain('2001');
    await app.press('j');
    expect(selected(app.frame())).toContain('2002');
    await app.press(KEYS.down, KEYS.up, 'k');
    expect(selected(app.frame())).toContain('2001');
    await app.press('G');
    expect(selected(app.frame())).toContain('2008');
    await app.press('g');
    expect(selected(app.frame())).toContain('2001');
  });

  test('Enter opens the job view, Esc comes back with the selection kept', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('j', KEYS.enter);
    expect(app.controller.refreshLogs).toHaveBeenCalledWith('local/2002');
    expect(app.frame()).toContain('finetune-big-model');
    expect(app.frame()).toContain('finishes after the time limit');
    await app.press(KEYS.esc);
    expect(app.frame()).toContain('JOBID');
    expect(selected(app.frame())).toContain('2002');
  });

  test('Enter/→/l expand an array, h/← collapse it', async () => {
    const app = await renderApp({ columns: 80, rows: 30, jobs: arrayJobs });
    expect(selected(app.frame())).toContain('▸ 3000');
    await app.press(KEYS.enter);
    expect(app.frame()).toContain('▾ 3000');
    expect(app.frame()).toContain('3000_1');
    expect(app.frame()).toContain('3000_[4-8%2]');
    await app.press('h');
    expect(app.frame()).not.toContain('3000_1');
    await app.press('l', 'j');
    expect(selected(app.frame())).toContain('3000_1');
    await app.press(KEYS.left);
    expect(selected(app.frame())).toContain('▸ 3000');
  });

  test('/ filters by name as you type; Enter keeps it; Esc clears', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('/', 'c', 'r', 'a', 's', 'h');
    expect(app.frame()).toContain('/crash');
    expect(app.frame()).toContain('train-crash');
    expect(app.frame()).not.toContain('train-llama');
    await app.press(KEYS.enter);
    expect(app.frame()).toContain('filter /crash');
    expect(app.frame()).not.toContain('train-llama');
    await app.press(KEYS.esc);
    expect(app.frame()).toContain('train-llama');
  });

  test('/ matches ids and states too', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('/', ...'pd res', KEYS.enter);
    expect(app.frame()).toContain('eval-suite');
    expect(app.frame()).not.toContain('train-llama');
    await app.press(KEYS.esc, '/', ...'2008', KEYS.enter);
    expect(app.frame()).toContain('big-batch');
    expect(app.frame()).not.toContain('eval-suite');
  });

  test('s cycles the sort; finished jobs stay at the bottom', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    expect(app.frame()).toContain('sort state');
    await app.press('s');
    expect(app.frame()).toContain('sort time');
    // Least time left first: 2002 has 1h of its 2h limit left.
    const rows = app
      .frame()
      .split('\n')
      .filter((l) => /^[ ›]\d/.test(l));
    expect(rows[0]).toContain('2002');
    await app.press('s');
    expect(app.frame()).toContain('sort progress');
    const byProgress = app
      .frame()
      .split('\n')
      .filter((l) => /^[ ›]\d/.test(l));
    expect(byProgress[0]).toContain('2001');
    expect(byProgress.at(-1)).toMatch(/2008|2007|2006|2004|2005/);
    await app.press('s');
    expect(app.frame()).toContain('sort state');
  });

  test('a background refresh that reorders rows keeps the selected job selected', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('j', 'j');
    expect(selected(app.frame())).toContain('2009');
    // New jobs sort above it and another one leaves: index-based selection would drift.
    app.store.setState((s) => {
      const jobs = { ...s.jobs };
      delete jobs['local/2001'];
      for (const id of ['1001', '1002', '1003'])
        jobs[`local/${id}`] = entry(app.now, { job_id: id, name: `new-${id}` });
      return { jobs };
    });
    await settle();
    expect(app.frame()).toContain('new-1001');
    expect(selected(app.frame())).toContain('2009');
  });

  test('when the selected job disappears the selection stays at the same place', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('j');
    app.store.setState((s) => {
      const { 'local/2002': _gone, ...jobs } = s.jobs;
      return { jobs };
    });
    await settle();
    expect(selected(app.frame())).toContain('2009');
  });

  test('q quits from the table', async () => {
    const app = await renderApp();
    await app.press('q');
    expect(app.controller.quit).toHaveBeenCalledOnce();
  });
});
