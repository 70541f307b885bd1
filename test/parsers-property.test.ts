/**
 * Property tests: the log parsers never throw, never hang, keep the byte fast
 * path equivalent to decode-then-split, and stay linear on hostile input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLogBytes, decodeLogBytesCompact } from '../parsers/decode.js';
import { splitLogLines } from '../parsers/lines.js';
import { analyzeLog, analyzeLogDetailed } from '../parsers/log.js';
import { parseProgressLine } from '../parsers/progress.js';
import { parseTqdm } from '../parsers/tqdm.js';
import { expectBoundedTime } from './helpers/linear.js';
import { runs } from './helpers/prop.js';

/** Fragments real logs are made of, so random logs hit the interesting parser paths. */
const TOKENS = [
  '\r',
  '\n',
  '\r\n',
  ' ',
  '  ',
  '[',
  ']',
  '|',
  '%|',
  ':',
  '<',
  ', ',
  '/',
  '?',
  '=',
  '-',
  ' - ',
  '{',
  '}',
  "'",
  '0',
  '7',
  '42',
  '100',
  '00:12',
  '1:02:03',
  '94:39:17',
  '?it/s',
  '3.2it/s',
  '4.70s/it',
  '2.33kimg/s',
  '6.00k',
  '1.28M',
  '█',
  '▌',
  '━',
  '╺',
  '•',
  '\x1b[A',
  '\x1b[2K',
  '\x1b[1m',
  '\x1b]0;t\x07',
  '\b',
  '\t',
  '\ufffd',
  'Epoch 3/10',
  'Epoch ',
  'epoch:',
  'step ',
  'iter: ',
  'loss',
  'loss=',
  'loss: ',
  'nan',
  'inf',
  'lr=3e-4',
  'v_num=0',
  "{'loss': 0.5, 'epoch': 0.1}",
  'ETA: 33:37:24',
  'eta: 1 day, 18:10:02',
  'btime(ms): 185',
  'time (data): 0.377',
  'Traceback (most recent call last):',
  '  File "x.py", line 1, in <module>',
  'RuntimeError: CUDA out of memory.',
  'ValueError: bad',
  'torch.OutOfMemoryError: x',
  'During handling of the above exception, another exception occurred:',
  'The above exception was the direct cause of the following exception:',
  'ncclSystemError: y',
  'slurmstepd: error: *** JOB 1 ON n CANCELLED AT 2024-01-01T00:00:00 DUE TO TIME LIMIT ***',
  '*** STEP 1.0 ON n CANCELLED AT x ***',
  'Detected 1 oom-kill event(s)',
  'srun: error: n: task 0: Exited with exit code 1',
  'Killed',
  'Segmentation fault',
  'Fatal Python error: Aborted',
  'Watchdog caught collective operation timeout',
  'ChildFailedError: ',
  'exitcode  : -9',
  '[rank3]: ',
  '192.168.0.1: ',
  '[trainer0|0]:',
  'stdout: ',
  '0: ',
  'NCCL INFO',
  'OVERFLOW!',
  'Warning: ',
  'what():  ',
  '423/423 [==============================] - 188s 444ms/step - loss: 0.29',
  '694/Unknown',
  '45/100 0:00:12 • 0:00:20 4.50it/s',
];

const logText = fc.array(fc.constantFrom(...TOKENS), { maxLength: 300 }).map((a) => a.join(''));
const mixedText = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 200 })
  .map((a) => a.join(''));
const logBytes = fc
  .tuple(logText, fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 24 }), fc.nat())
  .map(([t, junk, at]) => {
    const b = new TextEncoder().encode(t);
    const pos = b.length ? at % b.length : 0;
    const out = new Uint8Array(b.length + junk.length);
    out.set(b.subarray(0, pos), 0);
    out.set(junk, pos);
    out.set(b.subarray(pos), pos + junk.length);
    return out;
  });

