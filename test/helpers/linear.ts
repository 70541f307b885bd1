/**
 * A guard against catastrophic (quadratic or worse) behaviour on hostile input, not a speed
 * target: speed lives in `npm run bench`. The limit is far above what linear work on these
 * inputs takes on a loaded 2-core CI machine (a few seconds at worst), and far below what
 * quadratic work on megabytes takes (hours), so it neither flakes nor lets a blow-up through.
 */
import { expect } from 'vitest';

const LIMIT_MS = 15_000;

/** Fails when `run(input)` takes longer than the guard's limit. */
export function expectBoundedTime(run: (input: string) => unknown, input: string): void {
  const t0 = performance.now();
  run(input);
  const t = performance.now() - t0;
  expect(t, `${t.toFixed(0)} ms on ${input.length} characters`).toBeLessThan(LIMIT_MS);
}
