import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // integration tests start dev servers and worker processes: two cores, two files at a time
    maxWorkers: 2,
    env: { TZ: 'Asia/Ho_Chi_Minh' },
  },
});
