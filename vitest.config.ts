import { defineConfig } from 'vitest/config';

// `npm test` runs the unit and integration tests (no browser needed); `npm run test:e2e` runs the
// Chromium tests. Both compile src/ to lib/ once first, because CLI tests run the real binary.
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/compile.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
