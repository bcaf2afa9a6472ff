import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CLI, copySample } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';
import { buildSnapshot, launchedCommand } from '../helpers/snapshot.js';
import { fileTree } from '../helpers/tree.js';

// The startup snapshot (src/snapshot/, scripts/build-snapshot.mjs), built into a folder of this
// test's own from lib/ as the test setup compiled it, and started through bin/gazette.js the way
// `npm ci` leaves it: the same bytes and findings as lib/, never a stale blob, signals passed on.

let dir: string;
const sample = useSample();
const env = (snapshot: string) => ({ ...process.env, GAZETTE_SNAPSHOT: snapshot, GAZETTE_SKIP_LIVE_CHECK: '1' });

beforeAll(() => {
  dir = buildSnapshot('gazette-snapshot');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gazette build and check from the startup snapshot', () => {
  it('write the same files and report the same findings as lib/, images included', async () => {
    const root = await sample();
    const from = await runCli(['build', '--root', root, '--no-cache', '--verbose'], env(dir));
    expect(from.code, from.stderr).toBe(0);
    expect(from.stdout).toContain(`Started from the startup snapshot ${path.join(dir, 'gazette.blob')}`);
    const snapshotTree = fileTree(path.join(root, 'dist'));
    expect(Object.keys(snapshotTree).some((f) => f.startsWith('assets/email/'))).toBe(true);
    rmSync(path.join(root, 'dist'), { recursive: true });
    const plain = await runCli(['build', '--root', root, '--no-cache', '--verbose'], env('off'));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain('startup snapshot');
    expect(fileTree(path.join(root, 'dist'))).toEqual(snapshotTree);
    expect(from.stderr).toBe(plain.stderr);

    const checks = await Promise.all(
      [dir, 'off'].map((s) => runCli(['check', '--root', root, '--format', 'json', '--verbose'], env(s))),
    );
    expect(checks[0]!.code).toBe(checks[1]!.code);
    expect(JSON.parse(checks[0]!.stdout)).toEqual(JSON.parse(checks[1]!.stdout));
  }, 120_000);

  it('replays the build cache that lib/ filled (the same tool stamp in both)', async () => {
    const root = await sample();
    expect((await runCli(['build', '--root', root, '--quiet'], env('off'))).code).toBe(0);
    // The renders and findings stored (output/ is the spare copy of the output folder).
    const entries = () =>
      Object.keys(fileTree(path.join(root, '.gazette', 'cache'))).filter((f) => !f.startsWith('output/'));
    const before = entries();
    expect(before.length).toBeGreaterThan(5);
    expect((await runCli(['build', '--root', root, '--quiet'], env(dir))).code).toBe(0);
    // Nothing new was rendered: every entry was found under the key lib/ wrote it with.
    expect(entries()).toEqual(before);
  }, 120_000);

  it('is not used once stale: another Node, another lib/', async () => {
    const root = await sample();
    const stale = mkdtempSync(path.join(os.tmpdir(), 'gazette-snapshot-stale-'));
    try {
      for (const f of ['gazette.blob', 'stamp.json'])
        writeFileSync(path.join(stale, f), readFileSync(path.join(dir, f)));
      const stamp = JSON.parse(readFileSync(path.join(stale, 'stamp.json'), 'utf8'));
      for (const change of [{ node: 'v0.0.0' }, { lib: `${stamp.lib} changed` }, { dir: stale }]) {
        writeFileSync(path.join(stale, 'stamp.json'), JSON.stringify({ ...stamp, dir: stale, ...change }));
        const r = await runCli(['build', '--root', root, '--verbose'], env(stale));
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.includes('startup snapshot')).toBe(JSON.stringify(change) === JSON.stringify({ dir: stale }));
      }
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  }, 120_000);

  it('is not used under V8 options it was not built with, which would make Node refuse it', async () => {
    const root = await sample();
    const r = await runCli(['build', '--root', root, '--verbose'], {
      ...env(dir),
      NODE_OPTIONS: '--max-old-space-size=4096',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('startup snapshot');
    expect(r.stderr).not.toContain('Failed to load the startup snapshot');
  }, 120_000);

  it('is used under the profiler (`node --cpu-prof --cpu-prof-dir DIR`), which profiles the command', async () => {
    const root = await sample();
    const profiles = mkdtempSync(path.join(os.tmpdir(), 'gazette-snapshot-prof-'));
    try {
      const r = spawnSync(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-dir', profiles, CLI, 'build', '--root', root, '--verbose'],
        { env: env(dir), encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('startup snapshot');
      // One profile from bin/gazette.js, one from the command it started.
      expect(readdirSync(profiles).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(2);
    } finally {
      rmSync(profiles, { recursive: true, force: true });
    }
  }, 120_000);

  it('passes a SIGTERM sent to bin/gazette.js on to the command, and exits by it', async () => {
    const { root, cleanup } = await copySample();
    try {
      const launcher = spawn(process.execPath, [CLI, 'build', '--root', root, '--no-cache'], {
        env: env(dir),
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((r) => launcher.on('exit', (_c, s) => r(s)));
      // The command is the launcher's one child; stopped, it cannot finish before the signal.
      const child = await launchedCommand(launcher);
      expect(child).toBeDefined();
      process.kill(child!, 'SIGSTOP');
      launcher.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      process.kill(child!, 'SIGCONT');
      expect(await exited).toBe('SIGTERM');
      // The command got the signal too: it is gone and wrote nothing.
      expect(() => process.kill(child!, 0)).toThrow();
      expect(existsSync(path.join(root, 'dist'))).toBe(false);
    } finally {
      await cleanup();
    }
  }, 120_000);
});
