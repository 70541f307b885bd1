import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { splitLogLines, stripControls } from '../parsers/lines.js';
import { sanitizeField, sanitizeLogLine, sanitizeStyledLine } from '../parsers/sanitize.js';
import { displayWidth, truncateToWidth, wrapPieces, wrapToWidth } from '../parsers/text-width.js';
import { expectBoundedTime } from './helpers/linear.js';
import { runs } from './helpers/prop.js';

const ESC = '\x1b';
const FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('sanitizeLogLine: nasty inputs', () => {
  const table: [string, string, string][] = [
    ['window title (OSC 0, BEL)', `A${ESC}]0;pwned\x07B`, 'AB'],
    ['window title (OSC 2, ST)', `A${ESC}]2;pwned${ESC}\\B`, 'AB'],
    ['clipboard write (OSC 52)', `x${ESC}]52;c;cm0gLXJmIH4K\x07y`, 'xy'],
    ['hyperlink (OSC 8)', `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`, 'click'],
    ['8-bit OSC', 'a\x9d0;title\x07b', 'ab'],
    ['clear screen', `before${ESC}[2Jafter`, 'beforeafter'],
    ['cursor home', `${ESC}[Hhome`, 'home'],
    ['cursor movement with params', `a${ESC}[10;20Hb${ESC}[3Ac`, 'abc'],
    ['alternate screen (private CSI)', `a${ESC}[?1049hb${ESC}[?25l`, 'ab'],
    ['CSI with intermediate byte', `a${ESC}[2 qb`, 'ab'],
    ['colours are dropped', `${ESC}[1;31merror${ESC}[0m: x`, 'error: x'],
    ['conceal is dropped, text stays', `pw ${ESC}[8mhidden${ESC}[28m shown`, 'pw hidden shown'],
    ['8-bit CSI', 'a\x9b2Jb\x9b31mc', 'abc'],
    ['DCS (e.g. sixel/tmux passthrough)', `a${ESC}Pq#0;2;0;0;0${ESC}\\b`, 'ab'],
    ['8-bit DCS ended by 8-bit ST', 'a\x90payload\x9cb', 'ab'],
    ['APC / PM / SOS', `a${ESC}_apc${ESC}\\b${ESC}^pm${ESC}\\c${ESC}Xsos${ESC}\\d`, 'abcd'],
    ['XTGETTCAP query (DCS +q): its payload is not text', `a${ESC}P+q544e${ESC}\\b`, 'ab'],
    ['unterminated DCS goes to the end of its line, not beyond', `a${ESC}P+q544e\nb`, 'a\nb'],
    ['unterminated DCS at the end of the text', `a${ESC}P+q544e`, 'a'],
    ['unterminated DCS ends where the next escape starts', `a${ESC}P+q544e${ESC}[31mred`, 'ared'],
    ['tmux passthrough (doubled ESC inside a DCS)', `a${ESC}Ptmux;${ESC}${ESC}]0;t\x07${ESC}\\b`, 'ab'],
    ['8-bit DCS without a terminator', 'a\x90+q544e', 'a'],
    ['8-bit DCS ended by the next 8-bit introducer', 'a\x90+q\x9b31mb', 'ab'],
    ['8-bit APC / PM / SOS ended by ST', 'a\x9fapc\x9cb\x9epm\x9cc\x98sos\x9cd', 'abcd'],
    ['CAN cancels a DCS', `a${ESC}Pq#0\x18b`, 'ab'],
    ['charset switch (nF escape)', `a${ESC}(0lqqk${ESC}(Bb`, 'alqqkb'],
    ['two-char escapes (RIS, save cursor, keypad)', `a${ESC}cb${ESC}7c${ESC}=d`, 'abcd'],
    ['stray ESC', `a${ESC}é${ESC}\n${ESC}`, 'aé\n'],
    ['ESC + letter is a complete escape (as in a terminal)', `a${ESC}${ESC}bc`, 'ac'],
    ['unterminated OSC shows its payload instead of eating the line', `a${ESC}]0;rest`, 'a]0;rest'],
    ['CAN cancels a control string', `a${ESC}]0;x\x18b`, 'ab'],
    ['bell', 'ding\x07dong', 'dingdong'],
    ['bidi override (Trojan Source)', 'access\u202e\u2066 level\u2069\u202c', 'access level'],
    ['bidi isolates and marks', '\u2067abc\u2069\u200f\u061c', 'abc'],
    ['carriage return keeps the last rewrite', ' 10%|#   |\r 50%|##  |\r100%|####|', '100%|####|'],
    ['trailing carriage return is ignored', 'abc\r', 'abc'],
    ['several trailing carriage returns', 'abc\r\r', 'abc'],
    ['CRLF line ending', 'done\r\n', 'done\n'],
    ['CR then escape then text', `old\r${ESC}[2Knew`, 'new'],
    ['CR then only an escape', `old\r${ESC}[2K`, 'old'],
    ['backspace deletes the previous char', 'abc\b\bX', 'aX'],
    ['backspace at line start does nothing', '\b\bab', 'ab'],
    ['backspace after CR does nothing', 'abc\r\bX', 'X'],
    ['backspace removes a whole surrogate pair', 'a😀\bb', 'ab'],
    ['backspace never crosses a newline', 'ab\n\bc', 'ab\nc'],
    ['tab to 8-column stops', 'a\tb', `a${' '.repeat(7)}b`],
    ['tab after 8 chars', '12345678\tx', `12345678${' '.repeat(8)}x`],
    ['tab after CJK counts 2 columns per char', '作业\tx', `作业${' '.repeat(4)}x`],
    ['tab stops restart after a newline', 'abc\n\tx', `abc\n${' '.repeat(8)}x`],
    ['NUL, DEL and C1 controls', 'a\x00b\x7fc\x85d\x9ce', 'abcde'],
    ['lone 8-bit ST', 'a\x9cb', 'ab'],
    ['plain text is untouched', 'Epoch 3/10: loss=0.123 作业完成 ✅', 'Epoch 3/10: loss=0.123 作业完成 ✅'],
    ['empty', '', ''],
  ];
  it.each(table)('%s', (_name, input, expected) => {
    expect(sanitizeLogLine(input)).toBe(expected);
  });

  it('returns "" for a non-string instead of throwing', () => {
    expect(sanitizeLogLine(undefined as unknown as string)).toBe('');
    expect(sanitizeStyledLine(null as unknown as string)).toEqual([]);
    expect(sanitizeField(42 as unknown as string)).toBe('');
  });
});

