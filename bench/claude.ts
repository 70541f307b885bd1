/**
 * Claude Code figures, in one run:
 * - tokens per diagnosis with the REAL claude CLI (pinned, offline) against the Messages-API
 *   stand-in: the bundle vs everything sent, before (skill expanding `$ARGUMENTS`, CLI default
 *   model, prose) and after (`$0`, haiku, `--json-schema`), and the list-price cost per model.
 *   Tokens are the stand-in's estimate, request JSON length / 4 (the excerpt budget's unit).
 * - MCP `list_jobs` latency on 200 jobs: the official client in memory against the server over a
 *   fake session (a store of 200 jobs, no polling), vs building the same `--summary --json`.
 * - the MCP server's RSS when idle: `hpc-watch mcp --demo` as a process, after one call.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { claudeArgs } from '../src/diagnose/claude.js';
import { prepareExcerpt } from '../src/diagnose/run.js';
import { skillPath, skillPromptFile } from '../src/diagnose/skill.js';
import { SKILL_MD } from '../src/diagnose/skill-text.js';
import { buildSummary } from '../src/headless/summary-json.js';
import { createMcpServer } from '../src/mcp/server.js';
import type { McpDeps } from '../src/mcp/tools.js';
import { createJobStore, type JobEntry, jobKey } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import { failedJob, oomTraceback } from '../test/diagnose-helpers.js';
import { startStandin } from '../test/helpers/messages-standin.js';
import { claudeEnv, count, realClaudeBin, runAsync } from '../test/helpers/real-claude.js';

const CLI = resolve(import.meta.dirname, '../dist/cli.js');
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function entry(id: string, log: string | null, over: Partial<JobEntry['job']> = {}): JobEntry {
  const info = log
    ? {
        path: log,
        status: 'ok' as const,
        size: 0,
        mtimeMs: null,
        error: null,
        analysis: null,
        lines: [],
        failureLine: null,
      }
    : null;
  return {
    key: jobKey('local', id),
    cluster: 'local',
    job: failedJob({ job_id: id, ...over }),
    polledAt: Date.now(),
    source: 'sacct',
    stdout: info,
    stderr: info,
    analysis: null,
    history: [],
    willTimeout: false,
    overrunS: null,
    finishAt: null,
    exitNote: 'exit 1',
    notFound: false,
    logsFinal: true,
  };
}

/** A fine-tune that made progress, logged `n` distinct lines, then died with a CUDA OOM. */
async function bundleOf(dir: string, n: number): Promise<{ text: string; tokens: number }> {
  const log = join(dir, `slurm-${n}.out`);
  const lines = ['Loading bert-base-uncased (110M params)'];
  // Distinct words, so the excerpt cannot fold the lines as "similar" (it folds lines that differ in numbers only).
  const words = [
    'alpha',
    'bravo',
    'cedar',
    'delta',
    'ember',
    'fjord',
    'gamma',
    'harbor',
    'iris',
    'juniper',
    'kelp',
    'lumen',
    'maple',
    'nectar',
    'onyx',
    'pollen',
    'quartz',
    'raven',
    'sable',
    'tundra',
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      `loading shard ${words[i % 20]}-${words[Math.floor(i / 20) % 20]}-${words[Math.floor(i / 400) % 20]} from the cache`,
    );
  lines.push(
    'UserWarning: torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly',
    ...oomTraceback(),
  );
  writeFileSync(log, `${lines.join('\n')}\n`);
  const { excerpt } = await prepareExcerpt(new LocalTransport(), entry('4103', log), { env: {} });
  return { text: excerpt.text, tokens: excerpt.tokens };
}

