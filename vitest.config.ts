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
        },
      },
      { test: { name: 'integration', include: ['test/integration-*.test.{ts,tsx}'], fileParallelism: false, testTimeout: 120_000 } },
    ],
  },
});
