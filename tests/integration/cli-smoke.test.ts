import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gazette, makeRoot, REPO } from '../helpers/send.js';

// The real binary, for what only a real process shows: exit codes, and stdout reaching a slow
// pipe in full before the process exits.

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
});
afterAll(async () => cleanup());

describe('bin/gazette.js', () => {
  it('writes more than 64 KiB to a pipe that is read late, in full, before exiting', async () => {
    const child = spawn(
      process.execPath,
      [path.join(REPO, 'bin/gazette.js'), 'check', '--root', root, '--format', 'json', '--verbose'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    // Nobody reads for a second: the pipe (64 KiB) fills and the writes queue up in the child.
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1000));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    const out = Buffer.concat(chunks).toString('utf8');
    expect(out.length).toBeGreaterThan(64 * 1024);
    expect(() => JSON.parse(out)).not.toThrow();
    expect(code).toBe(0);
  });

  it('finishes its work quietly when the reader of its output is gone (`gazette build | head -1`)', async () => {
    const out = path.join(root, 'dist-epipe');
    const child = spawn(process.execPath, [path.join(REPO, 'bin/gazette.js'), 'build', '--root', root, '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader leaves before the first line: every write to stdout fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(code).toBe(0);
    // The build still wrote its output.
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
  });

  it('exits 1 for an unknown command and 0 for --version', async () => {
    const unknown = await gazette(['sned']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown command');
    const version = await gazette(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
