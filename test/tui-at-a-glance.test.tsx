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
