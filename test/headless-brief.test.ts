import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatBrief } from '../src/headless/summary-brief.js';
import type { SummaryDoc, SummaryJob } from '../src/headless/summary-json.js';
import { cliPath } from './helpers/cluster.js';
import { summaryJob } from './helpers/fixtures.js';

const job = summaryJob;
const doc = (
  jobs: SummaryJob[],
  clusters: SummaryDoc['clusters'] = [{ name: 'hpc', ok: true, error: null }],
): SummaryDoc => ({ generated_at: 'x', clusters, jobs });

describe('--summary --brief', () => {
  it('lists running jobs with progress and ETA, pending ids with reasons, and only failures since the last brief', () => {
    const d = doc([
      job({ job_id: '10', progress: { current: 50, total: 200 } as never, eta_s: 600, will_timeout: true }),
      job({ job_id: '11', state: 'PENDING', reason: 'Priority' }),
      job({
        job_id: '12',
        name: 'eval',
        state: 'FAILED',
        exit_code: '1:0',
        end_time: '2026-11-28T12:00:00+00:00',
        failure: { category: 'oom_gpu', line: 'CUDA out of memory' } as never,
      }),
      job({ job_id: '13', name: 'old', state: 'TIMEOUT', end_time: '2026-11-27T12:00:00+00:00' }),
      job({ job_id: '14', state: 'COMPLETED', end_time: '2026-11-28T12:30:00+00:00' }),
    ]);
    expect(formatBrief(d, Date.parse('2026-11-28T00:00:00Z'))).toBe(
      [
        'hpc-watch: 1 running, 1 pending; 1 failed since the last session',
        '  10 train RUNNING · 25% · ETA 10m · ⚠ will hit its time limit',
        '  pending: 11 (Priority)',
        '  12 eval FAILED · oom_gpu: CUDA out of memory',
        'Details: the hpc-watch MCP tools (list_jobs, get_job, diagnosis_bundle) or `hpc-watch --summary --json`.',
        '',
      ].join('\n'),
    );
    expect(formatBrief(d, null)).toMatch(/; 2 failed recently\n[\s\S]*13 old TIMEOUT · exit \?/);
  });

  it('stays a few lines with many jobs, and names an unreachable cluster', () => {
    const many = Array.from({ length: 40 }, (_, i) => job({ job_id: String(100 + i) }));
    const text = formatBrief(doc(many, [{ name: 'hpc', ok: false, error: 'squeue: timed out' }]), null);
    expect(text.trimEnd().split('\n')).toHaveLength(9);
    expect(text).toContain('! hpc: squeue: timed out');
    expect(text).toContain('  … and 35 more');
    expect(formatBrief(doc([]), null)).toBe('hpc-watch: 0 running, 0 pending; 0 failed recently\n');
  });
});

describe('--summary --brief from the built CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hpcw-brief-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cliPath(), '--summary', '--brief', ...args], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: dir, ...env },
      timeout: 60_000,
    });

  it('remembers when it ran: the first brief shows recent failures, the next ones those since', () => {
    const first = run(['--demo']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^hpc-watch: \d+ running, \d+ pending; 3 failed recently\n/);
    expect(first.stdout).toContain(
      "4104 eval-llm FAILED · import_error: ModuleNotFoundError: No module named 'flash_attn'",
    );
    // The demo restarts its clock each run, so only the wording shows the marker was read.
    const second = run(['--demo']);
    expect(second.stdout).toMatch(/; \d+ failed since the last session\n/);
  }, 60_000);

  it('exits 0 with one line when no cluster answers (a hook must not fail the session)', () => {
    const r = run([], { PATH: join(dir, 'no-slurm-here') });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^hpc-watch: no job state \(.*\)\n$/);
  }, 60_000);
});
