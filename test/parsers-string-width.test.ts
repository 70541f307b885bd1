/** The build's string-width stand-in must give string-width's answers, only faster on plain text. */
import fc from 'fast-check';
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import stringWidth from '../parsers/string-width.js';
import { runs } from './helpers/prop.js';

// Characters that join clusters or change width, next to ones that take the fast path.
const TRICKY = [
  'a',
  ' ',
  '·',
  '›',
  '…',
  '⚠',
  '─',
  '│',
  '█',
  '▏',
  'é',
  'ß',
  'Ω',
  'ж',
  'ع',
  'ह',
  '中',
  '한',
  'ｱ',
  'ﾞ',
  '＝',
  '\u0301',
  '\u20e3',
  '\u200d',
  '\ufe0f',
  '\ufe0e',
  '\u00ad',
  '\u200b',
  '\u0600',
  '\u0d4e',
  '\u094d',
  '\u0915',
  '\u1100',
  '\u1161',
  '\u11a8',
  '\uac00',
  '\ud7b0',
  '\u3099',
  '\t',
  '\n',
  '\u001b[31m',
  '\u001b[0m',
  '\u001b[38;5;196m',
  '\u001b[',
  '\u001b[?25h',
  '\u001b]8;;x\u0007',
  '\u001b',
  'm',
  ';',
  '[',
  '\u009b1m',
  '❤',
  '☺',
  '✅',
  '⌚',
  '©',
  '#',
  '1',
  '🇫',
  '🇮',
  '👍',
  '🏽',
  '👨',
  '👩',
  '🧑‍🔬',
  '𝐀',
  '𠀀',
  '\u{e0067}',
];

describe('string-width stand-in', () => {
  it('agrees with string-width on every BMP code point alone', () => {
    const bad: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      if (stringWidth(s) !== realStringWidth(s)) bad.push(cp.toString(16));
    }
    expect(bad).toEqual([]);
  });

  it('agrees with string-width on strings mixing joiners, emoji, wide, ambiguous and ANSI', () => {
    const text = fc.array(fc.constantFrom(...TRICKY), { maxLength: 12 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect(stringWidth(s)).toBe(realStringWidth(s));
        // cached: the same answer the second time
        expect(stringWidth(s)).toBe(realStringWidth(s));
      }),
      runs(3000),
    );
  });

  it('agrees with string-width on random Unicode and with its options', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.boolean(), fc.boolean(), (s, narrow, ansi) => {
        const o = { ambiguousIsNarrow: narrow, countAnsiEscapeCodes: ansi };
        expect(stringWidth(s, o)).toBe(realStringWidth(s, o));
      }),
      runs(2000),
    );
  });

  it('measures plain text: the UI glyphs, CJK, accents, styled text', () => {
    expect(stringWidth('hpc-watch · 3 jobs › …')).toBe(22);
    expect(stringWidth('训练 résumé')).toBe(11);
    expect(stringWidth('\u001b[1m中\u001b[0m')).toBe(2);
    expect(stringWidth(42)).toBe(0);
  });
});
