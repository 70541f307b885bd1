import chalk from 'chalk';
import { afterEach, describe, expect, test } from 'vitest';
import type { DiagnosisState } from '../src/store.js';
import { createTheme } from '../src/tui/view-model/theme.js';
import { lineWith, renderApp } from './helpers/app.js';
import { arrayJobs, CJK_NAME, entry, logInfo, ROOT_CAUSE } from './helpers/fixtures.js';
import { cleanup, KEYS, settle, widestLine } from './helpers/render-at.js';

afterEach(cleanup);

const open = (key: string, columns = 80, rows = 24, theme = createTheme(true)) =>
  renderApp({ initialJobKey: `local/${key}`, columns, rows, theme });

describe('job view frames', () => {
  test.each([60, 120])('running job at %i columns: header, progress, rate, ETA, metrics, log', async (columns) => {
    const f = (await open('2001', columns)).frame();
    expect(widestLine(f)).toBeLessThanOrEqual(columns);
    expect(f).toContain('2001');
    expect(f).toContain('train-llama-7b');
    expect(f).toContain('RUNNING');
    expect(f).toContain('gpu-a01');
    expect(f).toContain('elapsed 1h/4h');
    expect(f).toMatch(/left (3h|2h59m)/);
    expect(lineWith(f, '450/1000')).toMatch(/█+.*░+ 450\/1000 45%/);
    // The chart says it is a history, over how long.
    expect(lineWith(f, 'rate 2.5 it/s')).toMatch(/rate 2\.5 it\/s last \d+m \S*[▁▂▃▄▅▆▇█]{10,}/);
    expect(f).toMatch(/ETA (40m|39m\d\ds) \(~12:(39|40)\)/);
    expect(f).toContain('epoch 3/10');
    expect(f).toContain('loss 0.2345');
    expect(f).toContain('stdout slurm-2001.out');
    expect(f).toContain('loading data');
    expect(f).not.toContain('finishes after the time limit');
  });

  test('will-timeout job warns by how much', async () => {
    const f = (await open('2002', 60)).frame();
    expect(f).toContain('⚠ finishes after the time limit by ~5h');
  });

  test.each([60, 120])(
    'failed job at %i columns: banner with category and root line, root line marked in the log',
    async (columns) => {
      const f = (await open('2005', columns)).frame();
      expect(widestLine(f)).toBeLessThanOrEqual(columns);
      expect(f).toContain('✖ FAILED · oom_gpu');
      expect(f).toContain('torch.cuda.OutOfMemoryError: CUDA out of memory.');
      const marked = f.split('\n').filter((l) => l.startsWith('▶'));
      expect(marked).toHaveLength(1);
      expect(marked[0]).toContain(ROOT_CAUSE.slice(0, 30));
      expect(f).toContain(' Traceback (most recent call last):');
    },
  );

  test('unknown total: the count without a bar', async () => {
    const f = (await open('2009', 60)).frame();
    expect(f).toContain('12.3k it · total unknown');
    expect(f).toContain('rate 310 it/s');
  });

  test('the job id given on the command line is found on whichever cluster has it', async () => {
    const jobs = (now: number) => [entry(now, { job_id: '77', name: 'on-beta' }, { cluster: 'beta' })];
    const app = await renderApp({ jobs, initialJobKey: 'alpha/77' });
    expect(app.frame()).toContain('on-beta');
  });

  test('an array id on the command line opens the list with the array expanded', async () => {
    const app = await renderApp({ jobs: arrayJobs, initialJobKey: 'local/3000' });
    expect(app.frame()).toContain('▾ 3000 [8]');
    expect(app.frame()).toContain('3000_2');
  });

  test('pending job shows its reason and that there is no log yet', async () => {
    const f = (await open('2003', 60)).frame();
    expect(f).toContain('PD Resources');
    expect(f).toContain('waiting: Resources');
    expect(f).toContain('no log until the job starts');
  });

  test('OOM job shows the exit note plainly', async () => {
    const f = (await open('2008', 60)).frame();
    expect(f).toContain('✖ OOM · oom_host');
    expect(f).toContain('killed by the kernel OOM killer');
  });

  test('log not written yet, and missing log', async () => {
    const jobs = (now: number) => [
      entry(now, { job_id: '1' }, { stdout: logInfo('/scratch/slurm-1.out', [], { status: 'waiting' }) }),
      entry(
        now,
        { job_id: '2', state: 'FAILED' },
        { stdout: logInfo('/scratch/slurm-2.out', [], { status: 'waiting' }) },
      ),
    ];
    expect((await renderApp({ jobs, initialJobKey: 'local/1' })).frame()).toContain(
      'log not written yet: /scratch/slurm-1.out',
    );
    expect((await renderApp({ jobs, initialJobKey: 'local/2' })).frame()).toContain(
      'log missing: /scratch/slurm-2.out',
    );
  });

  test('CJK name and escape sequences in the log: layout holds, nothing leaks, colours kept', async () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      for (const columns of [60, 120]) {
        const app = await open('2010', columns, 24, createTheme(false));
        const f = app.frame();
        expect(widestLine(f)).toBeLessThanOrEqual(columns);
        expect(f).toContain(CJK_NAME);
        expect(f).toContain('step 5 done cleared red');
        expect(f).not.toContain('pwned');
        const raw = app.rawFrame();
        expect(raw).not.toContain('\x1b]');
        expect(raw).not.toContain('\x1b[2J');
        expect(raw).not.toContain('\x07');
        // The log's own red survives as a style.
        expect(raw).toMatch(/\x1b\[31mred/);
      }
    } finally {
      chalk.level = level;
    }
  });

  test('a long log line is cut at the pane width; w wraps it', async () => {
    const long = `${'x'.repeat(70)}END`;
    const jobs = (now: number) => [
      entry(now, { job_id: '7' }, { stdout: logInfo('/l/slurm-7.out', [long, '宽字符'.repeat(20)]) }),
    ];
    const app = await renderApp({ jobs, initialJobKey: 'local/7', columns: 60 });
    expect(widestLine(app.frame())).toBeLessThanOrEqual(60);
    expect(app.frame()).not.toContain('END');
    await app.press('w');
    expect(app.frame()).toContain('END');
    expect(widestLine(app.frame())).toBeLessThanOrEqual(60);
  });
});

