import { describe, expect, test } from 'vitest';
import { displayWidth } from '../parsers/text-width.js';
import { cancelTarget } from '../src/tui/view-model/cancel-target.js';
import { barText } from '../src/tui/view-model/cells.js';
import { layoutColumns } from '../src/tui/view-model/columns.js';
import { fitParts } from '../src/tui/view-model/fit.js';
import { highlight, layoutLog, styleLines, wrapSpans } from '../src/tui/view-model/log-lines.js';
import { INITIAL_LOG_VIEW, nextMatch, scrollBy, visibleTop } from '../src/tui/view-model/log-view.js';
import { buildRows, findRow, groupKey, taskCount } from '../src/tui/view-model/rows.js';
import { sparkline } from '../src/tui/view-model/sparkline.js';
import { allJobs, arrayJobs, entry } from './helpers/fixtures.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const opts = { sort: 'state' as const, filter: '', expanded: new Set<string>(), now: NOW, finishedWindowS: 86400 };

describe('rows', () => {
  test('task counts of array records', () => {
    const t = (id: string) => entry(NOW, { job_id: `1_${id}`, array_task_id: id });
    expect(taskCount(t('7'))).toBe(1);
    expect(taskCount(t('[4-8%2]'))).toBe(5);
    expect(taskCount(t('[1,3,5-7]'))).toBe(5);
    expect(taskCount(t('[0-10:2]'))).toBe(6);
  });

  test('finished jobs older than the window leave the list', () => {
    const old = entry(NOW, { job_id: '1', state: 'COMPLETED', end_time: new Date(NOW - 2 * 86400_000).toISOString() });
    const recent = entry(NOW, { job_id: '2', state: 'COMPLETED', end_time: new Date(NOW - 3600_000).toISOString() });
    expect(buildRows([old, recent], opts).map((r) => r.key)).toEqual(['local/2']);
  });

  test('a selected task inside a collapsed array resolves to the array row', () => {
    const jobs = arrayJobs(NOW);
    const rows = buildRows(jobs, opts);
    const byKey = Object.fromEntries(jobs.map((e) => [e.key, e]));
    expect(findRow(rows, 'local/3000_2', byKey)).toBe(rows.findIndex((r) => r.key === groupKey('local', '3000')));
  });

  test('a single array task is just a row', () => {
    const rows = buildRows([entry(NOW, { job_id: '5_1', array_job_id: '5', array_task_id: '1' })], opts);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.kind).toBe('job');
  });
});

describe('columns', () => {
  test('rows never exceed the width, whatever the ids and cluster names', () => {
    for (let width = 50; width <= 200; width += 7) {
      for (const idWidth of [4, 11, 20]) {
        for (const clusterWidth of [null, 5, 30]) {
          const cols = layoutColumns(width, { idWidth, clusterWidth });
          const total = cols.reduce((n, c) => n + c.width, 0) + cols.length - 1 + 1;
          expect(total, `${width}/${idWidth}/${clusterWidth}`).toBeLessThanOrEqual(width);
        }
      }
    }
  });
});

describe('text fitting', () => {
  test('fitParts cuts across parts on a grapheme boundary', () => {
    const parts = [{ text: 'ab' }, { text: '训练模型' }, { text: 'xyz' }];
    for (let w = 1; w < 14; w++) {
      const out = fitParts(parts, w);
      expect(displayWidth(out.map((p) => p.text).join(''))).toBeLessThanOrEqual(w);
    }
    expect(fitParts(parts, 5).map((p) => p.text)).toEqual(['ab', '训…']);
  });

  test('wrapSpans keeps styles across row breaks', () => {
    const rows = wrapSpans([{ text: 'aaaa', fg: 'red' }, { text: 'bbbb' }], 3);
    expect(rows.map((r) => r.map((s) => s.text).join(''))).toEqual(['aaa', 'abb', 'bb']);
    expect(rows[1]![0]).toEqual({ text: 'a', fg: 'red' });
  });

  test('wrapSpans breaks at spaces and keeps each word its style', () => {
    const rows = wrapSpans(
      [{ text: 'error: ', fg: 'red' }, { text: 'disk quota', bold: true }, { text: ' exceeded' }],
      15,
    );
    expect(rows).toEqual([
      [
        { text: 'error: ', fg: 'red' },
        { text: 'disk', bold: true },
      ],
      [{ text: 'quota', bold: true }, { text: ' exceeded' }],
    ]);
  });

  test('highlight marks matches case-insensitively without losing text', () => {
    const out = highlight([{ text: 'Loss=1 loss=2', fg: 'green' }], 'LOSS');
    expect(out.map((s) => s.text).join('')).toBe('Loss=1 loss=2');
    expect(out.filter((s) => s.inverse).map((s) => s.text)).toEqual(['Loss', 'loss']);
  });

  test('styled log lines drop control sequences and fit the width', () => {
    const styled = styleLines(['\x1b]0;pwned\x07ok\x1b[2J', '宽'.repeat(50)]);
    expect(styled[0]!.map((s) => s.text).join('')).toBe('ok');
    for (const wrap of [false, true]) {
      for (const row of layoutLog(styled, 21, wrap, '')) {
        expect(displayWidth(row.spans.map((s) => s.text).join(''))).toBeLessThanOrEqual(21);
      }
    }
  });

  test('bars and sparklines have exactly the asked width', () => {
    for (const f of [0, 0.01, 0.5, 0.999, 1]) expect(displayWidth(barText(f, 10))).toBe(10);
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▂▃▄▅▅▆▇█');
    expect(
      sparkline(
        Array.from({ length: 100 }, (_, i) => i),
        10,
      ),
    ).toHaveLength(10);
    expect(sparkline([1, null, 1], 3)).toBe('█ █');
  });
});

describe('log view state', () => {
  test('scrolling up leaves follow mode; down at the bottom keeps it', () => {
    const s1 = scrollBy(INITIAL_LOG_VIEW, -1, 100, 10);
    expect(s1.follow).toBe(false);
    expect(visibleTop(s1, 100, 10)).toBe(89);
    expect(scrollBy(INITIAL_LOG_VIEW, 1, 100, 10)).toBe(INITIAL_LOG_VIEW);
  });

  test('n/N wrap around', () => {
    expect(nextMatch([3, 7], 7, 1)).toBe(3);
    expect(nextMatch([3, 7], 3, -1)).toBe(7);
    expect(nextMatch([], null, 1)).toBeNull();
  });
});

describe('cancel target', () => {
  test('a job, a pending range record, an array group, a finished job', () => {
    const jobs = Object.fromEntries([...allJobs(NOW)].map((e) => [e.key, e]));
    expect(cancelTarget(jobs, 'local/2001')).toMatchObject({
      scancelId: '2001',
      name: 'train-llama-7b',
      tasks: null,
      finished: false,
    });
    expect(cancelTarget(jobs, 'local/3000_[4-8%2]')).toMatchObject({ scancelId: '3000_[4-8]', tasks: 5 });
    expect(cancelTarget(jobs, 'group:local/3000')).toMatchObject({ scancelId: '3000', tasks: 8, state: '2R 5PD 1CD' });
    expect(cancelTarget(jobs, 'local/2004')?.finished).toBe(true);
    expect(cancelTarget(jobs, 'local/nope')).toBeNull();
  });
});
