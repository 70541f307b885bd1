/** `hpc-watch inspect` as a user runs it: the built CLI, real files, exit codes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cluster.js';

const CORPUS = resolve(import.meta.dirname, '../../shared/corpus');
const CLUSTER_LOGS = resolve(import.meta.dirname, '../fixtures/logs/cluster');
let dir: string;

function inspect(args: string[]) {
  const r = spawnSync(process.execPath, [cliPath(), 'inspect', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-inspect-'));
  writeFileSync(join(dir, 'empty.out'), '');
  writeFileSync(join(dir, 'binary.out'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256)));
  mkdirSync(join(dir, 'a-directory'));
  writeFileSync(join(dir, 'ok.out'), 'step 10/100 | loss 2.5 | 3.1 it/s\n');
  // A 3 GB sparse file whose tail is a live tqdm bar: only the tail may be read.
  const big = join(dir, 'big.out');
  writeFileSync(big, '');
  truncateSync(big, 3 * 1024 ** 3);
  const fd = spawnSync('sh', [
    '-c',
    `printf '\\rtrain:  45%%|####5     | 450/1000 [00:12<00:15, 36.00it/s]' >> '${big}'`,
  ]);
  expect(fd.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inspect', () => {
  it('prints one JSON object per file with the corpus label keys', () => {
    const r = inspect(['--json', join(dir, 'ok.out'), join(dir, 'big.out')]);
    expect(r.code).toBe(0);
    const objs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objs).toHaveLength(2);
    for (const o of objs)
      expect(Object.keys(o)).toEqual(expect.arrayContaining(['file', 'framework', 'progress', 'metrics', 'failure']));
    expect(objs[0].progress).toMatchObject({ current: 10, total: 100 });
    expect(objs[1].progress).toMatchObject({ current: 450, total: 1000, rate: 36, eta_s: 15 });
  });

  it('reports a missing file on stderr with exit 2, after printing the others', () => {
    const r = inspect(['--json', join(dir, 'nope.out'), join(dir, 'ok.out')]);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim().split('\n')).toEqual([`hpc-watch: ${join(dir, 'nope.out')}: no such file`]);
  });

  it('answers clearly for a directory, a binary file and an empty file', () => {
    const r = inspect([join(dir, 'a-directory'), join(dir, 'binary.out'), join(dir, 'empty.out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a-directory: is a directory');
    expect(r.stdout).toContain('binary.out: binary file, not a text log');
    expect(r.stdout).toContain('empty.out: empty file');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('human output fits 80 columns and names the root cause', () => {
    const log = join(CLUSTER_LOGS, 'slurm-82.out');
    if (!existsSync(log)) return;
    const r = inspect([log]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('timeout');
    expect(r.stdout).toContain('DUE TO TIME LIMIT');
  });

  it.skipIf(!existsSync(CORPUS))('scores the dev corpus with score.py from inspect --json output', () => {
    const logs = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.log'))
      .map((f) => join(CORPUS, f));
    const r = inspect(['--json', ...logs]);
    expect(r.code).toBe(0);
    const out = join(dir, 'out.jsonl');
    writeFileSync(out, r.stdout);
    const score = spawnSync('python3', [join(CORPUS, 'score.py'), CORPUS, out], { encoding: 'utf8' });
    expect(score.stdout).toMatch(/category \d+%/);
    expect(score.status).toBe(0); // thresholds 90/80/85 by default
  });
});
