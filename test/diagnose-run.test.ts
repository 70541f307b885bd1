import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { readCachedDiagnosis } from '../src/diagnose/cache.js';
import { type DiagnoseDeps, diagnoseJob, startDiagnosis } from '../src/diagnose/run.js';
import { installSkill, skillPath } from '../src/diagnose/skill.js';
import type { Session } from '../src/session.js';
import { createJobStore, type JobEntry, jobKey, type LogInfo, type Store } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import {
  failedJob,
  OOM_LINE,
  oomTraceback,
  plantedSecrets,
  STUB_DIR,
  secretLines,
  stubCalls,
} from './diagnose-helpers.js';
import { logInfo } from './helpers/fixtures.js';

let dir: string;
let rec: string;
let store: Store;
let deps: DiagnoseDeps;
let env: NodeJS.ProcessEnv;
const secrets = plantedSecrets();

const info = (path: string): LogInfo => logInfo(path, [], { size: 0 });

function addJob(job: SlurmJob, out: string | null, err: string | null): string {
  const key = jobKey('local', job.job_id);
  const entry: JobEntry = {
    key,
    cluster: 'local',
    job,
    polledAt: Date.now(),
    source: 'sacct',
    stdout: out ? info(out) : null,
    stderr: err ? info(err) : null,
    analysis: null,
    history: [],
    willTimeout: false,
    logsFinal: true,
    overrunS: null,
    finishAt: null,
    exitNote: 'exit 1',
    notFound: false,
  };
  store.setState((s) => ({ jobs: { ...s.jobs, [key]: entry } }));
  return key;
}