async function tokensPerDiagnosis(): Promise<void> {
  const bin = realClaudeBin();
  if (!bin) {
    console.log(
      'tokens per diagnosis: skipped, the real claude CLI is not installed (node scripts/install-claude.mjs)',
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpcw-bench-claude-'));
  const answer = {
    class: 'GPU OOM',
    evidence: ['torch.OutOfMemoryError: CUDA out of memory.'],
    root_cause: 'The batch does not fit.',
    fix: ['halve the batch size'],
    confidence: 'high',
  };
  const standin = await startStandin({
    rules: [{ when: { tool: 'StructuredOutput' }, reply: { structured: answer } }],
    default: { text: `**Class**: GPU OOM\n${'x'.repeat(400)}` },
  });
  try {
    mkdirSync(join(dir, 'home'), { recursive: true });
    const promptFile = skillPromptFile({ XDG_CACHE_HOME: join(dir, 'cache') })!;
    const old = SKILL_MD.replace('Job id: $0', 'Arguments: $ARGUMENTS');
    const prose = (model: string) => [...claudeArgs('4103', { model, structured: false })];
    for (const n of [40, 3000]) {
      const bundle = await bundleOf(dir, n);
      const marker = JSON.stringify(bundle.text.trim()).slice(1, -1);
      console.log(`bundle of ${bundle.tokens} tokens:`);
      const run = async (label: string, skill: string | null, args: string[]) => {
        const proj = join(dir, `${n}-${label.replace(/\W+/g, '-')}`);
        mkdirSync(proj, { recursive: true });
        if (skill !== null) {
          const p = skillPath('project', proj);
          mkdirSync(join(p, '..'), { recursive: true });
          writeFileSync(p, skill);
        }
        const first = standin.messages().length;
        const r = await runAsync(bin, args, {
          cwd: proj,
          env: claudeEnv(standin.url, join(dir, 'home')),
          input: bundle.text,
        });
        const reqs = standin.messages().slice(first);
        const cost = (JSON.parse(r.stdout) as { total_cost_usd?: number }).total_cost_usd ?? 0;
        const sent = reqs.reduce((t, q) => t + (q.usage?.input_tokens ?? 0), 0);
        const copies = reqs.reduce((t, q) => t + count(JSON.stringify(q.body), marker), 0);
        console.log(
          `  ${label.padEnd(46)} bundle ×${copies}, ${reqs.length} request(s), ${String(sent).padStart(5)} input tokens, $${cost.toFixed(4)}`,
        );
        return sent;
      };
      // Same model and output form before and after, so only the skill line differs.
      const before = await run('before: $ARGUMENTS (opus, prose)', old, prose('opus'));
      const after = await run('after: $0 (opus, prose)', SKILL_MD, prose('opus'));
      await run(
        'after, no skill installed (opus, prose)',
        null,
        claudeArgs('4103', { model: 'opus', structured: false }, promptFile),
      );
      for (const model of ['opus', 'sonnet', 'haiku'])
        await run(`after, --json-schema, ${model}`, SKILL_MD, claudeArgs('4103', { model }));
      console.log(
        `  sent per diagnosis: ${before} → ${after} input tokens (−${before - after}, the bundle is ${bundle.tokens})`,
      );
    }
  } finally {
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listJobsLatency(): Promise<void> {
  const store = createJobStore();
  const jobs: Record<string, JobEntry> = {};
  for (let i = 0; i < 200; i++) {
    const e = entry(String(5000 + i), `/scratch/u/logs/slurm-${5000 + i}.out`, {
      state: i % 4 === 0 ? 'FAILED' : i % 4 === 1 ? 'RUNNING' : i % 4 === 2 ? 'PENDING' : 'COMPLETED',
      name: `sweep-lr-${i}`,
    });
    e.analysis = {
      framework: 'tqdm',
      progress: null,
      metrics: { loss: 0.1234, lr: 2e-5 },
      failure: i % 4 === 0 ? ({ category: 'oom_gpu', line: `CUDA out of memory (job ${i})` } as never) : null,
    };
    jobs[e.key] = e;
  }
  store.setState({ jobs });
  const deps: McpDeps = {
    store,
    clusters: [{ name: 'local', transport: new LocalTransport() }],
    refresh: async () => {},
    invalidate: () => {},
    lookup: async () => [],
    loginUser: async () => 'hpcuser',
    allUsers: false,
    sinceS: 86400,
    tailBytes: 1 << 20,
    claude: {},
    env: process.env,
  };
  const [a, b] = InMemoryTransport.createLinkedPair();
  await createMcpServer(deps, 'bench').connect(a);
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(b);
  const mcp: number[] = [];
  const plain: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 60; i++) {
    let t0 = performance.now();
    const r = (await client.callTool({ name: 'list_jobs', arguments: { limit: 100 } })) as {
      content: { text: string }[];
    };
    mcp.push(performance.now() - t0);
    bytes = r.content[0]!.text.length;
    t0 = performance.now();
    JSON.stringify(buildSummary(store.getState(), Date.now()));
    plain.push(performance.now() - t0);
  }
  await client.close();
  const m = median(mcp.slice(10));
  const p = median(plain.slice(10));
  console.log(
    `MCP list_jobs over 200 jobs, 100 returned (fake session, in-memory transport): median ${m.toFixed(2)} ms, p95 ${pct(mcp.slice(10), 0.95).toFixed(2)} ms, ${bytes} chars (~${Math.round(bytes / 4)} tokens); --summary --json build ${p.toFixed(2)} ms (${(m / p).toFixed(1)}×)`,
  );
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function serverRss(): Promise<void> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--demo'],
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  const t0 = performance.now();
  await client.connect(transport);
  const ready = performance.now() - t0;
  await client.callTool({ name: 'list_jobs', arguments: {} });
  const pid = transport.pid!;
  await new Promise((r) => setTimeout(r, 5000));
  const idle = rssMb(pid);
  await client.close();
  const idleNode = await import('node:child_process').then(({ spawn }) =>
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const base = rssMb(idleNode.pid!);
  idleNode.kill();
  console.log(
    `MCP server (hpc-watch mcp --demo) idle after one list_jobs: RSS ${idle.toFixed(0)} MB (an idle node: ${base.toFixed(0)} MB); start to initialized ${ready.toFixed(0)} ms`,
  );
}

/** Prints the figures. */
export async function benchClaude(): Promise<void> {
  await tokensPerDiagnosis();
  await listJobsLatency();
  await serverRss();
}
