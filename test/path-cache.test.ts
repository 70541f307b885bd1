import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PathCache } from '../src/slurm/path-cache.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'hpcw-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('PathCache', () => {
  it('remembers resolved paths across runs', () => {
    const f = join(tmp(), 'sub', 'jobs.json');
    const a = new PathCache(f);
    a.put('local/83_7', { stdout: '/w/sweep-83_7.out', stderr: null, name: 'sweep ✓', workDir: '/w' });
    a.save();
    const b = new PathCache(f);
    expect(b.get('local/83_7')).toMatchObject({ stdout: '/w/sweep-83_7.out', name: 'sweep ✓' });
  });
  it('keeps earlier values when a later put knows less', () => {
    const c = new PathCache(null);
    c.put('k', { stdout: '/a', stderr: '/b', name: 'n', workDir: '/w' });
    c.put('k', { stdout: null, stderr: null, name: 'n2', workDir: null });
    expect(c.get('k')).toMatchObject({ stdout: '/a', stderr: '/b', name: 'n2', workDir: '/w' });
  });
  it('survives a corrupt file and drops entries older than 30 days', () => {
    const f = join(tmp(), 'jobs.json');
    writeFileSync(f, '{not json');
    const c = new PathCache(f);
    const now = Date.now();
    c.put('old', { stdout: '/o', stderr: null, name: null, workDir: null }, now - 40 * 86400_000);
    c.put('new', { stdout: '/n', stderr: null, name: null, workDir: null }, now);
    c.save(now);
    const saved = JSON.parse(readFileSync(f, 'utf8'));
    expect(Object.keys(saved)).toEqual(['new']);
  });
});
