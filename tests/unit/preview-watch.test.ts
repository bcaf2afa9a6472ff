import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchRoot, type RootWatcher } from '../../src/preview/watch.js';

let dir: string | undefined;
let watcher: RootWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  watcher = dir = undefined;
});

async function setup(): Promise<{ root: string; calls: string[][]; next: (seen: number) => Promise<string[]> }> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-watch-'));
  await mkdir(path.join(dir, 'content', 'issues'), { recursive: true });
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  await writeFile(path.join(dir, 'content', 'issues', 'a.md'), 'one');
  const calls: string[][] = [];
  let wake: (() => void) | undefined;
  watcher = watchRoot(
    dir,
    (files) => {
      calls.push(files);
      wake?.();
    },
    5,
  );
  await watcher.ready;
  // `seen`: the number of reports before the change (taken before writing: a report can come first).
  const next = async (seen: number) => {
    const deadline = Date.now() + 10_000;
    while (calls.length === seen && Date.now() < deadline)
      await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
    if (calls.length === seen) throw new Error('no change reported within 10 s');
    return calls[calls.length - 1]!;
  };
  return { root: dir, calls, next };
}

describe('watchRoot', () => {
  it('reports root-relative paths under content/ and ignores dist/ and editor droppings', async () => {
    const { root, calls, next } = await setup();
    const seen = calls.length;
    await writeFile(path.join(root, 'dist', 'x.html'), 'x');
    await writeFile(path.join(root, 'content', 'issues', '.a.md.swp'), 'x');
    await writeFile(path.join(root, 'content', 'issues', 'a.md'), 'two');
    expect(await next(seen)).toEqual(['content/issues/a.md']);
    expect(calls.flat()).not.toContain('dist/x.html');
  });

  it('sees a second write made right after the first was reported (chokidar throttles it away)', async () => {
    const { root, calls, next } = await setup();
    const file = path.join(root, 'content', 'issues', 'a.md');
    await writeFile(file, 'two');
    await next(0);
    // Within chokidar's 50 ms change throttle: the last half of a save must not be lost.
    const seen = calls.length;
    await writeFile(file, 'six');
    expect(await next(seen)).toEqual(['content/issues/a.md']);
  });

  it('picks up a templates/ folder created after the start', async () => {
    const { root, calls, next } = await setup();
    let seen = calls.length;
    await mkdir(path.join(root, 'templates', 'partials'), { recursive: true });
    await writeFile(path.join(root, 'templates', 'partials', 'footer.mjml.hbs'), 'x');
    const files = new Set<string>();
    for (let i = 0; i < 3 && !files.has('templates/partials/footer.mjml.hbs'); i++)
      for (const f of await next(seen++)) files.add(f);
    expect(files).toContain('templates/partials/footer.mjml.hbs');
  });
});