describe('job view keys', () => {
  const manyLines = (now: number) => [
    entry(
      now,
      { job_id: '9' },
      {
        stdout: logInfo(
          '/l/slurm-9.out',
          Array.from({ length: 100 }, (_, i) => `line ${i}`),
        ),
      },
    ),
  ];

  test('follows the tail; k scrolls up and pauses; G follows again', async () => {
    const app = await renderApp({ jobs: manyLines, initialJobKey: 'local/9' });
    expect(app.frame()).toContain('line 99');
    expect(app.frame()).toContain('following');
    await app.press('k');
    expect(app.frame()).not.toContain('line 99');
    expect(app.frame()).toContain('paused');
    await app.press(KEYS.pageUp);
    expect(app.frame()).not.toContain('line 90');
    // New lines do not yank a paused view.
    app.store.setState((s) => {
      const e = s.jobs['local/9']!;
      return {
        jobs: { ...s.jobs, 'local/9': { ...e, stdout: { ...e.stdout!, lines: [...e.stdout!.lines, 'line 100'] } } },
      };
    });
    await settle();
    expect(app.frame()).not.toContain('line 100');
    await app.press('G');
    expect(app.frame()).toContain('line 100');
    await app.press('g');
    expect(app.frame()).toContain(' line 0');
    await app.press('f');
    expect(app.frame()).toContain('line 100');
  });

  test('/ searches, n/N move between hits', async () => {
    const app = await renderApp({ jobs: manyLines, initialJobKey: 'local/9' });
    await app.press('/', ...'line 1', KEYS.enter);
    // Hits: line 1, 10-19, 100? (no) → the last hit is shown first.
    expect(app.frame()).toMatch(/\/line 1 11\/11/);
    expect(app.frame()).toContain('line 19');
    await app.press('n');
    expect(app.frame()).toMatch(/1\/11/);
    expect(app.frame()).toContain(' line 1\n');
    await app.press('N');
    expect(app.frame()).toMatch(/11\/11/);
    await app.press(KEYS.esc);
    expect(app.frame()).not.toContain('/line 1');
    expect(app.frame()).toContain('stdout');
    await app.press(KEYS.esc);
    expect(app.frame()).toContain('JOBID');
  });

  test('o cycles stdout / stderr / split when they are different files', async () => {
    const jobs = (now: number) => [
      entry(
        now,
        { job_id: '5' },
        { stdout: logInfo('/l/slurm-5.out', ['from stdout']), stderr: logInfo('/l/slurm-5.err', ['from stderr']) },
      ),
    ];
    const app = await renderApp({ jobs, initialJobKey: 'local/5' });
    expect(app.frame()).toContain('from stdout');
    expect(app.frame()).not.toContain('from stderr');
    await app.press('o');
    expect(app.frame()).toContain('─ stderr slurm-5.err');
    expect(app.frame()).not.toContain('from stdout');
    await app.press('o');
    expect(app.frame()).toContain('from stdout');
    expect(app.frame()).toContain('from stderr');
    await app.press('o');
    expect(app.frame()).not.toContain('from stderr');
  });

  test('q goes back to the table; Ctrl-C quits', async () => {
    const app = await open('2001');
    await app.press('q');
    expect(app.frame()).toContain('JOBID');
    expect(app.controller.quit).not.toHaveBeenCalled();
    await app.press(KEYS.ctrlC);
    expect(app.controller.quit).toHaveBeenCalledOnce();
  });

  test('d asks the controller and shows the diagnosis pane from the store', async () => {
    const app = await open('2005', 80, 30);
    await app.press('d');
    expect(app.controller.diagnose).toHaveBeenCalledWith('local/2005');
    const d = (over: Partial<DiagnosisState>): DiagnosisState => ({
      status: 'running',
      text: null,
      error: null,
      cached: false,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
      ...over,
    });
    app.store.setState({ diagnoses: { 'local/2005': d({}) } });
    await settle();
    expect(app.frame()).toContain('asking Claude');
    app.store.setState({
      diagnoses: {
        'local/2005': d({
          status: 'done',
          text: 'Reduce the batch size.',
          cached: true,
          costUsd: 0.0123,
          inputTokens: 12000,
          outputTokens: 340,
        }),
      },
    });
    await settle();
    expect(app.frame()).toContain('Reduce the batch size.');
    expect(app.frame()).toContain('(cached)');
    expect(app.frame()).toContain('$0.0123');
    expect(app.frame()).toContain('12k in / 340 out tokens');
    app.store.setState({ diagnoses: { 'local/2005': d({ status: 'error', error: 'claude not found' }) } });
    await settle();
    expect(app.frame()).toContain('claude not found');
  });

  test('d in the table opens the job view with the diagnosis', async () => {
    const app = await renderApp({ columns: 80, rows: 30 });
    await app.press('G', 'k', 'k', 'k', 'k');
    await app.press('d');
    expect(app.controller.diagnose).toHaveBeenCalledWith('local/2005');
    expect(app.frame()).toContain('✖ FAILED · oom_gpu');
  });
});