describe('sanitizeStyledLine', () => {
  it('turns SGR into span styles', () => {
    expect(sanitizeStyledLine(`${ESC}[1;31mERROR${ESC}[0m plain ${ESC}[4;92mok${ESC}[24m!`)).toEqual([
      { text: 'ERROR', fg: 'red', bold: true },
      { text: ' plain ' },
      { text: 'ok', fg: 'greenBright', underline: true },
      { text: '!', fg: 'greenBright' },
    ]);
  });

  it('handles 256-colour and truecolour, both separators', () => {
    expect(
      sanitizeStyledLine(
        `${ESC}[38;5;208ma${ESC}[48;5;4mb${ESC}[0;38;2;255;0;16mc${ESC}[38:2::0:128:255md${ESC}[38:5:9me${ESC}[39;49mf`,
      ),
    ).toEqual([
      { text: 'a', fg: 'ansi256(208)' },
      { text: 'b', fg: 'ansi256(208)', bg: 'blue' },
      { text: 'c', fg: '#ff0010' },
      { text: 'd', fg: '#0080ff' },
      { text: 'e', fg: 'redBright' },
      { text: 'f' },
    ]);
  });

  it('handles dim/italic/inverse and their resets, and `ESC[m` as a full reset', () => {
    expect(sanitizeStyledLine(`${ESC}[2;3;7ma${ESC}[22;23mb${ESC}[27mc${ESC}[1md${ESC}[me`)).toEqual([
      { text: 'a', dim: true, italic: true, inverse: true },
      { text: 'b', inverse: true },
      { text: 'c' },
      { text: 'd', bold: true },
      { text: 'e' },
    ]);
  });

  it('never hides text: conceal is ignored and identical fg/bg is dropped', () => {
    expect(sanitizeStyledLine(`${ESC}[8mpassword${ESC}[0m`)).toEqual([{ text: 'password' }]);
    expect(sanitizeStyledLine(`${ESC}[30;40minvisible`)).toEqual([{ text: 'invisible' }]);
  });

  it('ignores malformed colour parameters and non-SGR `m` sequences', () => {
    expect(sanitizeStyledLine(`${ESC}[38;5;999ma${ESC}[38;2;1;2mb${ESC}[>4;2mc${ESC}[?1m`)).toEqual([{ text: 'abc' }]);
  });

  it('applies \\r and \\b cell by cell and keeps styles', () => {
    expect(sanitizeStyledLine(`old\r${ESC}[32mnew${ESC}[0m\b!`)).toEqual([{ text: 'ne', fg: 'green' }, { text: '!' }]);
  });

  it('expands tabs across spans using the running column', () => {
    const spans = sanitizeStyledLine(`${ESC}[31mab${ESC}[0m\tc`);
    expect(spans.map((s) => s.text).join('')).toBe(`ab${' '.repeat(6)}c`);
  });

  it('strips everything else exactly like sanitizeLogLine', () => {
    const input = `${ESC}]0;title\x07${ESC}[2J${ESC}[1mbold${ESC}[0m\x9b2J\u202eX\x9b32mY`;
    expect(sanitizeStyledLine(input)).toEqual([
      { text: 'bold', bold: true },
      { text: 'X' },
      { text: 'Y', fg: 'green' },
    ]);
  });

  it('returns [] for empty input and one unstyled span for plain text', () => {
    expect(sanitizeStyledLine('')).toEqual([]);
    expect(sanitizeStyledLine('plain')).toEqual([{ text: 'plain' }]);
  });
});

