// The benchmark compares Gazette with bare-library peers; these tests keep the comparison honest
// (the peers produce the same email and really deliver) without measuring any time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
// @ts-expect-error plain ESM benchmark helpers without type declarations
import { ISSUE_SLUG, makeRoot, removeRoot } from '../bench/fixtures.mjs';
// @ts-expect-error plain ESM benchmark helpers without type declarations
import { peerBuild } from '../bench/peer-render.mjs';
import { REPO } from '../helpers/root.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => removeRoot(r)));

/** Visible text of an email, whitespace collapsed: what a reader sees, not how it is laid out. */
function visibleText(html: string): string {
  return html
    .replace(/<(style|head)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('benchmark peers', () => {
  it('renders the same digest as Gazette from the same files', async () => {
    const root = makeRoot(3);
    roots.push(root);
    const built = await buildIssue({ root, issue: ISSUE_SLUG });
    expect(built.ok).toBe(true);
    const gazette = built.issues[0]!.html;
    const peer: string = await peerBuild(root, ISSUE_SLUG);
    for (const n of [1, 2, 3]) expect(peer).toContain(`: part ${n}`);
    // Same theme, same content: the only differences are typography (smart quotes), the
    // merge tags Gazette keeps for send time, and whitespace.
    const norm = (s: string) =>
      visibleText(s)
        .replace(/[’']|&#39;/g, "'")
        .replace(/\{\{subscriber\.name[^}]*\}\}/g, 'reader');
    expect(norm(peer)).toBe(norm(gazette));
    expect(Math.abs(peer.length - gazette.length) / gazette.length).toBeLessThan(0.02);
  });

  it('the hand-written MJML peer carries every article', async () => {
    const root = makeRoot(2);
    roots.push(root);
    const html: string = await peerBuild(root, ISSUE_SLUG, 'byHand');
    expect(html).toContain(': part 1');
    expect(html).toContain(': part 2');
    expect(html).toContain('Read more');
  });

  it('the sink counts what the nodemailer peer delivers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gazette-bench-test-'));
    writeFileSync(path.join(dir, 'e.html'), '<p>Hello</p>');
    writeFileSync(path.join(dir, 'e.txt'), 'Hello');
    const sink = spawn(process.execPath, ['tests/bench/sink.mjs', '--max-seconds', '60'], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: sink.stdout! });
      const next = () =>
        new Promise<Record<string, number>>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
      const { port } = await next();
      const peer = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            'tests/bench/peer-send.mjs',
            '--port',
            String(port),
            '--count',
            '25',
            '--html',
            path.join(dir, 'e.html'),
            '--text',
            path.join(dir, 'e.txt'),
          ],
          { cwd: REPO },
        );
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        child.on('close', (code) => resolve({ code, out }));
      });
      expect(peer.code).toBe(0);
      expect(JSON.parse(peer.out)).toMatchObject({ sent: 25, failed: 0 });
      const answer = next();
      sink.stdin!.write('count\n');
      expect((await answer).count).toBe(25);
    } finally {
      sink.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