/** Writes a crash like crash_runtime.sbatch: tqdm redraws with \r, planted secrets, the OOM traceback. */
function writeCrash(id: string, stamp: string, updates = 40): { out: string; err: string } {
  const out = join(dir, `${id}.out`);
  const err = join(dir, `${id}.err`);
  writeFileSync(out, `[${stamp}] job ${id} starting fine-tune\nLoading bert-base-uncased (110M params)\n`);
  const bars = Array.from(
    { length: updates },
    (_, i) =>
      `\rEpoch 0:  ${Math.floor((100 * i) / updates)}%|█▌  | ${i}/${updates} [00:0${i % 10}<00:17,  4.90batch/s]`,
  ).join('');
  writeFileSync(err, `${secretLines(secrets).join('\n')}\n${bars}\n${oomTraceback().join('\n')}\n`);
  return { out, err };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-diag-'));
  rec = join(dir, 'calls');
  mkdirSync(join(dir, 'home'));
  store = createJobStore();
  const t = new LocalTransport();
  deps = { store, transportFor: () => t };
  env = {
    ...process.env,
    PATH: `${STUB_DIR}:${process.env.PATH}`,
    CLAUDE_STUB_DIR: rec,
    CLAUDE_STUB_MODE: 'success',
    XDG_CACHE_HOME: join(dir, 'cache'),
    HOME: join(dir, 'home'),
    MY_SERVICE_TOKEN: secrets.envValue,
  };
  delete env.HPCW_CLAUDE_CMD;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('diagnoseJob', () => {
  it('sends the redacted excerpt to claude and records the answer in the store', async () => {
    const { out, err } = writeCrash('4103', '2026-11-28 10:00:00');
    const key = addJob(failedJob(), out, err);
    const seen: string[] = [];
    const unsub = store.subscribe((s) => seen.push(s.diagnoses[key]?.status ?? 'none'));
    const o = await diagnoseJob(deps, { key, env, cwd: dir });
    unsub();
    expect(o).toMatchObject({
      ok: true,
      cached: false,
      costUsd: 0.0123,
      inputTokens: 1234,
      outputTokens: 456,
      error: null,
    });
    expect(o.text).toContain('**Class:** GPU OOM');
    expect(seen[0]).toBe('running');
    expect(store.getState().diagnoses[key]).toMatchObject({
      status: 'done',
      cached: false,
      costUsd: 0.0123,
      inputTokens: 1234,
      outputTokens: 456,
    });
    const [call] = stubCalls(rec);
    expect(call!.stdin).toBe(o.excerpt!.text);
    expect(call!.stdin).toContain(OOM_LINE);
    expect(call!.stdin).toContain('id=4103 name=finetune-bert state=FAILED exit=1:0');
    expect(call!.stdin).toContain('req_mem=512M');
    expect(call!.stdin).toMatch(/Epoch 0: {2}97%\|.*39\/40/);
    // No skill installed where claude looks: a plain prompt, the skill text as system prompt.
    expect(call!.argv.slice(0, 2)).toEqual(['-p', 'Diagnose SLURM job 4103 from the failure bundle below.']);
    expect(call!.argv).toContain('--append-system-prompt-file');
    expect(call!.appendText).toContain('### TRACEBACK');
    expect(readCachedDiagnosis(o.excerpt!.hash, env)).toMatchObject({ jobId: '4103', text: o.text, costUsd: 0.0123 });
  });

  it('uses the installed skill (found in a parent of cwd) through its slash command, with no system prompt', async () => {
    const { out, err } = writeCrash('4103', '2026-11-28 10:00:00');
    const key = addJob(failedJob(), out, err);
    installSkill(skillPath('project', dir, env), false);
    const cwd = join(dir, 'sub', 'dir');
    mkdirSync(cwd, { recursive: true });
    const o = await diagnoseJob(deps, { key, env, cwd });
    expect(o).toMatchObject({ ok: true, skillFile: skillPath('project', dir, env) });
    const [call] = stubCalls(rec);
    expect(call!.argv.slice(0, 2)).toEqual(['-p', '/monitor-slurm 4103']);
    expect(call!.argv).not.toContain('--append-system-prompt-file');
  });

  it('never lets a planted secret reach claude (stdin, argv) or the dry run', async () => {
    const { out, err } = writeCrash('4103', '2026-11-28 10:00:00');
    // Secrets in the root-cause line and in a line longer than the per-line cut, too.
    writeFileSync(
      err,
      `${'y'.repeat(590)} ${secrets.openai} ${secrets.huggingface}\n${oomTraceback().slice(0, -1).join('\n')}\nValueError: bad token ${secrets.huggingface} for ${secrets.envValue}\n`,
      { flag: 'a' },
    );
    const key = addJob(
      failedJob({ command: `/home/u/run.sh https://bob:${secrets.urlPassword}@h.example/x` }),
      out,
      err,
    );
    const dry = await diagnoseJob(deps, { key, env, dryRun: true });
    const o = await diagnoseJob(deps, { key, env });
    expect(o.ok).toBe(true);
    const [call] = stubCalls(rec);
    const sent = JSON.stringify(call);
    for (const [kind, value] of Object.entries(secrets)) {
      expect(sent, kind).not.toContain(value);
      expect(dry.excerpt!.text, kind).not.toContain(value);
    }
    expect(dry.excerpt!.text).toBe(call!.stdin);
    expect(dry.redactions).toBeGreaterThanOrEqual(Object.keys(secrets).length - 1);
    expect(call!.stdin).toContain('ValueError: bad token [REDACTED:huggingface] for [REDACTED:extra-value]');
    expect(stubCalls(rec)).toHaveLength(1);
  });

  it('answers the same failure from the cache (another task, other times) and asks again with force', async () => {
    const a = writeCrash('77_1', '2026-11-28 10:00:00');
    const b = writeCrash('77_2', '2026-11-28 11:59:59', 55);
    const k1 = addJob(
      failedJob({ job_id: '77_1', raw_job_id: '78', array_job_id: '77', array_task_id: '1', elapsed_s: 28 }),
      a.out,
      a.err,
    );
    const k2 = addJob(
      failedJob({
        job_id: '77_2',
        raw_job_id: '79',
        array_job_id: '77',
        array_task_id: '2',
        elapsed_s: 31,
        nodes: 'gpu-003',
        max_rss: '470M',
      }),
      b.out,
      b.err,
    );
    const first = await diagnoseJob(deps, { key: k1, env });
    expect(first.cached).toBe(false);
    expect(stubCalls(rec)).toHaveLength(1);
    const again = await diagnoseJob(deps, { key: k1, env });
    const other = await diagnoseJob(deps, { key: k2, env });
    expect(stubCalls(rec)).toHaveLength(1);
    expect(again).toMatchObject({ ok: true, cached: true, text: first.text, costUsd: 0.0123 });
    expect(other).toMatchObject({ ok: true, cached: true });
    expect(other.excerpt!.hash).toBe(first.excerpt!.hash);
    expect(store.getState().diagnoses[k2]).toMatchObject({ status: 'done', cached: true });
    const forced = await diagnoseJob(deps, { key: k1, env, force: true });
    expect(forced.cached).toBe(false);
    expect(stubCalls(rec)).toHaveLength(2);
  });

  it('makes one call for concurrent requests about the same failure', async () => {
    const a = writeCrash('5_1', '2026-11-28 10:00:00');
    const b = writeCrash('5_2', '2026-11-28 10:00:09');
    const k1 = addJob(failedJob({ job_id: '5_1', array_job_id: '5', array_task_id: '1' }), a.out, a.err);
    const k2 = addJob(failedJob({ job_id: '5_2', array_job_id: '5', array_task_id: '2' }), b.out, b.err);
    const [x, y] = await Promise.all([diagnoseJob(deps, { key: k1, env }), diagnoseJob(deps, { key: k2, env })]);
    expect(x.ok && y.ok).toBe(true);
    expect(stubCalls(rec)).toHaveLength(1);
  });

  it('stays under budget for a huge \\r progress log', async () => {
    const { out, err } = writeCrash('9', '2026-11-28 10:00:00', 50_000);
    writeFileSync(
      out,
      Array.from({ length: 30_000 }, (_, i) => `it ${i} loss=${(1 / (i + 1)).toFixed(6)}`).join('\n'),
      { flag: 'a' },
    );
    const key = addJob(failedJob({ job_id: '9' }), out, err);
    const o = await diagnoseJob(deps, {
      key,
      env,
      dryRun: true,
      config: { tokenBudget: 3000 },
      tailBytes: 4 * 1024 * 1024,
    });
    expect(o.excerpt!.tokens).toBeLessThanOrEqual(3000);
    expect(o.excerpt!.text).toContain(OOM_LINE);
  });

  it('puts errors in the store and the outcome, never throws', async () => {
    const { out, err } = writeCrash('1', 'x');
    const key = addJob(failedJob({ job_id: '1' }), out, err);
    const o = await diagnoseJob(deps, { key, env: { ...env, CLAUDE_STUB_MODE: 'max-turns' } });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/turn limit/);
    expect(store.getState().diagnoses[key]).toMatchObject({ status: 'error', error: o.error });
    // A failed run is not cached: the next try calls again.
    await diagnoseJob(deps, { key, env: { ...env, CLAUDE_STUB_MODE: 'invalid-json' } });
    expect(stubCalls(rec)).toHaveLength(2);
    const missing = await diagnoseJob(deps, { key, env: { ...env, PATH: join(dir, 'nothing') } });
    expect(missing.error).toBe('Claude Code not found: install it or set claude.command / HPCW_CLAUDE_CMD');
    expect((await diagnoseJob(deps, { key: 'local/424242', env })).error).toMatch(/not known/);
  });

  it('refuses a job with no failure, and works from SLURM facts when the logs are gone', async () => {
    writeFileSync(join(dir, 'ok.out'), 'all good\n');
    const ok = addJob(
      failedJob({ job_id: '2', state: 'COMPLETED', exit_code: '0:0', reason: null }),
      join(dir, 'ok.out'),
      null,
    );
    const r = await diagnoseJob(deps, { key: ok, env });
    expect(r.error).toMatch(/^nothing to diagnose/);
    const oom = addJob(
      failedJob({ job_id: '3', state: 'OUT_OF_MEMORY', exit_code: '0:125' }),
      join(dir, 'gone.out'),
      join(dir, 'gone.err'),
    );
    const o = await diagnoseJob(deps, { key: oom, env, dryRun: true });
    expect(o.ok).toBe(true);
    expect(o.excerpt!.text).toContain('gone.out (missing)');
    expect(o.excerpt!.text).toContain('category=oom_host');
    expect(stubCalls(rec)).toHaveLength(0);
  });

  it('startDiagnosis runs in the background and hands back one handle per job', async () => {
    const { out, err } = writeCrash('4', 'x');
    const key = addJob(failedJob({ job_id: '4' }), out, err);
    const session = {
      store,
      clusters: [{ name: 'local', transport: new LocalTransport() }],
      close: async () => {},
    } as unknown as Session;
    const h = startDiagnosis(session, key, { env });
    expect(startDiagnosis(session, key, { env })).toBe(h);
    expect(store.getState().diagnoses[key]?.status).toBe('running');
    const o = await h.promise;
    expect(o.ok).toBe(true);
    expect(store.getState().diagnoses[key]?.status).toBe('done');
  });
});
