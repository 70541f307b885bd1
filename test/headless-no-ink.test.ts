/**
 * The headless paths never load Ink or React, checked at run time on the built bundle: each
 * command runs with a module-load recorder, and no chunk it loaded may hold Ink's or React's code.
 * (test/architecture.test.ts checks the same on the sources; this one checks what ships.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cluster.js';

const ROOT = resolve(import.meta.dirname, '..');
const RECORDER = resolve(import.meta.dirname, 'helpers/load-recorder.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hpcw-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Strings only Ink's and React's own code holds (host element names; React's internals key).
const MARKERS: [string, RegExp][] = [
  ['ink', /"ink-box"|"ink-text"/],
  ['react', /__CLIENT_INTERNALS_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE/],
];

let n = 0;
function envFor(): { env: NodeJS.ProcessEnv; log: string } {
  const log = join(dir, `loads-${n++}.txt`);
  return {
    log,
    env: { ...process.env, HPCW_LOAD_LOG: log, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir, XDG_CONFIG_HOME: dir },
  };
}

/** What the UI libraries among the loaded files are. */
function uiLoaded(log: string, entry = 'dist/cli.js'): string[] {
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => fileURLToPath(u));
  expect(files.some((f) => f.endsWith(entry))).toBe(true);
  const found = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const [name, re] of MARKERS) if (re.test(text)) found.add(name);
  }
  return [...found];
}

function run(args: string[], input?: string): string {
  const { env, log } = envFor();
  const r = spawnSync(process.execPath, ['--import', RECORDER, cliPath(), ...args], {
    env,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    cwd: ROOT,
  });
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).not.toBeNull();
  return log;
}

/** A long-running command: started, given a moment (or its first output), then stopped. */
async function runUntil(args: string[], ready: RegExp, input?: string): Promise<string> {
  const { env, log } = envFor();
  const p = spawn(process.execPath, ['--import', RECORDER, cliPath(), ...args], {
    env,
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (b: Buffer) => (out += b.toString()));
  if (input) p.stdin.write(input);
  await new Promise<void>((r) => {
    const t = setTimeout(r, 20_000);
    p.stdout.on('data', () => {
      if (ready.test(out)) {
        clearTimeout(t);
        r();
      }
    });
  });
  p.kill('SIGTERM');
  await new Promise((r) => p.once('close', r));
  expect(out).toMatch(ready);
  return log;
}

describe('headless paths load no Ink and no React (built bundle)', () => {
  it('the check sees Ink and React where they are: the TUI chunk', () => {
    const app = readdirSync(join(ROOT, 'dist/chunks')).find((f) => f.startsWith('App-'))!;
    const { env, log } = envFor();
    const r = spawnSync(
      process.execPath,
      ['--import', RECORDER, '-e', `await import(${JSON.stringify(join(ROOT, 'dist/chunks', app))})`],
      {
        env,
        encoding: 'utf8',
        timeout: 30_000,
        cwd: ROOT,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(uiLoaded(log, app).sort()).toEqual(['ink', 'react']);
  });

  it.each([
    [['--summary', '--demo', '--json']],
    [['--summary', '--demo']],
    [['--summary', '--brief', '--demo']],
    [['inspect', '--json', 'fixtures/logs/lightning_torch_oom.log']],
    [['diagnose', '--demo', '4105_3', '--dry-run']],
    [['redact']],
    [['--version']],
  ])('hpc-watch %j', (args) => {
    expect(uiLoaded(run(args, 'HF_TOKEN=hf_abc\n'))).toEqual([]);
  });

  it('hpc-watch events --demo (until its first event)', async () => {
    expect(uiLoaded(await runUntil(['events', '--demo', '--json'], /"event":/))).toEqual([]);
  });

  it('hpc-watch mcp --demo (through the MCP handshake)', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    expect(uiLoaded(await runUntil(['mcp', '--demo'], /"serverInfo"/, `${JSON.stringify(init)}\n`))).toEqual([]);
  });
});
