import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; integration tests share one real cluster (and one of
// them stops its controller), so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/integration-*'],
          setupFiles: ['test/setup/fast-check.ts'],
          // CI runs unit and integration tests side by side on two cores: heavy property tests
          // must not fail on vitest's 5 s default. Hangs still fail, a minute later.
          testTimeout: 60_000,
        },
      },
      { test: { name: 'integration', include: ['test/integration-*.test.{ts,tsx}'], fileParallelism: false, testTimeout: 120_000 } },
    ],
  },
});
