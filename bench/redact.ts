/**
 * Redaction throughput, the aim being that redaction never makes `diagnose` noticeably slower
 * (≥ 50 MB/s). Two logs: a dense one (every line a config dump, a URL, a W&B line or a traceback,
 * 20 planted secrets) and an ordinary tqdm/Lightning training log. In-process on a 1 MiB tail
 * (parsing the same tail is the baseline), and `hpc-watch redact` on 50 MB as a process (`cat`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { analyzeLog } from '../parsers/log.js';
import { redactSecrets } from '../parsers/redact.js';
import { syntheticLog } from '../test/helpers/secret-corpus.mjs';
import { generateLog } from './parse.js';

const RUNS = 7;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeIt(fn: () => unknown): number {
  // Warm: the TUI and `diagnose` in a session redact many times; the first call pays for the JIT.
  for (let i = 0; i < 3; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

function timeCmd(argv: string[]): number {
  const xs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed`);
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

function inProcess(label: string, text: string): void {
  const mb = Buffer.byteLength(text) / 1e6;
  const tRedact = timeIt(() => redactSecrets(text));
  const tParse = timeIt(() => analyzeLog(text));
  console.log(
    `${label}, 1 MiB: redact ${(mb / (tRedact / 1000)).toFixed(0)} MB/s (${tRedact.toFixed(1)} ms); parse ${tParse.toFixed(1)} ms; redact/parse = ${(tRedact / tParse).toFixed(2)}`,
  );
}

function asProcess(label: string, dir: string, text: string): void {
  const file = join(dir, `${label.replace(/\W+/g, '-')}.log`);
  writeFileSync(file, text);
  const mb = Buffer.byteLength(text) / 1e6;
  const cli = resolve(import.meta.dirname, '../dist/cli.js');
  const tCli = timeCmd([process.execPath, cli, 'redact', file]);
  const tCat = timeCmd(['cat', file]);
  const tNode = timeCmd([process.execPath, '-e', '0']);
  console.log(
    `${label}, hpc-watch redact of ${mb.toFixed(0)} MB: ${tCli.toFixed(0)} ms = ${(mb / ((tCli - tNode) / 1000)).toFixed(0)} MB/s after Node's start (${tNode.toFixed(0)} ms); cat ${tCat.toFixed(0)} ms`,
  );
}

/** Prints the figures. */
export function benchRedact(): void {
  const { text: dense, planted } = syntheticLog(1 << 20, 20);
  const r = redactSecrets(dense);
  const leaked = planted.filter((c) => c.secrets.some((s) => r.text.includes(s))).length;
  console.log(`dense log: ${planted.length} secrets planted, ${leaked} leaked, ${r.count} redactions`);
  const plain = generateLog(1 << 20);
  inProcess('dense log', dense);
  inProcess('training log', plain);
  const dir = mkdtempSync(join(tmpdir(), 'hpcw-bench-redact-'));
  try {
    asProcess('dense log', dir, dense.repeat(50));
    asProcess('training log', dir, generateLog(50 * 1024 * 1024));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchRedact();
