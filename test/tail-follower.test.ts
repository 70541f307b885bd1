import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendBounded, LogFollower } from '../src/tail/follower.js';
import { readTail } from '../src/tail/read-tail.js';
import { LocalTransport } from '../src/transport/local.js';

let dir: string;
const t = new LocalTransport();
const text = (f: LogFollower) => Buffer.from(f.snapshot.window).toString('utf8');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-tail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LogFollower', () => {
  it('waits for a file that does not exist yet, then follows it', async () => {
    const p = join(dir, 'slurm-1.out');
    const f = new LogFollower(t, p, 1024);
    await f.poll();
    expect(f.snapshot.status).toBe('waiting');
    writeFileSync(p, 'hello\n');
    expect(await f.poll()).toBe(true);
    expect(f.snapshot.status).toBe('ok');
    appendFileSync(p, 'world\r');
    await f.poll();
    expect(text(f)).toBe('hello\nworld\r');
    expect(await f.poll()).toBe(false);
  });

  it('reads only the new bytes and keeps a bounded window', async () => {
    const p = join(dir, 'big.out');
    writeFileSync(p, 'x'.repeat(5000));
    const f = new LogFollower(t, p, 100);
    await f.poll();
    expect(f.snapshot.window.length).toBe(100);
    appendFileSync(p, 'END');
    await f.poll();
    expect(f.snapshot.window.length).toBe(100);
    expect(text(f).endsWith('xxEND')).toBe(true);
    expect(f.snapshot.size).toBe(5003);
  });

  it('starts over when the file is truncated (a requeued job)', async () => {
    const p = join(dir, 'r.out');
    writeFileSync(p, 'first run line\n'.repeat(10));
    const f = new LogFollower(t, p, 4096);
    await f.poll();
    truncateSync(p, 0);
    writeFileSync(p, 'second\n');
    await f.poll();
    expect(text(f)).toBe('second\n');
  });

  it('notices a rewrite that grew past the old offset between two polls', async () => {
    const p = join(dir, 'rerun.out');
    writeFileSync(p, 'run 1: step 10/100\n');
    const f = new LogFollower(t, p, 4096);
    await f.poll();
    // requeued: same inode, rewritten, already longer than before when we look again
    writeFileSync(p, 'run 2 starting over from scratch\nstep 1/100\n');
    await f.poll();
    expect(text(f)).toBe('run 2 starting over from scratch\nstep 1/100\n');
  });

  it('starts over when the file is replaced (rotation)', async () => {
    const p = join(dir, 'rot.out');
    writeFileSync(p, 'old old old old old\n');
    const f = new LogFollower(t, p, 4096);
    await f.poll();
    renameSync(p, `${p}.1`);
    writeFileSync(p, 'new log that is even longer than the old one\n');
    await f.poll();
    expect(text(f)).toBe('new log that is even longer than the old one\n');
  });

  it('reports a directory as an error, not a crash', async () => {
    const f = new LogFollower(t, dir, 1024);
    await f.poll();
    expect(f.snapshot.status).toBe('error');
  });
});

describe('readTail', () => {
  it('reads only the end of a big file', async () => {
    const p = join(dir, 'sparse.out');
    writeFileSync(p, '');
    truncateSync(p, 50 * 1024 * 1024);
    appendFileSync(p, 'tail!');
    const r = await readTail(t, p, 16);
    expect(r?.size).toBe(50 * 1024 * 1024 + 5);
    expect(r?.skippedHead).toBe(true);
    expect(Buffer.from(r!.bytes).toString('latin1').endsWith('tail!')).toBe(true);
    expect(r?.bytes.length).toBe(16);
  });
  it('returns null for a missing file', async () => {
    expect(await readTail(t, join(dir, 'nope'), 16)).toBeNull();
  });
});

describe('appendBounded', () => {
  it('keeps the last bytes', () => {
    const r = appendBounded(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), 4);
    expect([...r]).toEqual([2, 3, 4, 5]);
    expect([...appendBounded(new Uint8Array([1]), new Uint8Array([7, 8, 9]), 2)]).toEqual([8, 9]);
  });
});