describe('sanitizeField', () => {
  it.each([
    ['line breaks become ⏎, runs collapse', 'train\nrm -rf /\r\n\nx', 'train⏎rm -rf /⏎x'],
    ['leading and trailing line breaks are dropped', '\nname\r\n', 'name'],
    ['\\r does not overwrite (spoofing)', 'evil\rgood', 'evil⏎good'],
    ['\\b does not delete (spoofing)', 'rm -rf /\b\b\b\b\b\b\b\bls', 'rm -rf /ls'],
    ['tab becomes one space', 'a\tb', 'a b'],
    ['escapes and bidi removed', `job${ESC}]0;x\x07${ESC}[31m\u202eA`, 'jobA'],
    ['plain stays', '/scratch/用户/run-01', '/scratch/用户/run-01'],
  ])('%s', (_n, input, expected) => {
    expect(sanitizeField(input)).toBe(expected);
  });
});

describe('width helpers', () => {
  it('measures CJK and emoji like the terminal', () => {
    expect(displayWidth('作业完成')).toBe(8);
    expect(displayWidth('✅ done 👩‍💻')).toBe(10);
  });

  it.each([
    ['fits', 'abc', 3, 'abc'],
    ['ascii cut', 'abcdef', 4, 'abc…'],
    ['CJK never split, may be one short', '作业完成', 5, '作业…'],
    ['CJK exact', '作业完成', 8, '作业完成'],
    ['ZWJ emoji kept whole', 'a👩‍💻b', 3, 'a…'],
    ['flag kept whole', '🇯🇵🇯🇵', 3, '🇯🇵…'],
    ['combining mark stays with its base', 'e\u0301e\u0301e\u0301', 2, 'e\u0301…'],
    ['width 1', 'abc', 1, '…'],
    ['width 0', 'abc', 0, ''],
    ['negative width', 'abc', -3, ''],
    ['NaN width', 'abc', Number.NaN, ''],
    ['infinite width', 'abc', Number.POSITIVE_INFINITY, 'abc'],
  ])('truncateToWidth: %s', (_n, s, w, expected) => {
    expect(truncateToWidth(s, w)).toBe(expected);
  });

  it.each([
    ['ascii', 'abcdefg', 3, ['abc', 'def', 'g']],
    ['CJK', '作业完成', 3, ['作', '业', '完', '成']],
    ['mixed', 'a作业b', 3, ['a作', '业b']],
    ['newline breaks', 'ab\ncd', 5, ['ab', 'cd']],
    ['emoji ZWJ is one glyph', '👩‍💻👩‍💻', 2, ['👩‍💻', '👩‍💻']],
    ['empty', '', 4, ['']],
    ['wide glyph in a 1-column pane', '作a', 1, ['…', 'a']],
    ['infinite width', 'ab\ncd', Number.POSITIVE_INFINITY, ['ab', 'cd']],
    ['breaks at a space, dropping it', 'hello world foo', 10, ['hello', 'world foo']],
    ['a word that ends the row drops the space after it', 'abcde fgh', 5, ['abcde', 'fgh']],
    ['the failure banner case', '1.12 GiB free; 3.00 GiB reserved', 16, ['1.12 GiB free;', '3.00 GiB', 'reserved']],
    [
      'only a word longer than the row is cut',
      'x supercalifragilistic y',
      6,
      ['x', 'superc', 'alifra', 'gilist', 'ic y'],
    ],
    ['runs of spaces at a break all go', 'a    b', 2, ['a', 'b']],
    ['spaces inside a row stay', 'a  b  c', 7, ['a  b  c']],
    ['indentation stays with the first word', '  ab cd', 4, ['  ab', 'cd']],
    ['CJK without spaces breaks between glyphs', '作业完成 作业', 5, ['作业', '完成', '作业']],
  ])('wrapToWidth: %s', (_n, s, w, expected) => {
    expect(wrapToWidth(s, w)).toEqual(expected);
  });
});

