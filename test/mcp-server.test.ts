/**
 * The MCP server through the official client, in memory, over a fake session: what each tool
 * answers, that it is the same data as `--summary --json` / `inspect --json` / `diagnose
 * --dry-run`, that nothing secret leaves, that cancel_job only touches the user's own jobs, and
 * that bad arguments are tool errors while the server keeps answering.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { prepareExcerpt } from '../src/diagnose/run.js';
import { inspectFile, toJson } from '../src/headless/inspect.js';
import { buildSummary } from '../src/headless/summary-json.js';
import { createMcpServer } from '../src/mcp/server.js';
import { compactJob, type McpDeps } from '../src/mcp/tools.js';
import { JobDetails } from '../src/slurm/job-details.js';
import { createJobStore, type JobEntry, jobKey, type LogInfo, type Store } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import type { ExecResult, Transport } from '../src/transport/types.js';
import { failedJob, oomTraceback, plantedSecrets, secretLines } from './diagnose-helpers.js';
import { logInfo } from './helpers/fixtures.js';

const secrets = plantedSecrets();
const NOW = Date.parse('2026-11-28T14:00:00Z');

let dir: string;
let store: Store;
let execs: string[][];
let lookups: string[];
let whoami: string | null;
let client: Client;
let deps: McpDeps;

/** A local transport that also answers `id -un` and `scancel` (recorded). */
function fakeTransport(): Transport {
  const local = new LocalTransport('hpc');
  const result = (stdout: string, code = 0): ExecResult => ({
    stdout,
    stderr: '',
    code,
    signal: null,
    timedOut: false,
    notFound: false,
    durationMs: 1,
  });
  return Object.assign(Object.create(local) as Transport, {
    async exec(argv: readonly string[]) {
      execs.push([...argv]);
      if (argv[0] === 'id') return whoami ? result(`${whoami}\n`) : result('', 1);
      if (argv[0] === 'scancel') return result('');
      return result('', 127);
    },
  });
}

const info = (path: string): LogInfo => logInfo(path, [], { size: 0 });

function addJob(job: Partial<SlurmJob>, log: string | null = null, extra: Partial<JobEntry> = {}): JobEntry {
  const j = failedJob(job);
  const e: JobEntry = {
    key: jobKey('hpc', j.job_id),
    cluster: 'hpc',
    job: j,
    polledAt: NOW,
    source: 'sacct',
    stdout: log ? info(log) : null,
    stderr: log ? info(log) : null,
    analysis: null,
    history: [],
    willTimeout: null,
    overrunS: null,
    finishAt: null,
    exitNote: null,
    notFound: false,
    logsFinal: true,
    ...extra,
  };
  store.setState((s) => ({ jobs: { ...s.jobs, [e.key]: e } }));
  return e;
}

async function call(name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as {
    content: { type: string; text: string }[];
    isError?: boolean;
  };
  return { text: r.content[0]!.text, isError: r.isError === true };
}
const json = async (name: string, args: Record<string, unknown> = {}) => {
  const r = await call(name, args);
  expect(r.isError, r.text).toBe(false);
  return JSON.parse(r.text);
};

