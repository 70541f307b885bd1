/**
 * The first look tells the truth (issue 16): entries are built the way the poller builds them
 * (real log text through the parser, then derive), and the table and job view are checked at
 * 60, 80 and 120 columns.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { analyzeLogDetailed } from '../parsers/log.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
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
function jobWithLogs(now: number, job: Partial<SlurmJob> & { job_id: string }, logs: { out?: string; err?: string }): JobEntry {
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
    jobWithLogs(now, { job_id: '7002', name: 'oom-run', state: 'FAILED', exit_code: '1:0', end_time: new Date(now - 60_000).toISOString() }, {
      out: ['step 1', 'Traceback (most recent call last):', '  File "train.py", line 3, in <module>', OOM, ''].join('\n'),
    }),
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
        'local/7002': { status: 'done', text: ADVICE, error: null, cached: false, costUsd: null, inputTokens: null, outputTokens: null },
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
