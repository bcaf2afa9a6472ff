import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempRoot } from '../helpers/preview.js';
import { article, issue, makeRoot } from '../helpers/root.js';
import { gzLive } from '../helpers/run.js';

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

/**
 * Runs `gazette preview` in-process until it prints its URL, then until `until` matches (the
 * opener's warning) or `settleMs` passes, and stops it the way Ctrl+C does.
 */
async function preview(
  args: string[],
  env: NodeJS.ProcessEnv,
  until?: RegExp,
  settleMs = 0,
  at = root,
): Promise<string> {
  const live = gzLive(['preview', '--root', at, '--port', '0', ...args], { env });
  try {
    await live.waitFor(/Gazette preview: http/, 30_000);
    if (until) await live.waitFor(until, 10_000);
    else await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    const r = await live.stop();
    expect(r.code).toBe(0);
  }
  return live.output();
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
      const out = await preview([], {}, undefined, 0, sample.root);
      const grouped = out.match(/^\[[\d:]+\] {3}info: \d+ notes? \[[a-z0-9/-]+\]: .+$/gm) ?? [];
      expect(grouped.length).toBeGreaterThan(0);
      expect(grouped.length).toBeLessThan(6);
      expect(out).toContain('(--verbose lists each note with its file, line and hint)');
      expect(out).not.toMatch(/: info: /);
      const verbose = await preview(['--verbose'], {}, undefined, 0, sample.root);
      const each = verbose.match(/^\[[\d:]+\] {3}\S+:\d+:\d+: info: .+\]$/gm) ?? [];
      const total = grouped.reduce((n, l) => n + Number(/info: (\d+)/.exec(l)![1]), 0);
      expect(each).toHaveLength(total);
    } finally {
      await sample.cleanup();
    }
  });

  it('says so when --open cannot open a browser', async () => {
    const missing = await preview(['--open'], { BROWSER: path.join(root, 'no-such-opener') }, /could not open/);
    expect(missing).toMatch(
      /warning: --open could not open a browser \(no program ".*no-such-opener"\); open http:\/\/127\.0\.0\.1:\d+\/ yourself/,
    );
    const failing = await preview(['--open'], { BROWSER: 'false' }, /could not open/);
    expect(failing).toMatch(/could not open a browser \("false" exited with 1\)/);
    // Nothing to wait for when the opener works: long enough for `true` to have exited.
    const ok = await preview(['--open'], { BROWSER: 'true' }, undefined, 1000);
    expect(ok).not.toContain('could not open');
  });
});
