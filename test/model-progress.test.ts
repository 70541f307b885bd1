import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remainingSeconds } from '../src/model/eta.js';
import { epochPosition, epochsAfter, hasEpochBar, runPercent } from '../src/model/progress.js';
import { progress as p } from './helpers/fixtures.js';
import { runs } from './helpers/prop.js';

describe('runPercent: the whole run, the quantity the ETA describes', () => {
  it.each([
    ['no epochs: the bar is the run', p({ current: 45, total: 100 }), 45],
    ['epoch 5 of 10 at 80% (the demo)', p({ current: 400, total: 500, epoch: 5, epoch_total: 10 }), 48],
    ['Epoch 1/3 at 25% (1-based)', p({ current: 10, total: 40, epoch: 1, epoch_total: 3 }), 25 / 3],
    [
      'Epoch 0/3 at 25% (0-based: the first epoch too)',
      p({ current: 10, total: 40, epoch: 0, epoch_total: 3 }),
      25 / 3,
    ],
    ['the last epoch, done', p({ current: 40, total: 40, epoch: 3, epoch_total: 3 }), 100],
    ['an epoch past the count stays within 100%', p({ current: 40, total: 40, epoch: 11, epoch_total: 10 }), 100],
    ['epoch count unknown (Lightning `Epoch 3:`): the bar', p({ current: 30, total: 100, epoch: 3 }), 30],
    ['a zero epoch count is no count', p({ current: 30, total: 100, epoch: 1, epoch_total: 0 }), 30],
    ['the bar counts epochs itself (`Epochs: 3/5`)', p({ current: 3, total: 5, epoch: 3, epoch_total: 5 }), 60],
  ])('%s', (_n, prog, want) => {
    expect(runPercent(prog)).toBeCloseTo(want, 6);
  });

  it('is unknown when the bar has no total, even with epochs', () => {
    expect(runPercent(p({ current: 300, total: null, epoch: 2, epoch_total: 10 }))).toBeNull();
    expect(runPercent(p({ epoch: 110, epoch_total: 200 }))).toBeNull();
    expect(runPercent(null)).toBeNull();
  });

  it('says when there is an epoch bar to show besides the run', () => {
    expect(hasEpochBar(p({ current: 400, total: 500, epoch: 5, epoch_total: 10 }))).toBe(true);
    expect(hasEpochBar(p({ current: 400, total: 500, epoch: 1, epoch_total: 1 }))).toBe(false);
    expect(hasEpochBar(p({ current: 3, total: 5, epoch: 3, epoch_total: 5 }))).toBe(false);
    expect(hasEpochBar(p({ current: 400, total: 500 }))).toBe(false);
    expect(hasEpochBar(p({ current: 400, total: null, epoch: 5, epoch_total: 10 }))).toBe(false);
  });

  it('counts epochs the same way for the ETA', () => {
    expect(epochPosition(p({ epoch: 0, epoch_total: 3 }))).toMatchObject({ index: 0, total: 3 });
    expect(epochPosition(p({ epoch: 1, epoch_total: 3 }))).toMatchObject({ index: 0, total: 3 });
    expect(epochsAfter(p({ epoch: 1, epoch_total: 3 }))).toBe(2);
    expect(epochsAfter(p({ current: 3, total: 5, epoch: 3, epoch_total: 5 }))).toBe(0);
    expect(epochsAfter(p({ epoch: 3 }))).toBe(0);
  });
});

describe('the run percent and the ETA agree', () => {
  it('the outer epoch bar is not counted twice', () => {
    // `Epochs: 3/5 [.., 10.00s/it]` with 20 s left: the printed ETA already covers the run.
    expect(
      remainingSeconds(p({ current: 3, total: 5, epoch: 3, epoch_total: 5, rate: 10, rate_unit: 's/it', eta_s: 20 })),
    ).toBe(20);
  });

  it('at a steady rate, the time left is the share of the run left', () => {
    const arb = fc
      .record({
        epochs: fc.integer({ min: 1, max: 50 }),
        total: fc.integer({ min: 1, max: 2000 }),
        spu: fc.double({ min: 0.01, max: 10, noNaN: true }),
        zeroBased: fc.boolean(),
      })
      .chain((r) =>
        fc
          .record({
            epoch: fc.integer({ min: r.zeroBased ? 0 : 1, max: r.zeroBased ? r.epochs - 1 : r.epochs }),
            current: fc.integer({ min: 0, max: r.total }),
          })
          .map((x) => ({ ...r, ...x })),
      );
    fc.assert(
      fc.property(arb, ({ epochs, total, spu, epoch, current }) => {
        const prog = p({ current, total, rate: spu, rate_unit: 's/it', epoch, epoch_total: epochs });
        const left = remainingSeconds(prog)!;
        const runtime = epochs * total * spu;
        expect(left / runtime).toBeCloseTo(1 - runPercent(prog)! / 100, 6);
      }),
      runs(500),
    );
  });
});