describe('never throws', () => {
  it('analyzeLog on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), logText, mixedText), (s) => {
        const a = analyzeLog(s);
        expect(typeof a.framework).toBe('string');
      }),
      runs(400),
    );
  });

  it('analyzeLog and decodeLogBytes on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), logBytes), (b) => {
        expect(typeof decodeLogBytes(b)).toBe('string');
        analyzeLog(b);
      }),
      runs(400),
    );
  });

  it('line-level parsers on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), mixedText), (s) => {
        parseTqdm(s);
        parseProgressLine(s);
        for (const l of splitLogLines(s)) expect(l).not.toMatch(/[\r\n\x1b]/);
      }),
      runs(400),
    );
  });
});

describe('byte fast path', () => {
  it('compacting redraws before decoding gives the same logical lines', () => {
    fc.assert(
      fc.property(logBytes, (b) => {
        expect(splitLogLines(decodeLogBytesCompact(b))).toEqual(splitLogLines(decodeLogBytes(b)));
      }),
      runs(500),
    );
  });

  it('analyzeLog(bytes) equals analyzeLog(decoded text)', () => {
    fc.assert(
      fc.property(logBytes, (b) => {
        const viaBytes = analyzeLogDetailed(b);
        const viaText = analyzeLogDetailed(decodeLogBytes(b));
        expect(viaBytes.analysis).toEqual(viaText.analysis);
        expect(viaBytes.failureIndex).toBe(viaText.failureIndex);
      }),
      runs(300),
    );
  });

  it('drops a leading partial character and keeps invalid bytes as U+FFFD', () => {
    const bar = new TextEncoder().encode('█ ok');
    expect(decodeLogBytes(bar.subarray(1))).toBe(' ok');
    expect(decodeLogBytes(bar.subarray(2))).toBe(' ok');
    expect(decodeLogBytes(new Uint8Array([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
    expect(decodeLogBytes(new Uint8Array([0x61, 0xe2, 0x96]))).toBe('a\ufffd');
  });
});

describe('bounded time on hostile input (5 MB each, catastrophic backtracking guard)', () => {
  const MB5 = 5 * 1024 * 1024;
  const rep = (s: string) => s.repeat(Math.ceil(MB5 / s.length)).slice(0, MB5);
  const cases: [string, string][] = [
    ['[ run', rep('[')],
    ['| run', rep('|')],
    ['digit run', rep('7')],
    ['\\r run', rep('\r')],
    ['\\r + spaces', rep('\r   ')],
    ['[digits', `[${rep('1')}`],
    ['unterminated stats brackets', rep('[00:00, ')],
    ['bar-like redraws without newline', rep('\rx: 5%|█| 1/2 [00:01<00:02, 3.0it/s, loss=0.1]')],
    ['redraws with ESC[A and newlines', rep('\n\rB: 1%| | 2/300 [00:00<00:15, 18.84it/s]\x1b[A')],
    ['one huge word', rep('a')],
    ['loss + digits', `loss ${rep('1')}x`],
    ['key: value soup', rep('a: 1 b=2 ')],
    ['colons', rep(':')],
    ['tracebacks', rep('Traceback (most recent call last):\n')],
    ['exception-like lines', rep('ValueError: x\n')],
    ['dotted names', rep('a.')],
    ['glue markers', rep('slurmstepd: ')],
    ['rich bars', rep('━')],
    ['percent bars', rep('%|')],
    ['keras heads', rep('1/')],
    ['ESC soup', rep('\x1b[')],
    ['multi-byte soup', rep('█▌━•\ufffd')],
    ['pipes and colons', rep('| a b: 1 ')],
    ['many short lines', rep('step 1/2 | loss 0.1 | 3.41 it/s\n')],
    ['glued job reports', rep('1/x: line 1: 2 Killed ')],
    ['glued signal words', rep('1Killed')],
    ['JSON traceback field', `{"exception": "Traceback (most recent call last):${rep('\\n  a: b')}`],
  ];
  it.each(cases)('%s', (_name, s) => {
    expectBoundedTime((x) => analyzeLog(x), s);
    const enc = new TextEncoder();
    expectBoundedTime((x) => analyzeLog(enc.encode(x)), s);
  });
});
