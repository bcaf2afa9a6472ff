import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempRoot } from '../helpers/preview.js';
import { article, issue, makeRoot } from '../helpers/root.js';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({
    // `date` is not a date: one error, with a place.
    articles: { one: article({ date: 'soon' }) },
    issues: { first: issue(['one']) },
  }));
});
afterAll(async () => cleanup?.());

/** Starts `gazette preview` for real, waits for its URL (and a moment for the opener), stops it. */
async function preview(args: string[], env: NodeJS.ProcessEnv, settleMs = 0, at = root): Promise<string> {
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin/gazette.js'), 'preview', '--root', at, '--port', '0', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  child.stderr.on('data', (c: Buffer) => (out += c));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (/Gazette preview: http/.test(out)) clearInterval(poll), resolve();
      }, 50);
      child.on('close', () => (clearInterval(poll), reject(new Error(`preview exited: ${out}`))));
    });
    await new Promise((r) => setTimeout(r, settleMs));
    child.kill('SIGTERM');
    await exited;
    return out;
  } finally {
    clearTimeout(killer);
  }
}

describe('gazette preview in the terminal', () => {
  it('says where the errors are, not only how many', async () => {
    const out = await preview([], {});
    expect(out).toMatch(/\d+ errors? \(listed above and in the page\)/);
    expect(out).toMatch(/content\/articles\/one\.md:\d+:\d+: error: .*date/);
  });

  it('groups the information notes one line per code; --verbose logs each', async () => {
    const sample = await tempRoot('gazette-preview-notes-');
    try {
      const out = await preview([], {}, 0, sample.root);
      const grouped = out.match(/^\[[\d:]+\] {3}info: \d+ notes? \[[a-z0-9/-]+\]: .+$/gm) ?? [];
      expect(grouped.length).toBeGreaterThan(0);
      expect(grouped.length).toBeLessThan(6);
      expect(out).toContain('(--verbose lists each note with its file, line and hint)');
      expect(out).not.toMatch(/: info: /);
      const verbose = await preview(['--verbose'], {}, 0, sample.root);
      const each = verbose.match(/^\[[\d:]+\] {3}\S+:\d+:\d+: info: .+\]$/gm) ?? [];
      const total = grouped.reduce((n, l) => n + Number(/info: (\d+)/.exec(l)![1]), 0);
      expect(each).toHaveLength(total);
    } finally {
      await sample.cleanup();
    }
  });

  it('says so when --open cannot open a browser', async () => {
    const missing = await preview(['--open'], { BROWSER: path.join(root, 'no-such-opener') }, 1500);
    expect(missing).toMatch(
      /warning: --open could not open a browser \(no program ".*no-such-opener"\); open http:\/\/127\.0\.0\.1:\d+\/ yourself/,
    );
    const failing = await preview(['--open'], { BROWSER: 'false' }, 1500);
    expect(failing).toMatch(/could not open a browser \("false" exited with 1\)/);
    const ok = await preview(['--open'], { BROWSER: 'true' }, 1500);
    expect(ok).not.toContain('could not open');
  });
});
