import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest leaves one core idle by default; on CI's 2 cores that runs the files one at a time.
    // The tests wait on events, never on time, so two files at once only shortens the run.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
