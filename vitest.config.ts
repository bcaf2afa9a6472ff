import os from 'node:os';
import { defineConfig } from 'vitest/config';

// `npm test` (project `unit`) runs the unit and integration tests in-process, plus a few
// real-binary smoke tests; it must stay fast on a loaded 2-core machine. `npm run test:slow`
// (project `slow`) runs what inherently takes real processes and minutes: several senders
// killed (SIGKILL, SIGSTOP) and resumed, the npm package installed into a fresh project, and the
// live check against an HTTPS host the CLI trusts from its start.
// `npm run test:e2e` runs the Chromium tests. .ci/run runs all three. All compile src/ to lib/
// first, because the real-binary tests run bin/gazette.js.
const SLOW = [
  'tests/integration/send-workers.test.ts',
  'tests/integration/send-crash.test.ts',
  'tests/integration/package-install.test.ts',
  // The CLI must trust the test's HTTPS host from its start (NODE_EXTRA_CA_CERTS): real processes.
  'tests/integration/live-check.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['tests/setup/compile.ts'],
    // Two workers per core: the tests mostly wait on sockets, timers and child processes (two
    // workers kept 0.9 of 2 cores busy; `npm test` took 112 s on a quiet 2-core machine with two
    // workers, 68 s with four).
    maxWorkers: Math.max(2, os.availableParallelism() * 2),
    // `npm run coverage`: what `npm test` covers of src/ (the in-process tests; lib/ run by the
    // real-binary smoke tests is not counted).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.d.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // The numbers are wanted even when a test fails (the run still exits non-zero).
      reportOnFailure: true,
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          exclude: SLOW,
          // One module graph for all files of a worker: importing MJML, the theme and src/ again
          // for every file was most of the run (seconds per file on a loaded machine). Safe here
          // because src/ keeps no state a file could leave behind (caches are keyed by path and
          // stamp), and tests restore what they change (fake timers, env, patched prototypes).
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: SLOW,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Each file times real processes against each other: one file at a time.
          fileParallelism: false,
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
