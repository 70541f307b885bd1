/**
 * `hpc-watch diagnose` end to end on the real SLURM cluster (test/cluster/up): the crash job
 * dies with a CUDA OOM traceback, and the built CLI hands the excerpt to the claude stand-in.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STUB_DIR, stubCalls } from './diagnose-helpers.js';
import { describeCluster, jobDir, runCli, SLURM_CONF, submit, until } from './helpers/cluster.js';

function sacctState(id: string): string {
  return execFileSync('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'State'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  }).trim();
}

describeCluster('diagnose against the real cluster', () => {
  let dir = '';
  let id = '';
  let tmp = '';

  beforeAll(() => {
    dir = jobDir();
    id = submit(dir, ['crash_runtime.sbatch']);
    tmp = mkdtempSync(join(tmpdir(), 'hpcw-it-diag-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('diagnoses the crashed job through the stand-in: excerpt with the OOM line and metadata, answer and cost back', async () => {
    await until(() => sacctState(id) === 'FAILED', 90_000);
    const rec = join(tmp, 'calls');
    const env = {
      PATH: `${STUB_DIR}:${process.env.PATH}`,
      CLAUDE_STUB_DIR: rec,
      CLAUDE_STUB_MODE: 'success',
      XDG_CACHE_HOME: join(tmp, 'cache'),
      HOME: join(tmp, 'home'),
      HPCW_CLAUDE_CMD: '',
    };
    const r = runCli(['diagnose', id, '--json'], { env, timeoutMs: 90_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      job_id: id,
      ok: true,
      cached: false,
      cost_usd: 0.0123,
      input_tokens: 1234,
      output_tokens: 456,
      error: null,
    });
    expect(out.text).toContain('**Class:** GPU OOM');

    const calls = stubCalls(rec);
    expect(calls).toHaveLength(1);
    const sent = calls[0]!.stdin;
    expect(sent).toContain('RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB');
    expect(sent).toMatch(new RegExp(`^### JOB\\nid=${id} name=finetune-bert state=FAILED exit=1:0 `));
    expect(sent).toContain('partition=gpu');
    expect(sent).toMatch(/elapsed=\d+:\d+\/5:00/);
    expect(sent).toContain(`slurm-${id}.out`);
    expect(sent).toContain('### TRACEBACK');
    expect(sent).toContain('category=oom_gpu');
    // No skill where claude would look (fresh HOME, no project skill): plain prompt, skill as system prompt.
    expect(calls[0]!.argv.slice(0, 2)).toEqual(['-p', `Diagnose SLURM job ${id} from the failure bundle below.`]);

    // Asked again: the cache answers, the stand-in is not called.
    const again = runCli(['diagnose', id, '--json'], { env, timeoutMs: 90_000 });
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, cached: true });
    expect(stubCalls(rec)).toHaveLength(1);
  }, 120_000);
});
