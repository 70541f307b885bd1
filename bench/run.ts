/** `npm run bench`: every speed and memory figure, printed. Targets live here, never in unit tests. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchClaude } from './claude.js';
import { benchInspect } from './inspect.js';
import { benchRpc } from './rpc.js';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function section(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  if (!want(name)) return;
  console.log(`\n== ${name}`);
  try {
    await fn();
  } catch (err) {
    console.log(`${name}: failed: ${(err as Error).message}`);
  }
}

async function optional(name: string, file: string, fn: string): Promise<void> {
  const path = resolve(import.meta.dirname, file);
  if (!existsSync(path)) return;
  await section(name, async () => (await import(path))[fn]());
}

await optional('parse', 'parse.ts', 'benchParse');
await optional('redact', 'redact.ts', 'benchRedact');
await section('startup', async () => (await import('./startup.js')).benchStartup());
await section('inspect', benchInspect);
await optional('tui', 'tui.ts', 'benchTui');
await optional('ssh', 'ssh.ts', 'benchSsh');
await section('rpc', benchRpc);
await optional('events', 'events.ts', 'benchEvents');
await section('claude', benchClaude);
