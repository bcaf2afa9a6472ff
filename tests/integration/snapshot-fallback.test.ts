import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';

// A startup snapshot Node cannot start from must never cost the user the command: the blob is
// built without the builder's NODE_OPTIONS (Node refuses a blob made under other V8 flags).

let dir: string;
const sample = useSample();
const env = (snapshot: string, extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  GAZETTE_SNAPSHOT: snapshot,
  GAZETTE_SKIP_LIVE_CHECK: '1',
  ...extra,
});

/** Builds a snapshot into a new temporary folder with the given environment. */
function buildSnapshot(extra: NodeJS.ProcessEnv = {}): string {
  const out = mkdtempSync(path.join(os.tmpdir(), 'gazette-snapshot-fallback-'));
  const made = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-snapshot.mjs'), '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, ...extra },
  });
  expect(made.status, made.stderr).toBe(0);
  return out;
}

beforeAll(() => {
  // `NODE_OPTIONS=--max-old-space-size=4096 npm ci` in CI is common: prepare builds the blob then.
  dir = buildSnapshot({ NODE_OPTIONS: '--max-old-space-size=4096' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a startup snapshot Node cannot start from', () => {
  it('is not made under the NODE_OPTIONS of whoever built it', async () => {
    const root = await sample();
    const r = await runCli(['build', '--root', root, '--verbose'], env(dir));
    expect(r.stderr).not.toContain('Failed to load the startup snapshot');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Started from the startup snapshot ${path.join(dir, 'gazette.blob')}`);
  }, 120_000);
});
