/**
 * The first look tells the truth (issue 16): entries are built the way the poller builds them
 * (real log text through the parser, then derive), and the table and job view are checked at
 * 60, 80 and 120 columns.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { analyzeLogDetailed } from '../parsers/log.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { buildSummary } from '../src/headless/summary-json.js';
import { formatSummary } from '../src/headless/summary-text.js';
import { derive } from '../src/model/derive.js';
import type { JobEntry, LogInfo } from '../src/store.js';
import { lineWith, renderApp } from './helpers/app.js';
import { entry } from './helpers/fixtures.js';
import { cleanup, widestLine } from './helpers/render-at.js';

afterEach(cleanup);

const WIDTHS = [60, 80, 120] as const;
const ESC = '\x1b';

/** A log as the tail layer stores it after reading `text`. */
function readLog(path: string, text: string, mtimeMs: number): LogInfo {
  const d = analyzeLogDetailed(text);
  return {
    path,
    status: 'ok',
    size: text.length,
    mtimeMs,
    error: null,
    analysis: d.analysis,
    lines: d.lines,
    failureLine: d.failureIndex,
  };
}

/** A job whose logs say `out` (and `err`, a separate --error file), derived like the poller does. */
function jobWithLogs(
  now: number,
  job: Partial<SlurmJob> & { job_id: string },
  logs: { out?: string; err?: string },
): JobEntry {
  const dir = '/home/alice/run';
  const e = entry(now, job);
  return derive({
    ...e,
    stdout: logs.out === undefined ? null : readLog(`${dir}/slurm-${job.job_id}.out`, logs.out, now - 2000),
    stderr: logs.err === undefined ? null : readLog(`${dir}/slurm-${job.job_id}.err`, logs.err, now - 1000),
  });
}

