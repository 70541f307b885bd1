/** `hpc-watch redact` as a user runs it: the built CLI, stdin and files, line for line, exit codes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSecrets } from '../parsers/redact.js';
import { redactStream } from '../src/headless/redact.js';
import { cliPath } from './helpers/cluster.js';
import { credentialCases, NORMAL_LINES } from './helpers/secret-corpus.mjs';

let dir: string;
const HEX40 = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const KEY_LINES = Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(65 + i).repeat(60)}Zq9+`);
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${KEY_LINES.join('\n')}\n-----END RSA PRIVATE KEY-----`;

function redact(args: string[], input?: string | Buffer, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cliPath(), 'redact', ...args], {
    input,
    timeout: 30_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-redact-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hpc-watch redact', () => {
  it('stdin: every secret goes, every other byte and every line stays', () => {
    const cases = credentialCases();
    const text = `${NORMAL_LINES.join('\n')}\n${cases.map((c) => c.text).join('\n')}\n${PEM}\nlast line, no newline`;
    const r = redact([], text);
    expect(r.code).toBe(0);
    const out = r.stdout.toString('utf8');
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    for (const c of cases) for (const s of c.secrets) expect(out).not.toContain(s);
    for (const l of KEY_LINES) expect(out).not.toContain(l);
    expect(out.startsWith(`${NORMAL_LINES.join('\n')}\n`)).toBe(true);
    expect(out.endsWith('\nlast line, no newline')).toBe(true);
  });

  it('files, in order; a missing file is one line on stderr and exit 2, after the others', () => {
    const a = join(dir, 'a.out');
    const b = join(dir, 'b.err');
    writeFileSync(a, `step 1 loss=0.5\nHF_TOKEN=hf_${'x'.repeat(34)}\n`);
    writeFileSync(b, 'no secrets here\r\n');
    const r = redact([a, join(dir, 'missing.out'), b]);
    expect(r.code).toBe(2);
    expect(r.stdout.toString('utf8')).toBe('step 1 loss=0.5\nHF_TOKEN=[REDACTED:huggingface]\nno secrets here\r\n');
    expect(r.stderr.trim().split('\n')).toEqual([`hpc-watch: ${join(dir, 'missing.out')}: no such file`]);
  });

  it('a directory is refused the same way', () => {
    const r = redact([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`hpc-watch: ${dir}: is a directory\n`);
  });

  it('bytes that are not UTF-8 pass through unchanged', () => {
    const bytes = Buffer.concat([
      Buffer.from('caf'),
      Buffer.from([0xe9, 0xff, 0xfe]),
      Buffer.from(`\r50%|##  | 5/10\rpassword=${HEX40}\n`),
    ]);
    const r = redact(['-'], bytes);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(
      Buffer.concat([
        Buffer.from('caf'),
        Buffer.from([0xe9, 0xff, 0xfe]),
        Buffer.from('\r50%|##  | 5/10\rpassword=[REDACTED:secret-value]\n'),
      ]),
    );
  });

  it("removes the values of the user's own secret environment variables", () => {
    const r = redact([], 'echo $MY_SERVICE_TOKEN -> s3cr3t-value-xyz\n', { MY_SERVICE_TOKEN: 's3cr3t-value-xyz' });
    expect(r.stdout.toString('utf8')).toBe('echo $MY_SERVICE_TOKEN -> [REDACTED:extra-value]\n');
  });
});

describe('redactStream: chunk boundaries', () => {
  async function run(text: string): Promise<string> {
    const out: Buffer[] = [];
    // Small pieces, as a pipe delivers them; chunks are cut at 1 MiB line boundaries inside.
    async function* pieces() {
      for (let i = 0; i < text.length; i += 65_536) yield Buffer.from(text.slice(i, i + 65_536), 'latin1');
    }
    await redactStream(
      pieces(),
      (b) => void out.push(b),
      (t) => findSecrets(t),
    );
    return Buffer.concat(out).toString('latin1');
  }
  const filler = (n: number) =>
    'epoch 1 step 100 loss=0.512 lr=3e-4 tok/s=12345\n'.repeat(Math.ceil(n / 48)).slice(0, n);

  it('a key block and a netrc entry that straddle a chunk boundary are still removed whole', async () => {
    for (const at of [1024 * 1024 - 200, 1024 * 1024 - 10, 1024 * 1024 + 5]) {
      const head = filler(at);
      const text = `${head.slice(0, head.lastIndexOf('\n') + 1)}${PEM}\nmachine api.example.org\n  login alice\n  password ${HEX40}\n${filler(300_000)}`;
      const out = await run(text);
      for (const l of KEY_LINES) expect(out).not.toContain(l);
      expect(out).not.toContain(HEX40);
      expect(out.split('\n')).toHaveLength(text.split('\n').length);
    }
  });

  it('a long log without secrets comes out byte-identical', async () => {
    const text = filler(3 * 1024 * 1024 + 17);
    expect(await run(text)).toBe(text);
  });
});
