/**
 * analyzeLog throughput on a generated ~50 MB log: nested tqdm + Lightning bars
 * redrawn with `\r`, epoch-end newlines and metric lines, and a crash at the end.
 * Run: `npx tsx bench/parse.ts`. Prints `parse: NN MB/s` (bytes in, the path
 * the tailer uses) and the same for a string input.
 */
import { analyzeLog } from '../parsers/log.js';

const TARGET = 50 * 1024 * 1024;
const RUNS = 5;

function bar(done: number, width = 10): string {
  const full = Math.floor(done * width);
  return '█'.repeat(full) + (full < width ? '▌' : '') + ' '.repeat(Math.max(0, width - full - 1));
}

function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A realistic Lightning + tqdm log of about `target` bytes (UTF-8). */
export function generateLog(target: number): string {
  const parts: string[] = ['GPU available: True (cuda), used: True\nLOCAL_RANK: 0 - CUDA_VISIBLE_DEVICES: [0]\n'];
  let size = parts[0]!.length;
  const total = 20000;
  for (let epoch = 0; size < target; epoch++) {
    for (let i = 0; i <= total && size < target; i += 1) {
      const el = i / 7.21;
      const s = `\rEpoch ${epoch}:  ${String(Math.floor((100 * i) / total)).padStart(3)}%|${bar(i / total)}| ${i}/${total} [${clock(el)}<${clock((total - i) / 7.21)}, 7.21it/s, loss=${(1 / (1 + i / 1000)).toFixed(3)}, v_num=0]`;
      parts.push(s);
      size += s.length + 8;
      if (i % 5000 === 4999) {
        const w = `\n\rValidation DataLoader 0:  50%|█████     | 8/16 [00:01<00:01, 6.10it/s]\x1b[A\n`;
        parts.push(w);
        size += w.length;
      }
    }
    const e = `\nEpoch ${epoch}: val_loss=0.${epoch + 10} val_acc=0.8${epoch}\n`;
    parts.push(e);
    size += e.length;
  }
  parts.push(
    'Traceback (most recent call last):\n  File "train.py", line 10, in <module>\n    trainer.fit(model)\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n',
  );
  return parts.join('');
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

if (import.meta.url === `file://${process.argv[1]}`) benchParse();

/** Prints parse throughput in MB/s (bytes in, and string in). */
export function benchParse(): void {
  const text = generateLog(TARGET);
  const bytes = new TextEncoder().encode(text);
  const mb = bytes.length / 1e6;
  let check = analyzeLog(bytes);
  const tb: number[] = [];
  const ts: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let t0 = performance.now();
    check = analyzeLog(bytes);
    tb.push(performance.now() - t0);
    t0 = performance.now();
    analyzeLog(text);
    ts.push(performance.now() - t0);
  }
  const p = check.progress;
  process.stdout.write(
    `log: ${mb.toFixed(1)} MB; last state ${p?.current}/${p?.total} epoch ${p?.epoch}; failure ${check.failure?.category}\n`,
  );
  process.stdout.write(`parse (string input): ${(mb / (median(ts) / 1000)).toFixed(0)} MB/s\n`);
  process.stdout.write(`parse: ${(mb / (median(tb) / 1000)).toFixed(0)} MB/s\n`);
}
