/** runDiagnose in-process with a fake session over real log files: --dry-run output and secrets. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCli } from '../src/cli-args.js';
import { resolveSettings } from '../src/config.js';
import { createJobStore, type JobEntry, jobKey, type LogInfo } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import { failedJob, oomTraceback, plantedSecrets, STUB_DIR, secretLines, stubCalls } from './diagnose-helpers.js';
import { logInfo } from './helpers/fixtures.js';

const fake = vi.hoisted(() => ({ jobs: [] as unknown[] }));

vi.mock('../src/session.js', () => ({
  openSession: async () => {
    const store = createJobStore();
    for (const e of fake.jobs as JobEntry[]) store.setState((s) => ({ jobs: { ...s.jobs, [e.key]: e } }));
    return {
      store,
      clusters: [{ name: 'local', transport: new LocalTransport(), poller: { tick: async () => {} } }],
      close: async () => {},
    };
  },
  pollOnce: async () => {},
}));

const { runDiagnose } = await import('../src/diagnose/command.js');

let dir: string;
const secrets = plantedSecrets();
const saved = { ...process.env };
const info = (path: string): LogInfo => logInfo(path, [], { size: 0 });

function entry(job = failedJob(), out: string, err: string): JobEntry {
  return {
    key: jobKey('local', job.job_id),
    cluster: 'local',
    job,
    polledAt: 0,
    source: 'sacct',
    stdout: info(out),
    stderr: info(err),
    analysis: null,
    history: [],
    willTimeout: null,
    overrunS: null,
    finishAt: null,
    exitNote: 'exit 1',
    notFound: false,
    logsFinal: true,
  };
}

async function capture(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    stdout += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    stderr += String(c);
    return true;
  });
  try {
    const opts = parseCli(argv);
    const code = await runDiagnose(opts, resolveSettings(opts));
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-dcmd-'));
  mkdirSync(join(dir, 'home'));
  const out = join(dir, '4103.out');
  const err = join(dir, '4103.err');
  writeFileSync(out, `starting\n${secretLines(secrets).slice(0, 8).join('\n')}\n`);
  writeFileSync(
    err,
    `${secretLines(secrets).join('\n')}\n${oomTraceback().slice(0, -1).join('\n')}\nRuntimeError: CUDA out of memory (token ${secrets.huggingface})\n`,
  );
  fake.jobs = [
    entry(failedJob(), out, err),
    entry(failedJob({ job_id: '4200', state: 'RUNNING', exit_code: null }), out, err),
  ];
  Object.assign(process.env, {
    PATH: `${STUB_DIR}:${saved.PATH}`,
    CLAUDE_STUB_DIR: join(dir, 'calls'),
    CLAUDE_STUB_MODE: 'success',
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    HOME: join(dir, 'home'),
    HPCW_CLAUDE_CMD: '',
    DEPLOY_SECRET: secrets.envValue,
  });
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

describe('runDiagnose', () => {
  it('--dry-run prints the redacted excerpt, with the count on stderr, and no secret anywhere', async () => {
    const r = await capture(['diagnose', '4103', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### JOB\nid=4103 /);
    expect(r.stdout).toContain('RuntimeError: CUDA out of memory (token [REDACTED:huggingface])');
    expect(r.stderr).toMatch(
      /^hpc-watch: dry run for job 4103: \d+ tokens \(budget 6000\), \d+ secrets redacted; nothing sent\n$/,
    );
    expect(Number(/(\d+) secrets/.exec(r.stderr)![1])).toBeGreaterThanOrEqual(12);
    for (const [kind, v] of Object.entries(secrets)) expect(r.stdout + r.stderr, kind).not.toContain(v);
    expect(stubCalls(join(dir, 'calls'))).toHaveLength(0);

    const sent = await capture(['diagnose', '4103', '--json']);
    expect(JSON.parse(sent.stdout)).toMatchObject({ ok: true, cached: false });
    const [call] = stubCalls(join(dir, 'calls'));
    expect(call!.stdin).toBe(r.stdout);
    for (const [kind, v] of Object.entries(secrets)) expect(JSON.stringify(call), kind).not.toContain(v);
  });

  it('refuses a running job unless --force (which still needs a failure in its log)', async () => {
    let r = await capture(['diagnose', '4200']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'hpc-watch: job 4200 is still RUNNING; nothing to diagnose yet (--force diagnoses a failure already in its log)\n',
    );
    r = await capture(['diagnose', '4200', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n\ncost \$0\.0123 · 1234 in \/ 456 out tokens · \d+ secrets redacted\n$/);
    expect(r.stderr).toContain('hpc-watch skill install');
  });
});
