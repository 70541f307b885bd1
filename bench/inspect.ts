/**
 * `inspect` on a 2 GB sparse log vs `tail -c` of the same tail size, in the same run.
 * The file is a hole followed by a real tqdm tail, so both read the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspectFile } from '../src/headless/inspect.js';

const TAIL = 1024 * 1024;
const RUNS = 7;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Prints the figures; returns the ratio inspect / tail -c. */
export async function benchInspect(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hpcw-bench-'));
  const file = join(dir, 'slurm-2g.out');
  try {
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 2 * 1024 ** 3);
    let tail = '';
    for (let i = 0; tail.length < 2 * TAIL; i++) {
      tail += `\rEpoch 3/10:  45%|████▌     | ${i}/100000 [01:02:03<2:03:04, 13.37it/s, loss=0.1234, v_num=0]`;
      if (i % 500 === 0) tail += `\n{'loss': 0.4, 'learning_rate': 1e-05, 'epoch': 1.5}\n`;
    }
    const buf = Buffer.from(tail);
    writeSync(fd, buf, 0, buf.length, 2 * 1024 ** 3);
    closeSync(fd);
    const cli = resolve(import.meta.dirname, '../dist/cli.js');
    const ins: number[] = [];
    const tl: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ins.push(time(process.execPath, [cli, 'inspect', '--tail-bytes', String(TAIL), file]));
      tl.push(time('tail', ['-c', String(TAIL), file]));
    }
    const node = median(Array.from({ length: RUNS }, () => time(process.execPath, ['-e', '0'])));
    // The same read + parse in-process: what inspect does once node has started.
    const work: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      await inspectFile(file, TAIL);
      work.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const a = median(ins);
    const b = median(tl);
    console.log(
      `inspect 2 GB sparse log (1 MiB tail): ${a.toFixed(0)} ms; tail -c: ${b.toFixed(1)} ms; node -e 0: ${node.toFixed(0)} ms`,
    );
    console.log(
      `inspect / tail -c = ${(a / b).toFixed(1)}x as processes (node's own start is ${(node / b).toFixed(0)}x tail -c)`,
    );
    console.log(
      `read + parse of the 1 MiB tail in-process: ${median(work).toFixed(1)} ms = ${(median(work) / b).toFixed(1)}x tail -c`,
    );
    return a / b;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchInspect();
