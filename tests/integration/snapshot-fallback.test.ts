import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI, copySample } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';
import { buildSnapshot, launchedCommand } from '../helpers/snapshot.js';

// A startup snapshot Node cannot start from must never cost the user the command: the blob is
// built without the builder's NODE_OPTIONS (Node refuses a blob made under other V8 flags), and
// a blob that does not load (refused, corrupt) leaves the command to lib/ with a note.

let dir: string;
const sample = useSample();
const env = (snapshot: string, extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  GAZETTE_SNAPSHOT: snapshot,
  GAZETTE_SKIP_LIVE_CHECK: '1',
  ...extra,
});

beforeAll(() => {
  // `NODE_OPTIONS=--max-old-space-size=4096 npm ci` in CI is common: prepare builds the blob then.
  dir = buildSnapshot('gazette-snapshot-fallback', { NODE_OPTIONS: '--max-old-space-size=4096' });
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a startup snapshot Node cannot start from', () => {
  it('is not made under the NODE_OPTIONS of whoever built it', async () => {
    const root = await sample();
    const r = await runCli(['build', '--root', root, '--verbose'], env(dir));
    expect(r.stderr).not.toContain('Failed to load the startup snapshot');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Started from the startup snapshot ${path.join(dir, 'gazette.blob')}`);
    // A command that ran from the blob and failed is the command's outcome: not run again.
    const failed = await runCli(['build', '--root', root, '--issue', 'nope'], env(dir));
    expect(failed.code).toBe(1);
    expect(failed.stderr.match(/no issue "nope"/g)).toHaveLength(1);
    expect(failed.stderr).not.toContain('did not load');
    // The stamp signs the packages bundled into the blob (tests/unit/snapshot-stamp.test.ts).
    const stamp = JSON.parse(readFileSync(path.join(dir, 'stamp.json'), 'utf8'));
    expect(stamp.packageFiles).toEqual(
      expect.arrayContaining(['node_modules/mjml-core/package.json', 'node_modules/zod/package.json']),
    );
    expect(stamp.packageFiles).not.toContain('node_modules/sharp/package.json');
  }, 120_000);

  it('leaves the command to lib/ when the blob does not load (corrupt, same size)', async () => {
    const root = await sample();
    const bad = mkdtempSync(path.join(os.tmpdir(), 'gazette-snapshot-corrupt-'));
    try {
      const blob = readFileSync(path.join(dir, 'gazette.blob'));
      for (let i = blob.length >> 1; i < (blob.length >> 1) + 4096; i++) blob[i]! ^= 0x5a;
      writeFileSync(path.join(bad, 'gazette.blob'), blob);
      const stamp = JSON.parse(readFileSync(path.join(dir, 'stamp.json'), 'utf8'));
      writeFileSync(path.join(bad, 'stamp.json'), JSON.stringify({ ...stamp, dir: bad }));
      for (const args of [
        ['build', '--root', root, '--verbose'],
        ['check', '--root', root, '--format', 'json'],
      ]) {
        const r = await runCli(args, env(bad));
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toContain('startup snapshot');
        expect(r.stderr).toContain(`the startup snapshot ${path.join(bad, 'gazette.blob')} did not load`);
        if (args[0] === 'check') expect(JSON.parse(r.stdout).ok).toBe(true);
      }
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 120_000);

  it('does not outlive bin/gazette.js killed with SIGKILL (a signal it cannot pass on)', async () => {
    const { root, cleanup } = await copySample();
    try {
      const launcher = spawn(process.execPath, [CLI, 'build', '--root', root, '--no-cache'], {
        env: env(dir),
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((r) => launcher.on('exit', (_c, s) => r(s)));
      const child = await launchedCommand(launcher);
      expect(child).toBeDefined();
      // Stopped, the command cannot finish before bin/gazette.js is gone.
      process.kill(child!, 'SIGSTOP');
      launcher.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      process.kill(child!, 'SIGCONT');
      const gone = () => {
        try {
          process.kill(child!, 0);
          return false;
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 200 && !gone(); i++) await new Promise((r) => setTimeout(r, 25));
      // As if the command itself had been killed: gone, and nothing written.
      expect(gone()).toBe(true);
      expect(existsSync(path.join(root, 'dist'))).toBe(false);
    } finally {
      await cleanup();
    }
  }, 120_000);

  it('is not mistaken for a blob that did not load when the command is killed before it starts', async () => {
    const { root, cleanup } = await copySample();
    try {
      const launcher = spawn(process.execPath, [CLI, 'build', '--root', root, '--no-cache'], {
        env: env(dir),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      launcher.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<NodeJS.Signals | null>((r) => launcher.on('close', (_c, s) => r(s)));
      const child = await launchedCommand(launcher);
      expect(child).toBeDefined();
      // Killed by someone else (pkill, the OOM killer), most likely still loading the blob: the
      // user's build is stopped, not started again from lib/.
      process.kill(child!, 'SIGTERM');
      expect(await exited).toBe('SIGTERM');
      expect(stderr).not.toContain('did not load');
      expect(existsSync(path.join(root, 'dist'))).toBe(false);
    } finally {
      await cleanup();
    }
  }, 120_000);
});
