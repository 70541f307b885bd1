/**
 * How many cases a property runs. `npm test` is deterministic: a fixed seed (test/setup/fast-check.ts)
 * and the count given here. `npm run fuzz` (HPCW_FUZZ=1) draws a random seed and runs every property
 * at least HPCW_FUZZ_RUNS times (default 100 000); a counterexample it finds becomes a plain test.
 */
export function runs(n: number): { numRuns: number } {
  if (process.env.HPCW_FUZZ !== '1') return { numRuns: n };
  const fuzz = Number(process.env.HPCW_FUZZ_RUNS ?? 100_000);
  return { numRuns: Math.max(n, Number.isFinite(fuzz) && fuzz > 0 ? fuzz : 100_000) };
}