// Fragments that exercise every branch of the scanner when mixed with random text.
const FRAGMENTS = [
  ESC,
  `${ESC}[`,
  `${ESC}]`,
  `${ESC}P`,
  `${ESC}_`,
  `${ESC}^`,
  `${ESC}X`,
  `${ESC}\\`,
  `${ESC}(`,
  `${ESC}(0`,
  `${ESC}[2J`,
  `${ESC}[?1049h`,
  `${ESC}[1;31m`,
  `${ESC}[38;5;196m`,
  `${ESC}[38;2;1;2;3m`,
  `${ESC}[8m`,
  `${ESC}[0m`,
  `${ESC}[m`,
  `${ESC}]0;t\x07`,
  `${ESC}]52;c;Zm9v${ESC}\\`,
  `${ESC}]8;;u${ESC}\\`,
  '\x9b',
  '\x9b1m',
  '\x9d',
  '\x90',
  '\x9c',
  '\x07',
  '\x18',
  '\x1a',
  '\r',
  '\n',
  '\r\n',
  '\b',
  '\t',
  '\x00',
  '\x7f',
  '\x85',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200f',
  '😀',
  '👩‍💻',
  '作',
  'e\u0301',
  '\ud800',
  '\udc00',
  ';',
  '[',
  ']',
  'm',
  '0',
  '9',
];
const nasty = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom(...FRAGMENTS)), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));
const RUNS = runs(2000);

