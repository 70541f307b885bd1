import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Efficiency } from '../parsers/efficiency.js';
import { combineTasks, fmtLimit, fmtMem, rightSizeHints, type SizingInput } from '../src/model/right-size.js';
import { runs } from './helpers/prop.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function eff(over: Partial<Efficiency>): Efficiency {
  return {
    cpu: null,
    mem: null,
    mem_used_bytes: null,
    mem_alloc_bytes: null,
    cpus: null,
    gpus: null,
    gpu_util: null,
    gpu_mem: null,
    time_used_ratio: null,
    gpu_mem_used_bytes: null,
    gpus_idle: null,
    ...over,
  };
}

const input = (over: Partial<SizingInput> & { efficiency: Efficiency | null }): SizingInput => ({
  state: 'COMPLETED',
  elapsed_s: 3600,
  time_limit_s: 3600,
  single_node: true,
  ...over,
});

describe('right-sizing hints', () => {
  it('the issue’s examples', () => {
    expect(
      rightSizeHints(input({ efficiency: eff({ mem_used_bytes: 3.1 * GiB, mem_alloc_bytes: 64 * GiB }) })),
    ).toEqual(['asked 64G, used 3.1G — --mem=4G would do']);
    expect(rightSizeHints(input({ elapsed_s: 41 * 60 + 12, time_limit_s: 10 * 3600, efficiency: eff({}) }))).toEqual([
      'asked 10:00:00, finished in 0:41:12 — --time=1:30:00 would do',
    ]);
    expect(rightSizeHints(input({ efficiency: eff({ cpus: 8, cpu: 1.3 / 8 }) }))).toEqual([
      '8 CPUs, 1.3 used on average',
    ]);
    expect(rightSizeHints(input({ efficiency: eff({ gpus: 2, gpus_idle: 1 }) }))).toEqual(['2 GPUs, one idle']);
    expect(rightSizeHints(input({ efficiency: eff({ gpus: 4, gpus_idle: 4 }) }))).toEqual(['4 GPUs, all idle']);
  });

  it('small jobs get 256M steps; nothing when the saving is not worth a line', () => {
    expect(rightSizeHints(input({ efficiency: eff({ mem_used_bytes: 100 * MiB, mem_alloc_bytes: 4 * GiB }) }))).toEqual(
      ['asked 4G, used 100M — --mem=512M would do'],
    );
    // job 27 of the captures: 403M of 1G — 768M would save too little to say
    expect(rightSizeHints(input({ efficiency: eff({ mem_used_bytes: 422567936, mem_alloc_bytes: GiB }) }))).toEqual([]);
    expect(rightSizeHints(input({ efficiency: eff({ cpus: 8, cpu: 0.6 }) }))).toEqual([]);
    expect(rightSizeHints(input({ elapsed_s: 3000, time_limit_s: 3600, efficiency: eff({}) }))).toEqual([]);
  });

  it('silent when data is missing, the job did not end, or the numbers cannot speak for the request', () => {
    expect(rightSizeHints(input({ efficiency: null }))).toEqual([]);
    expect(rightSizeHints(input({ efficiency: eff({}), time_limit_s: null }))).toEqual([]);
    expect(
      rightSizeHints(input({ state: 'RUNNING', efficiency: eff({ mem_used_bytes: GiB, mem_alloc_bytes: 64 * GiB }) })),
    ).toEqual([]);
    // --mem is per node: a multi-node total says nothing about one node
    expect(
      rightSizeHints(
        input({ single_node: false, efficiency: eff({ mem_used_bytes: GiB, mem_alloc_bytes: 64 * GiB }) }),
      ),
    ).toEqual([]);
    // a crash or a timeout ends early: no time hint
    expect(rightSizeHints(input({ state: 'FAILED', elapsed_s: 60, time_limit_s: 36000, efficiency: eff({}) }))).toEqual(
      [],
    );
    expect(
      rightSizeHints(input({ state: 'TIMEOUT', elapsed_s: 60, time_limit_s: 36000, efficiency: eff({}) })),
    ).toEqual([]);
    // a one-minute job's CPU average is noise
    expect(rightSizeHints(input({ elapsed_s: 30, time_limit_s: 60, efficiency: eff({ cpus: 8, cpu: 0.01 }) }))).toEqual(
      [],
    );
  });

  it('a suggestion never goes below what was used, and keeps headroom', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 2e12, noNaN: true }),
        fc.double({ min: 1, max: 4e12, noNaN: true }),
        fc.integer({ min: 1, max: 30 * 86400 }),
        fc.integer({ min: 60, max: 30 * 86400 }),
        (used, alloc, el, limit) => {
          const hints = rightSizeHints(
            input({
              elapsed_s: el,
              time_limit_s: limit,
              efficiency: eff({ mem_used_bytes: used, mem_alloc_bytes: alloc }),
            }),
          );
          for (const h of hints) {
            const mem = /--mem=(\d+)([MG])/.exec(h);
            if (mem) {
              const bytes = Number(mem[1]) * (mem[2] === 'G' ? GiB : MiB);
              expect(bytes).toBeGreaterThanOrEqual(used * 1.2);
              expect(bytes).toBeLessThanOrEqual(alloc);
            }
            const time = /--time=(?:(\d+)-)?(\d+):(\d+):(\d+)/.exec(h);
            if (time) {
              const s = Number(time[1] ?? 0) * 86400 + Number(time[2]) * 3600 + Number(time[3]) * 60 + Number(time[4]);
              expect(s).toBeGreaterThanOrEqual(el * 2);
              expect(s).toBeLessThan(limit);
            }
          }
        },
      ),
      runs(300),
    );
  });

  it('a whole array: the largest task decides, the time hint needs every task completed', () => {
    const task = (used: number, el: number, state: SizingInput['state'] = 'COMPLETED') =>
      input({
        state,
        elapsed_s: el,
        time_limit_s: 10 * 3600,
        efficiency: eff({ mem_used_bytes: used, mem_alloc_bytes: 32 * GiB, cpus: 4, cpu: 0.25 }),
      });
    const all = combineTasks([task(2 * GiB, 600), task(5 * GiB, 900), task(3 * GiB, 700)])!;
    expect(rightSizeHints(all)).toEqual([
      'asked 32G, used 5G — --mem=6G would do',
      'asked 10:00:00, finished in 0:15:00 — --time=0:30:00 would do',
      '4 CPUs, 1.0 used on average',
    ]);
    const oneFailed = combineTasks([task(2 * GiB, 600), task(5 * GiB, 60, 'FAILED')])!;
    expect(rightSizeHints(oneFailed).some((h) => h.includes('--time'))).toBe(false);
    expect(combineTasks([input({ state: 'RUNNING', efficiency: null })])).toBeNull();
  });

  it('formats', () => {
    expect(fmtMem(3.1 * GiB)).toBe('3.1G');
    expect(fmtMem(64 * GiB)).toBe('64G');
    expect(fmtMem(412664 * 1024)).toBe('403M');
    expect(fmtLimit(2472)).toBe('0:41:12');
    expect(fmtLimit(90000)).toBe('1-01:00:00');
  });
});
