import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, SECRET_KINDS } from '../parsers/redact.js';
import { runs } from './helpers/prop.js';
import { credentialCases, NORMAL_LINES, reseedCases } from './helpers/secret-corpus.mjs';
import { FORMATS, reseedFormats } from './helpers/secret-formats.mjs';

const newlines = (s: string): number => s.split('\n').length - 1;

describe('redaction by structure: every credential format', () => {
  it('has at least 60 formats and 40 ordinary lines to test', () => {
    expect(FORMATS.length + credentialCases().length).toBeGreaterThanOrEqual(60);
    expect(NORMAL_LINES.length).toBeGreaterThanOrEqual(40);
  });

  it('every kind the redactor can report is exercised (extra-value: see parsers-redact)', () => {
    const seen = new Set<string>();
    for (const f of FORMATS) for (const k of Object.keys(redactSecrets(f.s().line).kinds)) seen.add(k);
    for (const c of credentialCases()) for (const k of Object.keys(redactSecrets(c.text).kinds)) seen.add(k);
    expect(SECRET_KINDS.filter((k) => k !== 'extra-value' && !seen.has(k))).toEqual([]);
  });

  it.each(FORMATS.map((f) => [`${f.group}: ${f.name}`, f] as const))('%s', (_name, f) => {
    const { line, secret } = f.s();
    const out = redactSecrets(line).text;
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED:');
    expect(newlines(out)).toBe(newlines(line));
  });

  it.each(credentialCases().map((c) => [c.kind, c] as const))('as a job prints it: %s', (_kind, c) => {
    const out = redactSecrets(c.text).text;
    for (const s of c.secrets) expect(out).not.toContain(s);
    expect(newlines(out)).toBe(newlines(c.text));
  });
});

describe('redaction leaves ordinary ML log lines byte-identical', () => {
  it.each(NORMAL_LINES)('%s', (line) => {
    expect(redactSecrets(line)).toEqual({ text: line, count: 0, kinds: {} });
  });
});

describe('regressions found by fuzzing and by trying it as a user', () => {
  // fast-check counterexample: a value starting with `//` was taken for a URL scheme's `://`.
  it('an AWS secret whose value starts with a slash', () => {
    const v = `//${'A'.repeat(38)}`;
    expect(redactSecrets(`AWS_SECRET_ACCESS_KEY=${v}`).text).toBe('AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-key]');
  });

  // npm run fuzz, seeds 2 and 3: a password of base64 and dots was taken for a file path.
  it.each(['/sTdcp+RSDX.pCJ8ITp5', '/RL+knWAbmwQgpvbzJ.J'])('a password that looks a little like a path: %s', (v) => {
    expect(redactSecrets(`MLFLOW_TRACKING_PASSWORD=${v}`).text).toBe(
      'MLFLOW_TRACKING_PASSWORD=[REDACTED:secret-value]',
    );
  });

  it('a value cut whole: nothing of its tail after / + = - . survives', () => {
    const v = 'ab/cd+ef=gh-ij.kl/mn+op==';
    for (const line of [`MY_TOKEN=${v}`, `"client_secret": "${v}"`, `--api-key ${v}`, `password: ${v}`]) {
      const out = redactSecrets(line).text;
      for (const piece of v.split(/[/+=.-]+/).filter(Boolean)) expect(out).not.toContain(piece);
    }
  });

  it('a small JSON credentials file (kaggle.json)', () => {
    const key = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
    const out = redactSecrets(`{"username":"alice","key":"${key}"}`).text;
    expect(out).toBe('{"username":"alice","key":"[REDACTED:secret-value]"}');
  });

  it('a multi-line key keeps the line count, with the marker on its first line', () => {
    const text = `before\n-----BEGIN EC PRIVATE KEY-----\n${'A'.repeat(64)}\n${'B'.repeat(20)}==\n-----END EC PRIVATE KEY-----\nafter`;
    expect(redactSecrets(text).text).toBe('before\n[REDACTED:private-key]\n\n\n\nafter');
  });
});

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const noise = fc.string({ unit: fc.constantFrom(...PRINTABLE, '\n', '\t'), maxLength: 120 });
const sep = fc.constantFrom(' ', '\n', '\t', '  ', '\r\n');

/** One format's sample (or one job-printed case) with secrets drawn from `seed`. */
function planted(seed: number, index: number): { text: string; secrets: string[] } {
  reseedFormats(seed);
  reseedCases(seed);
  const cases = credentialCases();
  if (index < FORMATS.length) {
    const { line, secret } = FORMATS[index]!.s();
    return { text: line, secrets: [secret] };
  }
  const c = cases[(index - FORMATS.length) % cases.length]!;
  return { text: c.text, secrets: c.secrets };
}

describe('redaction properties over every format', () => {
  it('a secret of any kind, planted in random text, never survives; lines are kept', () => {
    const total = FORMATS.length + credentialCases().length;
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: total - 1 }), noise, noise, sep, sep, (seed, index, pre, post, a, b) => {
        const p = planted(seed, index);
        const text = `${pre}${a}${p.text}${b}${post}`;
        const out = redactSecrets(text).text;
        for (const s of p.secrets) expect(out).not.toContain(s);
        expect(newlines(out)).toBe(newlines(text));
      }),
      runs(1500),
    );
  });
});