let crashLog = '';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-mcp-'));
  store = createJobStore();
  execs = [];
  lookups = [];
  whoami = 'hpcuser';
  crashLog = join(dir, '4103.out');
  const bars = Array.from(
    { length: 30 },
    (_, i) => `\rEpoch 0:  ${Math.floor((100 * i) / 30)}%|█▌  | ${i}/30 [00:0${i % 10}<00:17,  4.90batch/s]`,
  ).join('');
  const colored = `\x1b[31mlogin with ${secrets.huggingface}\x1b[0m`;
  writeFileSync(crashLog, `${secretLines(secrets).join('\n')}\n${colored}\n${bars}\n${oomTraceback().join('\n')}\n`);
  store.setState({
    clusters: {
      hpc: {
        name: 'hpc',
        ok: true,
        error: null,
        lastPollAt: NOW,
        lastOkAt: NOW,
        lastPollMs: 5,
        nextPollAt: null,
        backoffMs: 0,
        stale: false,
        connected: true,
      },
    },
  });
  addJob({ job_id: '4103', user: 'hpcuser' }, crashLog);
  addJob({ job_id: '4200', name: 'train', state: 'RUNNING', end_time: null, exit_code: null, user: 'hpcuser' });
  addJob({
    job_id: '4300',
    name: 'theirs',
    state: 'PENDING',
    start_time: null,
    end_time: null,
    exit_code: null,
    user: 'someone',
  });
  addJob({
    job_id: '4000',
    name: 'old',
    state: 'COMPLETED',
    end_time: '2026-11-27T10:00:00+00:00',
    exit_code: '0:0',
    user: 'hpcuser',
  });
  const t = fakeTransport();
  deps = {
    store,
    clusters: [{ name: 'hpc', transport: t }],
    refresh: async () => {},
    invalidate: () => {},
    lookup: async (_c, id) => {
      lookups.push(id);
      return [];
    },
    loginUser: async () => whoami,
    allUsers: false,
    sinceS: 86400 * 7,
    tailBytes: 1024 * 1024,
    claude: {},
    env: { MY_SERVICE_TOKEN: secrets.envValue },
    now: () => NOW,
  };
  await connect();
});

async function connect(): Promise<void> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createMcpServer(deps, 'test').connect(a);
  client = new Client({ name: 'test', version: '1' });
  await client.connect(b);
}

