import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claudeArgs,
  claudePrompt,
  DEFAULT_MODEL,
  NOT_FOUND_MESSAGE,
  parseResultJson,
  resolveClaudeCommand,
  runClaude,
} from '../src/diagnose/claude.js';
import { DIAGNOSIS_SCHEMA } from '../src/diagnose/structured.js';
import { STUB_DIR, stubCalls } from './diagnose-helpers.js';

let dir: string;
let rec: string;
let skillFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-claude-'));
  rec = join(dir, 'calls');
  skillFile = join(dir, 'skill.md');
  writeFileSync(skillFile, '# monitor-slurm\nDiagnose the bundle.\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const env = (mode: string, extra: Record<string, string> = {}) => ({
  ...process.env,
  PATH: `${STUB_DIR}:${process.env.PATH}`,
  CLAUDE_STUB_DIR: rec,
  CLAUDE_STUB_MODE: mode,
  ...extra,
});

const run = (mode: string, config = {}, more = {}) =>
  runClaude({
    command: ['claude'],
    jobId: '4103',
    excerpt: '### JOB\nid=4103\n',
    skillFile,
    config,
    env: env(mode),
    ...more,
  });

describe('runClaude with the stand-in', () => {
  it('sends the exact argv and the excerpt on stdin, and reads cost and tokens', async () => {
    const r = await run('success', { maxTurns: 4, maxBudgetUsd: 0.5, model: 'haiku' });
    expect(r).toMatchObject({
      ok: true,
      costUsd: 0.0123,
      inputTokens: 1234,
      outputTokens: 456,
      numTurns: 1,
      sessionId: 'stub-session',
      retried: false,
      error: null,
      structured: null,
    });
    expect(r.text).toContain('**Class:** GPU OOM');
    const [call] = stubCalls(rec);
    expect(call!.argv).toEqual([
      '-p',
      '/monitor-slurm 4103',
      '--output-format',
      'json',
      '--no-session-persistence',
      '--tools',
      '',
      '--max-turns',
      '4',
      '--max-budget-usd',
      '0.5',
      '--model',
      'haiku',
      '--json-schema',
      JSON.stringify(DIAGNOSIS_SCHEMA),
    ]);
    expect(call!.stdin).toBe('### JOB\nid=4103\n');
  });

  it('never asks for fewer than 2 turns; sends the default model; structured output can be turned off', () => {
    expect(claudeArgs('1', { maxTurns: 1 })).toContain('2');
    expect(claudeArgs('1', { structured: false })).toEqual([
      '-p',
      '/monitor-slurm 1',
      '--output-format',
      'json',
      '--no-session-persistence',
      '--tools',
      '',
      '--max-turns',
      '3',
      '--max-budget-usd',
      '0.25',
      '--model',
      DEFAULT_MODEL,
    ]);
  });

  it('without the skill: a plain prompt and the skill text as system prompt, never the slash command', () => {
    const args = claudeArgs('7', { structured: false }, '/tmp/skill.md');
    expect(args.slice(0, 2)).toEqual(['-p', 'Diagnose SLURM job 7 from the failure bundle below.']);
    expect(args.slice(-2)).toEqual(['--append-system-prompt-file', '/tmp/skill.md']);
  });

  it('retries once with the skill as system prompt when the skill did not load', async () => {
    const r = await run('skill-unloaded');
    expect(r.ok).toBe(true);
    expect(r.retried).toBe(true);
    const calls = stubCalls(rec);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.argv).not.toContain('--append-system-prompt-file');
    expect(calls[1]!.argv.slice(-2)).toEqual(['--append-system-prompt-file', skillFile]);
    expect(calls[1]!.argv[1]).toBe(claudePrompt('4103', skillFile));
    expect(calls[1]!.appendText).toContain('Diagnose the bundle');
  });

  it('sends the skill from the start when it is not installed', async () => {
    const r = await run('skill-unloaded', {}, { skillInstalled: false });
    expect(r.ok).toBe(true);
    expect(stubCalls(rec)).toHaveLength(1);
    expect(stubCalls(rec)[0]!.argv).toContain('--append-system-prompt-file');
  });

  it('explains exit 1 with error_max_turns, showing errors[]', async () => {
    const r = await run('max-turns', { maxTurns: 3 });
    expect(r.ok).toBe(false);
    expect(r.error).toBe('Claude stopped at the turn limit (claude.maxTurns=3): Reached maximum number of turns (3)');
    expect(r.costUsd).toBe(0.0123);
  });

  it('explains budget and execution errors', async () => {
    expect((await run('budget')).error).toMatch(
      /^Claude stopped at the budget limit \(\$0.25, claude.maxBudgetUsd\): Reached maximum budget/,
    );
    expect((await run('during-execution')).error).toBe('Claude failed during the run: Tool execution failed: boom');
  });

  it('reports output that is not JSON', async () => {
    const r = await run('invalid-json');
    expect(r.ok).toBe(false);
    expect(r.error).toBe(
      'Claude Code answered with something that is not JSON (exit 0): Here is my diagnosis: <not json>',
    );
  });

  it('reports a missing login', async () => {
    const r = await run('not-logged-in');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^Claude Code is not logged in: .*Invalid API key/);
  });

  it('stops a hanging claude with SIGINT at the timeout', async () => {
    const t0 = Date.now();
    const r = await run('hang', { timeoutS: 2 });
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/did not answer within 2s/);
    expect(existsSync(join(rec, 'call-1.sigint'))).toBe(true);
  });

  it('kills a claude that ignores SIGINT after the grace period', async () => {
    const r = await run('hang-hard', { timeoutS: 2 }, { graceMs: 300 });
    expect(r.error).toMatch(/did not answer within 2s/);
    expect(existsSync(join(rec, 'call-1.sigint'))).toBe(true);
  });

  it('cancels on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await run('hang', { timeoutS: 30 }, { signal: ac.signal });
    expect(r.error).toBe('diagnosis cancelled');
  });

  it('says how to fix a missing claude', async () => {
    const r = await runClaude({
      command: ['claude'],
      jobId: '1',
      excerpt: 'x',
      config: {},
      env: { ...process.env, PATH: join(dir, 'empty') },
    });
    expect(r).toMatchObject({ ok: false, error: NOT_FOUND_MESSAGE });
  });
});

describe('command resolution and result parsing', () => {
  it('takes HPCW_CLAUDE_CMD (JSON argv or one path) over the config', () => {
    expect(resolveClaudeCommand({ command: ['x'] }, { HPCW_CLAUDE_CMD: '["npx","claude"]' })).toEqual([
      'npx',
      'claude',
    ]);
    expect(resolveClaudeCommand({}, { HPCW_CLAUDE_CMD: '/opt/my claude/bin/claude' })).toEqual([
      '/opt/my claude/bin/claude',
    ]);
    expect(resolveClaudeCommand({ command: ['agent', '--x'] }, {})).toEqual(['agent', '--x']);
    expect(resolveClaudeCommand({}, {})).toEqual(['claude']);
    expect(resolveClaudeCommand({}, { HPCW_CLAUDE_CMD: '["a", 1]' })).toMatch(/^HPCW_CLAUDE_CMD: expected/);
  });

  it('parses the last JSON line after noise', () => {
    expect(parseResultJson('warning: x\n{"type":"result","n":1}\n\n')).toEqual({ type: 'result', n: 1 });
    expect(parseResultJson('{\n "type": "result"\n}')).toEqual({ type: 'result' });
    expect(parseResultJson('nope')).toBeNull();
    expect(parseResultJson('[1,2]')).toBeNull();
  });
});
