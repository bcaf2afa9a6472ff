import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { REPO } from './root.js';

/**
 * A startup snapshot built from lib/ as the test setup compiled it (scripts/build-snapshot.mjs
 * --out), in a new temporary folder named after `prefix`; `env` adds to the builder's environment.
 */
export function buildSnapshot(prefix: string, env: NodeJS.ProcessEnv = {}): string {
  const out = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const made = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-snapshot.mjs'), '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  expect(made.status, made.stderr).toBe(0);
  return out;
}

/** The pid of the command bin/gazette.js started from the snapshot (its one child), once there is one. */
export async function launchedCommand(launcher: ChildProcess): Promise<number | undefined> {
  for (let i = 0; i < 200; i++) {
    const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(launcher.pid)], { encoding: 'utf8' });
    const child = Number(ps.stdout.trim().split('\n')[0]);
    if (child) return child;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}