describe('escape strings in a log are not text', () => {
  const log = [
    'starting',
    `probe ${ESC}P+q544e${ESC}\\done`,
    `cut ${ESC}P+q544e`,
    `eight-bit \x90+q544e\x9c ok`,
    'finished',
    '',
  ].join('\n');
  test.each(WIDTHS)('the job view at %i columns shows no DCS payload', async (columns) => {
    const jobs = (now: number) => [jobWithLogs(now, { job_id: '7001', name: 'tty-probe' }, { out: log })];
    const f = (await renderApp({ jobs, columns, initialJobKey: 'local/7001' })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    expect(f).toContain('probe done');
    expect(lineWith(f, 'cut')?.trim()).toBe('cut');
    expect(f).toContain('eight-bit  ok');
    expect(f).toContain('finished');
    expect(f).not.toContain('q544e');
    expect(f).not.toMatch(/P\+q/);
  });
});

describe('text wraps at spaces', () => {
  const OOM =
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 39.39 GiB of which 1.12 GiB free; 3.00 GiB reserved in total by PyTorch';
  const ADVICE =
    'The job ran out of GPU memory while allocating activations for the backward pass. Halve the per-device batch size or enable gradient checkpointing; 1.12 GiB free is far below what step 1 needs.';
  const failed = (now: number) => [
    jobWithLogs(
      now,
      {
        job_id: '7002',
        name: 'oom-run',
        state: 'FAILED',
        exit_code: '1:0',
        end_time: new Date(now - 60_000).toISOString(),
      },
      {
        out: ['step 1', 'Traceback (most recent call last):', '  File "train.py", line 3, in <module>', OOM, ''].join(
          '\n',
        ),
      },
    ),
  ];
  /** The indented rows under the frame line that starts with `title`, trimmed. */
  const block = (frame: string, title: string) => {
    const lines = frame.split('\n');
    const at = lines.findIndex((l) => l.startsWith(title));
    const rows: string[] = [];
    for (const l of lines.slice(at + 1)) {
      if (!l.startsWith('  ')) break;
      rows.push(l.trim());
    }
    return rows;
  };

  test.each(WIDTHS)('the failure banner and the diagnosis pane at %i columns never cut a word', async (columns) => {
    const app = await renderApp({ jobs: failed, columns, rows: 40, initialJobKey: 'local/7002' });
    app.store.setState({
      diagnoses: {
        'local/7002': {
          status: 'done',
          text: ADVICE,
          error: null,
          cached: false,
          costUsd: null,
          inputTokens: null,
          outputTokens: null,
        },
      },
    });
    await new Promise((r) => setTimeout(r, 30));
    const f = app.frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    expect(f).toContain('✖ FAILED · oom_gpu');
    // The banner shows up to three rows of the root cause; each row is whole words of it.
    const banner = block(f, '✖ FAILED');
    expect(banner.length).toBeGreaterThanOrEqual(columns < 120 ? 2 : 1);
    expect(OOM.startsWith(banner.join(' '))).toBe(true);
    expect(OOM.slice(banner.join(' ').length)).toMatch(/^( |$)/);
    expect(block(f, 'Diagnosis').join(' ')).toBe(ADVICE);
  });

  test.each(WIDTHS)('w wraps a long log line at spaces at %i columns', async (columns) => {
    const app = await renderApp({ jobs: failed, columns, rows: 40, initialJobKey: 'local/7002' });
    await app.press('w');
    const f = app.frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    const marked = f.split('\n').findIndex((l) => l.startsWith('▶'));
    const rows: string[] = [];
    for (const l of f.split('\n').slice(marked)) {
      if (rows.join(' ').length >= OOM.length) break;
      rows.push(l.slice(1).trim());
    }
    expect(rows.join(' ')).toBe(OOM);
  });
});

describe("the table's % is the run's, like the ETA", () => {
  const bar = (desc: string, n: number, total: number, eta: string) =>
    `\r${desc}: ${Math.floor((100 * n) / total)}%|████      | ${n}/${total} [01:00<${eta},  2.00it/s, loss=0.5]`;
  const jobs = (now: number) => [
    // epoch 5 of 10 at 80%: 4.8 of 10 epochs done, 50 s + 5 × 250 s left
    jobWithLogs(
      now,
      { job_id: '7101', name: 'resnet-epochs' },
      { out: 'start\n', err: bar('Epoch 5/10', 400, 500, '00:50') },
    ),
    // no epoch count: the bar is the run
    jobWithLogs(now, { job_id: '7102', name: 'pretrain-steps' }, { out: bar('pretrain', 450, 1000, '04:35') }),
    // Lightning names the epoch but not how many: nothing to scale by
    jobWithLogs(now, { job_id: '7103', name: 'lightning-run' }, { out: bar('Epoch 3', 30, 100, '00:35') }),
  ];

  test.each(WIDTHS)('at %i columns', async (columns) => {
    const f = (await renderApp({ jobs, columns })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    const epochs = lineWith(f, '7101')!;
    expect(epochs).toMatch(/\b48%/);
    expect(epochs).not.toContain('80%');
    expect(epochs).toMatch(/\b2[12]m\b/);
    expect(lineWith(f, '7102')).toMatch(/\b45%/);
    expect(lineWith(f, '7103')).toMatch(/\b30%/);
    if (columns >= 120) expect(epochs).toMatch(/█{4}▊?░{5}/);
  });

  test.each(WIDTHS)('the job view shows the epoch bar and the run bar, labelled, at %i columns', async (columns) => {
    const f = (await renderApp({ jobs, columns, initialJobKey: 'local/7101' })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    const epoch = lineWith(f, 'epoch 5/10')!;
    const run = f.split('\n').find((l) => l.startsWith('run '))!;
    expect(epoch).toMatch(/^epoch 5\/10 █+[▏▎▍▌▋▊▉]?░+ 400\/500 80%$/);
    expect(run).toMatch(/^run {8}█+[▏▎▍▌▋▊▉]?░+ 48%$/);
    // One bar width for both, so their lengths compare at a glance.
    expect(run.indexOf(' 48%')).toBe(epoch.indexOf(' 400/500'));
    expect(f).toMatch(/ETA 2[12]m/);
  });

  test('a job without an epoch count has one bar, as before', async () => {
    const f = (await renderApp({ jobs, columns: 80, initialJobKey: 'local/7102' })).frame();
    expect(lineWith(f, '450/1000')).toMatch(/^█+░+ 450\/1000 45%$/);
    expect(f.split('\n').some((l) => l.startsWith('run '))).toBe(false);
  });
});

describe('the log pane opens on the stream that matters', () => {
  const tqdm = (n: number) =>
    `\rEpoch 2/3: ${Math.floor((100 * n) / 40)}%|████      | ${n}/40 [00:04<00:06,  3.97batch/s, loss=1.7]`;
  const TRACE = [
    'Traceback (most recent call last):',
    '  File "train.py", line 3, in <module>',
    'RuntimeError: CUDA error: device-side assert triggered',
    '',
  ].join('\n');
  const jobs = (now: number) => [
    // tqdm on stderr (--error apart from --output): stdout holds one line
    jobWithLogs(now, { job_id: '7201', name: 'tqdm-err' }, { out: 'Loaded dataset\n', err: tqdm(16) }),
    // crashed: the traceback is on stderr, stdout has the prints
    jobWithLogs(
      now,
      {
        job_id: '7202',
        name: 'crashed',
        state: 'FAILED',
        exit_code: '1:0',
        end_time: new Date(now - 60_000).toISOString(),
      },
      { out: 'Loaded dataset\nstarting epoch 1\n', err: `${tqdm(16)}\n${TRACE}` },
    ),
    // still running, bar on stderr, a NaN loss on stdout: both matter
    jobWithLogs(
      now,
      { job_id: '7203', name: 'nan-run' },
      { out: 'step 10 loss=0.53\nstep 20 loss=nan\n', err: tqdm(20) },
    ),
    // one file for both: nothing to choose
    jobWithLogs(now, { job_id: '7204', name: 'one-file' }, { out: `Loaded dataset\n${tqdm(8)}` }),
  ];
  const title = (f: string) => f.split('\n').find((l) => l.startsWith('─ '))!;

  test.each(WIDTHS)('tqdm on stderr: opens on stderr, says so, at %i columns', async (columns) => {
    const f = (await renderApp({ jobs, columns, initialJobKey: 'local/7201' })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    expect(title(f)).toMatch(/^─ stderr slurm-7201\.err · progress · following ─+$/);
    expect(f).toMatch(/ Epoch 2\/3: 40%\|████ +\| 16\/40/);
    expect(f).not.toContain('Loaded dataset');
  });

  test.each(WIDTHS)('a failure: opens on the stream with the root cause at %i columns', async (columns) => {
    const f = (await renderApp({ jobs, columns, initialJobKey: 'local/7202' })).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    expect(title(f)).toMatch(/^─ stderr slurm-7202\.err · progress · root cause · following/);
    expect(f.split('\n').find((l) => l.startsWith('▶'))).toContain('RuntimeError: CUDA error');
  });

  test.each(WIDTHS)(
    'a running job with progress and a failure apart: split, each pane titled, at %i columns',
    async (columns) => {
      const f = (await renderApp({ jobs, columns, rows: 30, initialJobKey: 'local/7203' })).frame();
      expect(widestLine(f)).toBeLessThanOrEqual(columns);
      const titles = f.split('\n').filter((l) => l.startsWith('─ '));
      expect(titles).toHaveLength(2);
      expect(titles[0]).toMatch(/^─ stdout slurm-7203\.out · root cause /);
      expect(titles[1]).toMatch(/^─ stderr slurm-7203\.err · progress /);
      expect(f).toContain('step 20 loss=nan');
      expect(f).toContain('20/40');
    },
  );

  test('one file for both streams: stdout, as before', async () => {
    const f = (await renderApp({ jobs, columns: 80, initialJobKey: 'local/7204' })).frame();
    expect(title(f)).toMatch(/^─ stdout slurm-7204\.out · following/);
  });

  test("the user's o wins over the logs once pressed", async () => {
    const app = await renderApp({ jobs, columns: 80, initialJobKey: 'local/7201' });
    expect(title(app.frame())).toMatch(/^─ stderr /);
    await app.press('o');
    expect(
      app
        .frame()
        .split('\n')
        .filter((l) => l.startsWith('─ ')),
    ).toHaveLength(2);
    await app.press('o');
    expect(title(app.frame())).toMatch(/^─ stdout slurm-7201\.out/);
    // The bar moves on and a failure shows up on stderr: the pane stays where the user put it.
    const now = app.clock();
    const next = jobWithLogs(
      now,
      { job_id: '7201', name: 'tqdm-err' },
      { out: 'Loaded dataset\n', err: `${tqdm(30)}\n${TRACE}` },
    );
    app.store.setState((s) => ({ jobs: { ...s.jobs, [next.key]: next } }));
    await new Promise((r) => setTimeout(r, 30));
    expect(title(app.frame())).toMatch(/^─ stdout slurm-7201\.out/);
    expect(app.frame()).toContain('Loaded dataset');
  });
});

describe('a finished job says the same thing in the table, the job view and --summary', () => {
  const ended = (now: number, ago: number) => new Date(now - ago * 1000).toISOString();
  const missing = (path: string): LogInfo => ({
    path,
    status: 'waiting',
    size: 0,
    mtimeMs: null,
    error: null,
    analysis: null,
    lines: [],
    failureLine: null,
  });
  const jobs = (now: number) => [
    // cancelled from the queue's history: its log not read (yet)
    jobWithLogs(
      now,
      {
        job_id: '7301',
        name: 'cancelled-run',
        state: 'CANCELLED',
        state_detail: 'by 1002',
        exit_code: '0:0',
        end_time: ended(now, 600),
      },
      {},
    ),
    // its --output directory did not exist: SLURM says 0:53 and there is no log
    derive({
      ...entry(now, {
        job_id: '7302',
        name: 'no-dir',
        state: 'FAILED',
        exit_code: '0:53',
        elapsed_s: 0,
        end_time: ended(now, 900),
      }),
      stdout: missing('/home/alice/run/missing/slurm-7302.out'),
    }),
    // cancelled, its log read: the slurmstepd line
    jobWithLogs(
      now,
      {
        job_id: '7303',
        name: 'cancelled-read',
        state: 'CANCELLED',
        state_detail: 'by 1002',
        exit_code: '0:15',
        end_time: ended(now, 1200),
      },
      {
        out: 'step 1\nslurmstepd: error: *** JOB 7303 ON gpu-a01 CANCELLED AT 2026-11-26T11:40:00 ***\n',
      },
    ),
  ];
  const cases = [
    ['7301', 'cancelled', 'cancelled by 1002'],
    ['7302', 'file_not_found', 'output directory does not exist'],
    ['7303', 'cancelled', 'slurmstepd: error: *** JOB 7303 ON gpu-a01 CANCELLED AT'],
  ] as const;

  test.each(WIDTHS)('at %i columns', async (columns) => {
    const app = await renderApp({ jobs, columns, rows: 30 });
    const table = app.frame();
    expect(widestLine(table)).toBeLessThanOrEqual(columns);
    const summary = formatSummary(buildSummary(app.store.getState(), app.now), 200);
    for (const [id, category, why] of cases) {
      // The table's cell is cut to its width; it is the start of the same category.
      const cell = lineWith(table, id)!.trim().split(/\s+/).at(-1)!.replace(/…$/, '');
      expect(cell.length).toBeGreaterThanOrEqual(7);
      expect(category.startsWith(cell)).toBe(true);
      const detail = summary.split('\n')[summary.split('\n').findIndex((l) => l.startsWith(id)) + 1]!;
      expect(detail).toContain(`└ ${category}: ${why}`);
    }
    for (const [id, category, why] of cases) {
      const view = await renderApp({ jobs, columns, rows: 30, initialJobKey: `local/${id}` });
      const f = view.frame();
      expect(widestLine(f)).toBeLessThanOrEqual(columns);
      // The category, unless it only repeats the state (`✖ CANCELLED`, not `✖ CANCELLED · cancelled`).
      expect(lineWith(f, '✖')).toMatch(category === 'cancelled' ? /✖ CANCELLED$/ : new RegExp(` · ${category}$`));
      expect(f.replace(/\n {2}/g, ' ')).toContain(why);
      // squeue's 0:15 then accounting's 0:0: an exit code says nothing about a cancel.
      if (category === 'cancelled') expect(f).not.toMatch(/exit \d+:\d+/);
      view.unmount();
    }
  });
});

describe('the table tells the pollers which jobs are on screen', () => {
  const many = (now: number) =>
    Array.from({ length: 40 }, (_, i) =>
      jobWithLogs(
        now,
        { job_id: String(8000 + i), state: 'CANCELLED', end_time: new Date(now - (i + 1) * 60_000).toISOString() },
        {},
      ),
    );
  test.each(WIDTHS)('at %i columns: the rows in view, top first, again after scrolling', async (columns) => {
    const app = await renderApp({ jobs: many, columns, rows: 20 });
    const first = app.controller.showing.mock.lastCall![0];
    // 20 rows: title, header, status and key lines leave 15 (newest ended first).
    expect(first).toEqual(Array.from({ length: 15 }, (_, i) => `local/${8000 + i}`));
    const calls = app.controller.showing.mock.calls.length;
    await app.press('j');
    expect(app.controller.showing.mock.calls.length).toBe(calls);
    await app.press('G');
    expect(app.controller.showing.mock.lastCall![0]).toEqual(Array.from({ length: 15 }, (_, i) => `local/${8025 + i}`));
  });
});

describe('the title line: whole counts, never a number cut to another', () => {
  // 12 jobs: 2 running, 0 pending, 10 ended, so a cut `10 ended` would read `1…`.
  const many = (now: number) =>
    Array.from({ length: 12 }, (_, i) =>
      entry(now, {
        job_id: String(500 + i),
        name: `job-${i}`,
        state: i < 2 ? 'RUNNING' : 'COMPLETED',
        end_time: i < 2 ? null : new Date(now - 60_000).toISOString(),
      }),
    );
  test.each(WIDTHS)('at %i columns', async (columns) => {
    const title = (await renderApp({ jobs: many, columns, rows: 20 })).frame().split('\n')[0]!;
    expect(widestLine(title)).toBeLessThanOrEqual(columns);
    expect(title).not.toContain('…');
    expect(title).toMatch(/12 jobs · 2 run(ning)? · 0 pend(ing)? · 10 end(ed)?/);
    if (columns >= 80) expect(title).toContain('2 running · 0 pending · 10 ended');
  });
});