describe('sanitize properties', () => {
  it('output never contains controls, ESC, tabs or bidi controls', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const out = sanitizeLogLine(s);
        expect(FORBIDDEN.test(out)).toBe(false);
        expect(out.includes(ESC)).toBe(false);
        expect(out.includes('\t')).toBe(false);
        expect(BIDI.test(out)).toBe(false);
      }),
      RUNS,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const once = sanitizeLogLine(s);
        expect(sanitizeLogLine(once)).toBe(once);
        const field = sanitizeField(s);
        expect(sanitizeField(field)).toBe(field);
      }),
      RUNS,
    );
  });

  it('never throws on any string, including arbitrary UTF-16', () => {
    fc.assert(
      fc.property(fc.oneof(nasty, fc.string({ unit: 'binary' })), (s) => {
        sanitizeLogLine(s);
        sanitizeStyledLine(s);
        sanitizeField(s);
        truncateToWidth(s, 10);
        wrapToWidth(s, 7);
      }),
      RUNS,
    );
  });

  it('styled spans joined equal sanitizeLogLine, and span text is clean', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const spans = sanitizeStyledLine(s);
        expect(spans.map((x) => x.text).join('')).toBe(sanitizeLogLine(s));
        for (const span of spans) {
          expect(FORBIDDEN.test(span.text)).toBe(false);
          expect(span.text).not.toBe('');
        }
      }),
      RUNS,
    );
  });

  it('fields are single-line and clean', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const out = sanitizeField(s);
        expect(/[\r\n\t]/.test(out)).toBe(false);
        expect(FORBIDDEN.test(out)).toBe(false);
        expect(BIDI.test(out)).toBe(false);
      }),
      RUNS,
    );
  });

  // XTGETTCAP, DECRQSS, sixel: whatever the payload, none of it is shown, and the text around it stays.
  const plain = fc.string({ unit: fc.constantFrom(...'abc xyz0123;:+#$=|/-_'), maxLength: 20 });
  const intro = fc.constantFrom(`${ESC}P`, `${ESC}_`, `${ESC}^`, `${ESC}X`, '\x90', '\x9f', '\x9e', '\x98');
  const end = fc.constantFrom(`${ESC}\\`, '\x07', '\x9c', '\x18');
  it('DCS/APC/PM/SOS strings go whole, terminated or cut by the end of the line', () => {
    fc.assert(
      fc.property(plain, intro, plain, end, plain, (a, i, payload, e, b) => {
        const s = `${a}${i}${payload}${e}${b}`;
        expect(sanitizeLogLine(s)).toBe(`${a}${b}`);
        expect(sanitizeField(s)).toBe(`${a}${b}`);
        expect(stripControls(s)).toBe(`${a}${b}`);
        expect(sanitizeLogLine(`${a}${i}${payload}\n${b}`)).toBe(`${a}\n${b}`);
        expect(splitLogLines(`${a}${i}${payload}\n${b}`)).toEqual(splitLogLines(`${a}\n${b}`));
      }),
      RUNS,
    );
  });

  const wideText = fc
    .array(
      fc.constantFrom(
        '作',
        '业',
        '完',
        '成',
        '👩‍💻',
        '✅',
        '🇯🇵',
        '👍🏽',
        'a',
        'b',
        ' ',
        'é',
        'e\u0301',
        '１',
        'ᄀ',
        'ᅡ',
        '각',
      ),
      {
        maxLength: 30,
      },
    )
    .map((a) => a.join(''));
  const segmenter = new Intl.Segmenter();
  const boundaries = (s: string): Set<number> =>
    new Set([...segmenter.segment(s)].map((g) => g.index).concat(s.length));

  it('truncateToWidth never exceeds width and cuts only on grapheme boundaries', () => {
    fc.assert(
      fc.property(wideText, fc.integer({ min: 0, max: 40 }), (s, w) => {
        const out = truncateToWidth(s, w);
        expect(stringWidth(out)).toBeLessThanOrEqual(w);
        if (stringWidth(s) <= w) {
          expect(out).toBe(s);
        } else if (w > 0) {
          expect(out.endsWith('…')).toBe(true);
          const kept = out.slice(0, -1);
          expect(s.startsWith(kept)).toBe(true);
          expect(boundaries(s).has(kept.length)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  /**
   * What word wrap promises when every glyph fits: rows are the text's own slices, in order; only
   * spaces (and the `\n`) are left out between them; a row is cut mid-word only when it holds no
   * earlier break; and a row breaks at a space only when the next word would not have fitted.
   */
  function expectWordWrap(s: string, w: number): void {
    const pieces = wrapPieces(s, w);
    expect(pieces.map((p) => p.text)).toEqual(wrapToWidth(s, w));
    expect(s.slice(0, pieces[0]!.start)).toBe('');
    expect(s.slice(pieces.at(-1)!.end)).toMatch(/^ *$/);
    for (const [i, p] of pieces.entries()) {
      expect(p.text).toBe(s.slice(p.start, p.end));
      const next = pieces[i + 1];
      if (!next) continue;
      const gap = s.slice(p.end, next.start);
      expect(gap).toMatch(/^ *\n?$/);
      if (gap.includes('\n')) continue;
      if (gap === '') expect(p.text).not.toMatch(/\S +\S/);
      else
        expect(stringWidth(p.text) + gap.length + stringWidth(s.slice(next.start).split(/[ \n]/)[0]!)).toBeGreaterThan(
          w,
        );
    }
    expect(pieces.filter((p, i) => i > 0 && s.slice(pieces[i - 1]!.end, p.start).includes('\n'))).toHaveLength(
      s.split('\n').length - 1,
    );
  }

  const wrapText = fc
    .array(fc.oneof(wideText, fc.constantFrom('  ', '\n', 'word')), { maxLength: 8 })
    .map((a) => a.join(''));
  it('wrapToWidth pieces are never wider than width, and wrap at spaces when glyphs fit', () => {
    fc.assert(
      fc.property(wrapText, fc.integer({ min: 1, max: 20 }), (s, w) => {
        const pieces = wrapToWidth(s, w);
        for (const p of pieces) expect(stringWidth(p)).toBeLessThanOrEqual(w);
        if (w >= 2 && ![...segmenter.segment(s)].some((g) => stringWidth(g.segment) > w)) expectWordWrap(s, w);
      }),
      RUNS,
    );
  });

  it('chunked segmentation of long text agrees with string-width and loses nothing', () => {
    const long = fc.array(wideText, { minLength: 40, maxLength: 80 }).map((a) => a.join(''));
    fc.assert(
      fc.property(long, fc.integer({ min: 2, max: 30 }), (s, w) => {
        expect(displayWidth(s)).toBe(stringWidth(s));
        if (![...segmenter.segment(s)].some((g) => stringWidth(g.segment) > w)) expectWordWrap(s, w);
      }),
      runs(300),
    );
  });
});

describe('linear time on megabyte lines', () => {
  const big = 1_000_000;
  it.each([
    ['plain text', 'x'.repeat(big)],
    ['dense SGR', `${ESC}[1;31mab${ESC}[0m`.repeat(big / 12)],
    ['unterminated OSC introducers', `${ESC}]0;`.repeat(big / 4)],
    ['OSC without terminator then text', `${ESC}]0;${'a'.repeat(big)}`],
    ['backspace storm', 'ab\b'.repeat(big / 3)],
    ['tab/backspace mix', 'a\t\b\b'.repeat(big / 4)],
    ['carriage returns', 'progress\r'.repeat(big / 9)],
    ['long CSI parameters', `${ESC}[${'1;'.repeat(big / 2)}m`],
    ['8-bit introducers', '\x9b\x9d\x90'.repeat(big / 3)],
    ['unterminated DCS introducers', `${ESC}P+q`.repeat(big / 4)],
    ['DCS without terminator then text', `${ESC}P${'a'.repeat(big)}`],
    ['doubled ESC inside DCS strings', `${ESC}P${`${ESC}${ESC}P`.repeat(big / 3)}`],
    ['one tab after a long CJK run', `${'作业 '.repeat(big / 3)}\tx`],
  ])('%s', (_n, input) => {
    expectBoundedTime((x) => sanitizeLogLine(x), input);
    expectBoundedTime((x) => sanitizeStyledLine(x), input);
    expectBoundedTime((x) => stripControls(x), input);
  });

  it('truncate and wrap stay fast on a huge line', () => {
    const s = '作业完成 progress 👩‍💻 '.repeat(50_000);
    expect(stringWidth(truncateToWidth(s, 80))).toBeLessThanOrEqual(80);
    expect(wrapToWidth(s, 80).length).toBeGreaterThan(10_000);
    expect(displayWidth(s)).toBe(stringWidth('作业完成 progress 👩‍💻 ') * 50_000);
    expectBoundedTime((x) => wrapToWidth(x, 80), s);
    expectBoundedTime((x) => displayWidth(x), s);
  });
});

describe('chunked segmentation edge cases', () => {
  it.each([
    ['flags', '🇯🇵🇫🇷🇩🇪'.repeat(200)],
    ['skin tones', '👍🏽👋🏿'.repeat(300)],
    ['ZWJ families', '👨‍👩‍👧‍👦x'.repeat(100)],
    ['combining marks', 'a\u0301\u0302\u0303'.repeat(300)],
    ['hangul jamo', '각'.repeat(400)],
    ['CJK only', '作业完成'.repeat(500)],
  ])('%s: width and wrap agree with a whole-string segmentation', (_n, s) => {
    expect(displayWidth(s)).toBe(stringWidth(s));
    expect(wrapToWidth(s, 7).join('')).toBe(s);
    const cut = truncateToWidth(s, 301);
    expect(stringWidth(cut)).toBeLessThanOrEqual(301);
    expect(s.startsWith(cut.slice(0, -1))).toBe(true);
  });
});