afterEach(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

const noSecret = (text: string) => {
  for (const [kind, value] of Object.entries(secrets)) expect(text.includes(value), kind).toBe(false);
};

describe('hpc-watch MCP server', () => {
  it('offers six tools, short descriptions, cancel_job marked destructive and the rest read-only', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'list_jobs',
      'get_job',
      'tail_log',
      'inspect_log',
      'diagnosis_bundle',
      'cancel_job',
    ]);
    for (const t of tools) {
      expect(t.description!.length, t.name).toBeLessThan(260);
      expect(t.annotations?.readOnlyHint, t.name).toBe(t.name !== 'cancel_job');
    }
    expect(tools.find((t) => t.name === 'cancel_job')!.annotations?.destructiveHint).toBe(true);
  });

  it('list_jobs: the --summary --json jobs (null fields left out), filtered by state, since, cluster and limit', async () => {
    const all = await json('list_jobs');
    const doc = buildSummary(store.getState(), NOW);
    expect(all.jobs).toEqual(JSON.parse(JSON.stringify(doc.jobs.map(compactJob))));
    expect(all).toMatchObject({ total: 4, clusters: [{ name: 'hpc', ok: true }] });
    expect(all.jobs[0]).not.toHaveProperty('reason', null);
    // Nulls go at every depth: nothing in the listing is null.
    expect(JSON.stringify(all.jobs)).not.toContain('null');
    expect(compactJob({ ...doc.jobs[0]!, efficiency: { cpu: 0.5, mem: null } as never, pending: null })).toMatchObject({
      efficiency: { cpu: 0.5 },
    });
    expect(compactJob({ ...doc.jobs[0]!, efficiency: { cpu: 0.5, mem: null } as never }).efficiency).not.toHaveProperty(
      'mem',
    );
    expect((await json('list_jobs', { state: 'failed' })).jobs.map((j: { job_id: string }) => j.job_id)).toEqual([
      '4103',
    ]);
    expect((await json('list_jobs', { state: 'RUNNING' })).jobs.map((j: { job_id: string }) => j.job_id)).toEqual([
      '4200',
    ]);
    expect((await json('list_jobs', { state: 'queued' })).jobs.map((j: { job_id: string }) => j.job_id)).toEqual([
      '4300',
    ]);
    // 4103 ended 2026-11-28T13:53:28Z, 4000 a day earlier.
    const recent = await json('list_jobs', { since: '1h' });
    expect(recent.jobs.map((j: { job_id: string }) => j.job_id).sort()).toEqual(['4103', '4200', '4300']);
    const two = await json('list_jobs', { limit: 2 });
    expect(two).toMatchObject({ total: 4, shown: 2 });
    expect(two.jobs).toHaveLength(2);
    expect(await call('list_jobs', { cluster: 'nope' })).toEqual({
      isError: true,
      text: 'unknown cluster "nope" (known: hpc)',
    });
    expect((await call('list_jobs', { since: 'yesterday' })).text).toMatch(/^since: expected a duration/);
    expect((await call('list_jobs', { all_users: true })).text).toMatch(/--all-users/);
  });

  it('list_jobs on an --all-users server: the user’s own jobs unless all_users', async () => {
    deps.allUsers = true;
    await connect();
    expect((await json('list_jobs')).jobs.map((j: { user: string }) => j.user)).not.toContain('someone');
    expect((await json('list_jobs', { all_users: true })).total).toBe(4);
  });

  it('get_job on the FAILED job names it and its category, with no secret', async () => {
    const e = store.getState().jobs['hpc/4103']!;
    const line = `ValueError: bad token ${secrets.huggingface}`;
    store.setState((s) => ({
      jobs: {
        ...s.jobs,
        [e.key]: {
          ...e,
          analysis: {
            framework: 'none',
            progress: null,
            metrics: {},
            failure: { category: 'python_exception', line } as never,
          },
        },
      },
    }));
    const r = await call('get_job', { job_id: '4103' });
    expect(r.isError).toBe(false);
    const j = JSON.parse(r.text);
    expect(j).toMatchObject({
      job_id: '4103',
      state: 'FAILED',
      exit_code: '1:0',
      failure: { category: 'python_exception' },
    });
    expect(j.failure.line).toContain('[REDACTED:');
    noSecret(r.text);
  });

  it('redacts values, not the JSON text: a credential-looking line never breaks the document', async () => {
    const e = store.getState().jobs['hpc/4103']!;
    // In compact JSON a `token=` value would run on through the next fields up to a space.
    for (const line of [
      `ValueError: bad batch: token=${secrets.huggingface}`,
      `KeyError: password=${secrets.urlPassword}`,
      `api_key: '${secrets.apiKey}'}`,
    ]) {
      store.setState((s) => ({
        jobs: {
          ...s.jobs,
          [e.key]: {
            ...e,
            analysis: {
              framework: 'none',
              progress: null,
              metrics: {},
              failure: { category: 'python_exception', line } as never,
            },
          },
        },
      }));
      const r = await call('list_jobs', { state: 'failed' });
      const j = JSON.parse(r.text).jobs[0];
      expect(j.failure.line, line).toContain('[REDACTED:');
      expect(j.cluster).toBe('hpc');
      noSecret(r.text);
    }
  });

  it("get_job shows a running job's usage, asked for once per interval (sstat); list_jobs never asks", async () => {
    const sstat: string[][] = [];
    const runner = {
      async run(argv: readonly string[]) {
        sstat.push([...argv]);
        return { stdout: '4200.batch|cpu=01:00:00,mem=2097152K\n', durationMs: 1 };
      },
    };
    const details = new JobDetails(
      runner,
      store,
      () => 0,
      () => NOW,
    );
    deps.details = (key) => details.refresh(key);
    await json('list_jobs');
    expect(sstat).toEqual([]);
    const j = await json('get_job', { job_id: '4200' });
    expect(j.usage).toMatchObject({ cpu_used_s: 3600, mem_used_bytes: 2 * 1024 ** 3, steps: 1 });
    expect(sstat).toHaveLength(1);
    await json('get_job', { job_id: '4200' });
    expect(sstat).toHaveLength(1);
    // an ended job has nothing live to ask for
    expect((await json('get_job', { job_id: '4000' })).usage).toBeUndefined();
    expect(sstat).toHaveLength(1);
  });

  it('get_job of a job outside the watched set asks the cluster once, and says so when nobody knows it', async () => {
    const r = await call('get_job', { job_id: '999' });
    expect(r).toEqual({ isError: true, text: 'job 999 not found (neither squeue nor sacct know it)' });
    expect(lookups).toEqual(['999']);
  });

  it('tail_log: the last lines, redraws collapsed, escapes gone, secrets redacted', async () => {
    const r = await call('tail_log', { job_id: '4103', lines: 12 });
    expect(r.isError).toBe(false);
    const body = r.text.split('\n').slice(1, -1);
    expect(body).toHaveLength(12);
    expect(body).toContain('login with [REDACTED:huggingface]');
    expect(body.at(-1)).toBe(oomTraceback().at(-1));
    expect(r.text).not.toContain('\x1b');
    expect(r.text).not.toContain('\r');
    expect(r.text.match(/\d+\/30 \[/g)).toEqual(['29/30 [']);
    noSecret(r.text);
    expect((await call('tail_log', { job_id: '4200' })).text).toMatch(/no stdout log path known yet/);
  });

  it('inspect_log is inspect --json of the file, redacted; a missing file is an error', async () => {
    const r = await json('inspect_log', { path: crashLog });
    const direct = await inspectFile(crashLog, 1024 * 1024);
    expect(r).toMatchObject({ ...toJson(direct as never), failure: { category: 'oom_gpu' } });
    expect(await call('inspect_log', { path: join(dir, 'missing.log') })).toEqual({
      isError: true,
      text: `${join(dir, 'missing.log')}: no such file`,
    });
  });

  it('diagnosis_bundle is the dry-run bundle, with no secret; a pending job has nothing to diagnose', async () => {
    const r = await call('diagnosis_bundle', { job_id: '4103' });
    expect(r.isError).toBe(false);
    const { excerpt } = await prepareExcerpt(deps.clusters[0]!.transport, store.getState().jobs['hpc/4103']!, {
      force: true,
      env: deps.env,
    });
    expect(r.text.slice(r.text.indexOf('\n') + 1)).toBe(excerpt.text);
    expect(r.text).toMatch(/^# diagnosis bundle, job 4103 on hpc: ~\d+ tokens, \d+ secrets redacted/);
    noSecret(r.text);
    expect((await call('diagnosis_bundle', { job_id: '4300' })).text).toBe(
      'job 4300 is PENDING and has not run yet; nothing to diagnose',
    );
  });

  it('cancel_job cancels the user’s own running job and refuses others’, ended ones, and an unknown user', async () => {
    expect(await json('cancel_job', { job_id: '4200' })).toEqual({
      job_id: '4200',
      cluster: 'hpc',
      cancelled: true,
      message: 'scancel 4200: sent',
    });
    expect(execs).toContainEqual(['scancel', '4200']);
    execs = [];
    expect(await call('cancel_job', { job_id: '4300' })).toEqual({
      isError: true,
      text: 'job 4300 belongs to someone, not to you (hpcuser on hpc); hpc-watch cancels only your own jobs',
    });
    expect((await call('cancel_job', { job_id: '4103' })).text).toBe(
      'job 4103 has already ended (FAILED); nothing to cancel',
    );
    whoami = null;
    expect((await call('cancel_job', { job_id: '4200' })).text).toMatch(/^cannot tell which user you are on hpc/);
    expect(execs.filter((a) => a[0] === 'scancel')).toEqual([]);
  });

  it('bad arguments are tool errors with a clear message, and the server keeps answering', async () => {
    for (const [name, args, re] of [
      ['get_job', { job_id: 'x; rm -rf /' }, /^job_id: not a job id/],
      ['get_job', { job_id: 42 }, /job_id/],
      ['get_job', {}, /job_id/],
      ['tail_log', { job_id: '4103', lines: 100000 }, /lines/],
      ['tail_log', { job_id: '4103', stream: 'both' }, /stream/],
      ['list_jobs', { state: 'weird' }, /^state: unknown state "weird"/],
      ['no_such_tool', {}, /no_such_tool/],
    ] as const) {
      const r = await call(name, args as Record<string, unknown>);
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(r.text).toMatch(re);
    }
    expect((await json('list_jobs')).total).toBe(4);
  });

  it('a session that cannot reach any cluster is a tool error with its reason, not a crash', async () => {
    deps.refresh = async () => {
      throw new Error('hpc: squeue: Unable to contact slurm controller');
    };
    await connect();
    expect(await call('list_jobs')).toEqual({
      isError: true,
      text: 'hpc-watch: hpc: squeue: Unable to contact slurm controller',
    });
  });
});
