/**
 * `diagnoseJob` with the REAL claude CLI (pinned, offline) against the Messages-API stand-in:
 * what actually reaches the model — the skill, the bundle exactly once, no secret — and what
 * hpc-watch makes of the answer (fields, prose fallback, cost and tokens).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type DiagnoseDeps, diagnoseJob } from '../src/diagnose/run.js';
import { installSkill, skillPath } from '../src/diagnose/skill.js';
import { SKILL_MD } from '../src/diagnose/skill-text.js';
import { createJobStore, type JobEntry, jobKey, type Store } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import { failedJob, oomTraceback, plantedSecrets, secretLines } from './diagnose-helpers.js';
import { type Script, type Standin, startStandin } from './helpers/messages-standin.js';
import { claudeEnv, count, describeRealClaude } from './helpers/real-claude.js';

const secrets = plantedSecrets();
const ANSWER = {
  class: 'GPU OOM',
  evidence: ['RuntimeError: CUDA out of memory.'],
  root_cause: 'The batch does not fit.',
  fix: ['halve the batch size'],
  confidence: 'high',
};

let dir: string;
let proj: string;
let store: Store;
let deps: DiagnoseDeps;
let standin: Standin | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-real-diag-'));
  proj = join(dir, 'proj');
  mkdirSync(proj);
  mkdirSync(join(dir, 'home'));
  store = createJobStore();
  const t = new LocalTransport('local');
  deps = { store, transportFor: () => t };
});
afterEach(async () => {
  await standin?.close();
  standin = null;
  rmSync(dir, { recursive: true, force: true });
});

/** A FAILED job whose stderr leaks every planted secret before its CUDA OOM traceback. */
function addCrashedJob(): string {
  const err = join(dir, '4103.err');
  writeFileSync(err, `${secretLines(secrets).join('\n')}\nEpoch 0: 40%|████ | 40/100\n${oomTraceback().join('\n')}\n`);
  const key = jobKey('local', '4103');
  const log = {
    path: err,
    status: 'ok' as const,
    size: 0,
    mtimeMs: null,
    error: null,
    analysis: null,
    lines: [],
    failureLine: null,
  };
  const entry: JobEntry = {
    key,
    cluster: 'local',
    job: failedJob(),
    polledAt: Date.now(),
    source: 'sacct',
    stdout: log,
    stderr: log,
    analysis: null,
    history: [],
    willTimeout: false,
    overrunS: null,
    finishAt: null,
    exitNote: 'exit 1',
    notFound: false,
    logsFinal: true,
  };
  store.setState((s) => ({ jobs: { ...s.jobs, [key]: entry } }));
  return key;
}

async function diagnose(bin: string, script: Script) {
  standin = await startStandin(script);
  const env = {
    ...claudeEnv(standin.url, join(dir, 'home')),
    HPCW_CLAUDE_CMD: bin,
    XDG_CACHE_HOME: join(dir, 'cache'),
    MY_SERVICE_TOKEN: secrets.envValue,
  };
  const o = await diagnoseJob(deps, { key: addCrashedJob(), env, cwd: proj, config: { model: 'haiku' } });
  const bodies = standin.messages().map((r) => JSON.stringify(r.body));
  // The whole bundle, as it appears inside a JSON string of the request.
  const bundle = JSON.stringify(o.excerpt!.text.trim()).slice(1, -1);
  return { o, bodies, bundle, requests: standin.messages() };
}

const structured: Script = { rules: [{ when: { tool: 'StructuredOutput' }, reply: { structured: ANSWER } }] };

describeRealClaude('diagnose with the real claude CLI', (bin) => {
  it('installed skill: loads it, sends the bundle once and no secret, returns the fields, cost and tokens', async () => {
    installSkill(skillPath('project', proj), false);
    const { o, bodies, bundle, requests } = await diagnose(bin, structured);
    expect(o.error).toBeNull();
    expect(requests).toHaveLength(1);
    const body = bodies[0]!;
    expect(body).toContain('<command-name>/monitor-slurm</command-name>');
    expect(body).toContain('Base directory for this skill');
    expect(body).toContain('Job id: 4103\\n');
    expect(count(body, bundle)).toBe(1);
    for (const b of bodies)
      for (const [kind, value] of Object.entries(secrets)) expect(b.includes(value), kind).toBe(false);
    expect(requests[0]!.body.model).toMatch(/haiku/);
    expect(o).toMatchObject({ ok: true, structured: ANSWER, cached: false });
    expect(o.text).toContain('**Class**: GPU OOM (confidence: high)');
    // What the stand-in billed is what hpc-watch reports; the CLI prices it.
    expect(o.inputTokens).toBe(requests[0]!.usage!.input_tokens);
    expect(o.outputTokens).toBe(requests[0]!.usage!.output_tokens);
    expect(o.costUsd).toBeGreaterThan(0);
  });

  it('the old skill (`Arguments: $ARGUMENTS`) sent the bundle twice: the reason for `$0`', async () => {
    const path = skillPath('project', proj);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, SKILL_MD.replace('Job id: $0', 'Arguments: $ARGUMENTS'));
    const { bodies, bundle } = await diagnose(bin, structured);
    expect(count(bodies[0]!, bundle)).toBe(2);
  });

  it('no skill installed: plain prompt, the skill text as system prompt, the bundle once', async () => {
    const { o, bodies, bundle, requests } = await diagnose(bin, structured);
    expect(o).toMatchObject({ ok: true, skillFile: null, structured: ANSWER });
    expect(requests).toHaveLength(1);
    expect(bodies[0]).not.toContain('<command-name>');
    expect(JSON.stringify(requests[0]!.body.messages)).toContain(
      'Diagnose SLURM job 4103 from the failure bundle below.',
    );
    expect(JSON.stringify(requests[0]!.body.system)).toContain('### TRACEBACK');
    expect(count(bodies[0]!, bundle)).toBe(1);
  });

  it('a model that answers in prose: the prose is the answer', async () => {
    installSkill(skillPath('project', proj), false);
    const { o, requests } = await diagnose(bin, { default: { text: '**Class**: GPU OOM, in prose' } });
    // The CLI asks once more for the StructuredOutput call, then gives up and returns the text.
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(o).toMatchObject({ ok: true, structured: null, text: '**Class**: GPU OOM, in prose' });
  });

  it('an API error is one clear line, not a crash', async () => {
    installSkill(skillPath('project', proj), false);
    const { o } = await diagnose(bin, { default: { status: 500, error: { type: 'api_error', message: 'boom' } } });
    expect(o.ok).toBe(false);
    expect(o.error).toMatch(/^Claude reported an error: API Error: 500/);
    expect(o.error).not.toContain('\n');
  });
});
