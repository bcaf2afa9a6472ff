import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenEvents, REPO, type SseEvent } from '../helpers/preview.js';
import { article, issue, makeRoot } from '../helpers/root.js';

const run = promisify(execFile);
const SLUG = 'first';

let root: string;
let cleanup: () => Promise<void>;
let child: ChildProcess;
let url: string;
let sse: Awaited<ReturnType<typeof listenEvents>>;
let file: string;

const source = (marker: string) => issue(['one'], {}, `Intro ${marker} here.`);

beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({ articles: { one: article() }, issues: { [SLUG]: source('m0') } }));
  file = path.join(root, 'content', 'issues', `${SLUG}.md`);
  // A real preview process, as an editor runs it.
  child = spawn(process.execPath, [path.join(REPO, 'bin/gazette.js'), 'preview', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`preview did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = /Gazette preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) clearTimeout(timer), resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`preview exited with ${code}: ${out}`)));
  });
  sse = await listenEvents(url);
});

afterAll(async () => {
  sse?.close();
  child?.kill('SIGKILL');
  await cleanup?.();
});

const reloads = (events: SseEvent[]) =>
  events.filter(
    (e) => e.event === 'build' && (e.data as { changed: Record<string, string> }).changed[SLUG] === 'frames',
  ).length;

/** Waits until the preview's own rendering (not a fresh build) shows `marker`, after a reload event. */
async function expectReload(marker: string, before: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(new URL(`/issues/${SLUG}/frame?part=text`, url))).text();
    if (text.includes(marker) && reloads(sse.events) > before) return;
    if (Date.now() > deadline)
      throw new Error(`no reload showing ${marker} within 10 s; frame says: ${text.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function save(marker: string, how: (text: string) => Promise<void>): Promise<void> {
  const before = reloads(sse.events);
  await how(source(marker));
  await expectReload(marker, before);
}

const inPlace = (text: string) => writeFile(file, text);

describe('preview live reload (chokidar watcher, real process)', () => {
  it('reloads on an in-place write', async () => {
    await save('m1', inPlace);
    await save('m2', inPlace);
  });

  it('reloads on write-to-temp-then-rename (atomic save), and on a later save', async () => {
    await save('m3', async (text) => {
      const tmp = path.join(path.dirname(file), `.${SLUG}.md.tmp-${process.pid}`);
      await writeFile(tmp, text);
      await rename(tmp, file);
    });
    await save('m4', inPlace);
  });

  it('reloads after `sed -i`, and on a later save', async () => {
    await save('m5', async () => {
      expect(await readFile(file, 'utf8')).toContain('m4');
      await run('sed', ['-i', 's/Intro m4 here/Intro m5 here/', file]);
    });
    await save('m6', inPlace);
  });

  it('reloads after `git checkout` of a changed file, and on a later save', async () => {
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], {
        cwd: root,
      });
    await git('init', '-q');
    await save('m7', inPlace);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'm7');
    await save('m8', inPlace);
    // git replaces the file (unlink + create): a new inode under the same name.
    await save('m7', async () => void (await git('checkout', '--', `content/issues/${SLUG}.md`)));
    await save('m9', inPlace);
  });
});
