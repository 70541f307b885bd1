/** Logical line splitting: `\r` redraws, glued text, clear runs, escapes, decoding. */
import { describe, expect, it } from 'vitest';
import { decodeLogBytes, decodeLogBytesCompact } from '../parsers/decode.js';
import { prefixLength, stripLinePrefix } from '../parsers/line-prefix.js';
import { splitLogLines } from '../parsers/lines.js';

const bar = (n: number, tail = '') =>
  `train:  ${Math.floor(n / 10)}%|█         | ${n}/1000 [00:${String(n % 60).padStart(2, '0')}<00:15, 35.61it/s${tail}]`;

describe('splitLogLines', () => {
  it('keeps only the last of consecutive redraws on a physical line', () => {
    const text = `start\n\r${bar(1)}\r${bar(2)}\r${bar(448)}`;
    expect(splitLogLines(text)).toEqual(['start', bar(448)]);
  });

  it('splits slurmstepd / faulthandler / NCCL / HF dict text glued after the closing bracket', () => {
    const kill =
      'slurmstepd-node01: error: *** JOB 82 ON node01 CANCELLED AT 2026-11-28T13:54:24 DUE TO TIME LIMIT ***';
    expect(splitLogLines(`\r${bar(1)}\r${bar(2)}${kill}\n`)).toEqual([bar(2), kill]);
    expect(splitLogLines(`\r${bar(3)}Fatal Python error: Segmentation fault\n`)).toEqual([
      bar(3),
      'Fatal Python error: Segmentation fault',
    ]);
    expect(splitLogLines(`${bar(4)}{'loss': 0.7, 'epoch': 0.5}`)).toEqual([bar(4), "{'loss': 0.7, 'epoch': 0.5}"]);
    const ds = '[2021-11-27 00:36:55,194] [INFO] [stage2.py:1628:step] [deepscale] OVERFLOW! Rank 0 Skipping step.';
    expect(splitLogLines(`${bar(5)}${ds}`)).toEqual([bar(5), ds]);
    const nccl = 'node01:2345:2400 [0] NCCL INFO [Service thread] Connection closed by localRank 1';
    expect(splitLogLines(`\r${bar(6)}${nccl}\n`)).toEqual([bar(6), nccl]);
  });

  it('splits a kill message glued after a Rich bar (no closing bracket)', () => {
    const rich = 'Epoch 3/9 ━━━━━━━━━━ 45/100 0:00:12 • 0:00:20 4.50it/s v_num: 0 train_loss: 0.123 ';
    const kill = 'slurmstepd: error: *** JOB 7 ON n1 CANCELLED AT 2024-01-01T00:00:00 ***';
    expect(splitLogLines(`\r${rich}\r${rich}${kill}`)).toEqual([rich.trimEnd(), kill]);
  });

  it("splits the shell's job report glued to any unterminated progress line", () => {
    const keras = '12800/60000 [=====>........................] - ETA: 41s - loss: 0.4120 - acc: 0.8800';
    expect(splitLogLines(`\r${keras}Killed\n`)).toEqual([keras, 'Killed']);
    expect(splitLogLines(`step 1200/5000 loss 2.31Segmentation fault (core dumped)\n`)).toEqual([
      'step 1200/5000 loss 2.31',
      'Segmentation fault (core dumped)',
    ]);
    const report = '/var/spool/slurmd/job4242/slurm_script: line 12: 31337 Killed                  python train.py';
    expect(splitLogLines(`${keras}${report}\n`)).toEqual([keras, report]);
    // Words that merely end in a signal name stay put.
    expect(splitLogLines('pod status: OOMKilled\nworker was Killed\n')).toEqual([
      'pod status: OOMKilled',
      'worker was Killed',
    ]);
  });

  it('drops tqdm.write clear runs but keeps the bar state before the message', () => {
    const text = `\r${bar(9)}\r${' '.repeat(60)}\rstep 1000: loss 3.8667 ppl 47.76\n\r${bar(10)}`;
    expect(splitLogLines(text)).toEqual([bar(9), 'step 1000: loss 3.8667 ppl 47.76', bar(10)]);
  });

  it('collapses nested-bar redraws written with newline + ESC[A and strips the escapes', () => {
    const inner = (n: number) => `Batches (epoch 3):  ${n}%|▏         | ${n}/300 [00:00<00:15, 19.21it/s]`;
    const text = `\rEpochs:  60%|██████    | 3/5 [00:44<00:29, 14.97s/it]\n\r${inner(2)}\x1b[A\n\r${inner(4)}\x1b[A\n\r${inner(6)}\x1b[A`;
    expect(splitLogLines(text)).toEqual(['Epochs:  60%|██████    | 3/5 [00:44<00:29, 14.97s/it]', inner(6)]);
  });

  it('strips colour codes and backspaces, keeps tabs and empty lines', () => {
    expect(splitLogLines('\x1b[1m12/34\x1b[0m a\tb\n\nx\b\by')).toEqual(['12/34 a\tb', '', 'xy']);
  });

  it('treats \\r\\n as a line end and never returns \\r or \\n inside a line', () => {
    expect(splitLogLines('a\r\nb\r\n')).toEqual(['a', 'b']);
  });

  it('does not split a prefixed traceback header off its prefix', () => {
    expect(splitLogLines('2024-11-20 14:37:15 [rank3]: Traceback (most recent call last):')).toEqual([
      '2024-11-20 14:37:15 [rank3]: Traceback (most recent call last):',
    ]);
  });
});

describe('decoding', () => {
  it('drops up to three continuation bytes at the start of a tail read', () => {
    const b = new TextEncoder().encode('━x');
    expect(decodeLogBytes(b.subarray(1))).toBe('x');
    expect(decodeLogBytes(b.subarray(2))).toBe('x');
  });

  it('the compacting decoder yields the same logical lines as plain decoding', () => {
    const text = `a\n\r${bar(1)}\r${bar(2)}\r  \r${bar(3)}Fatal Python error: Aborted\n\r${bar(4)}\r${bar(5)}`;
    const bytes = new TextEncoder().encode(text);
    expect(decodeLogBytesCompact(bytes).length).toBeLessThan(text.length);
    expect(splitLogLines(decodeLogBytesCompact(bytes))).toEqual(splitLogLines(decodeLogBytes(bytes)));
  });
});

describe('launcher prefixes', () => {
  it.each([
    ['[rank3]: RuntimeError: x', 'RuntimeError: x'],
    ['[default0]:Traceback (most recent call last):', 'Traceback (most recent call last):'],
    ['[trainer0|0]:Epoch 3:  45%', 'Epoch 3:  45%'],
    ['[1,0]<stderr>:ValueError: y', 'ValueError: y'],
    ['192.168.50.170:  56%|█', ' 56%|█'],
    ['worker-1: step 10/20', 'step 10/20'],
    ['stdout: Epoch 0/10', 'Epoch 0/10'],
    [' 3: loss 0.1', 'loss 0.1'],
    ['2024-11-28 13:53:00 |   File "train.py", line 3, in <module>', '  File "train.py", line 3, in <module>'],
    ['2024-11-28T13:53:00.123Z step 10/20', 'step 10/20'],
  ])('%s', (line, rest) => {
    expect(stripLinePrefix(line)).toBe(rest);
  });

  it.each(['slurmstepd-node01: error: x', 'srun: error: n: task 0', 'RuntimeError: CUDA error', 'Epoch 3: 45%'])(
    'keeps %s',
    (line) => {
      expect(prefixLength(line)).toBe(0);
    },
  );
});
