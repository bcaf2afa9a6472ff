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

async function setup(): Promise<{ root: string; calls: string[][]; next: () => Promise<string[]> }> {
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
  const next = async () => {
    const seen = calls.length;
    const deadline = Date.now() + 3000;
    while (calls.length === seen && Date.now() < deadline)
      await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
    if (calls.length === seen) throw new Error('no change reported within 3 s');
    return calls[calls.length - 1]!;
  };
  return { root: dir, calls, next };
}

describe('watchRoot', () => {
  it('reports root-relative paths under content/ and ignores dist/ and editor droppings', async () => {
    const { root, calls, next } = await setup();
    await writeFile(path.join(root, 'dist', 'x.html'), 'x');
    await writeFile(path.join(root, 'content', 'issues', '.a.md.swp'), 'x');
    await writeFile(path.join(root, 'content', 'issues', 'a.md'), 'two');
    expect(await next()).toEqual(['content/issues/a.md']);
    expect(calls.flat()).not.toContain('dist/x.html');
  });

  it('sees a second write made right after the first was reported (chokidar throttles it away)', async () => {
    const { root, next } = await setup();
    const file = path.join(root, 'content', 'issues', 'a.md');
    await writeFile(file, 'two');
    await next();
    // Within chokidar's 50 ms change throttle: the last half of a save must not be lost.
    await writeFile(file, 'six');
    expect(await next()).toEqual(['content/issues/a.md']);
  });

  it('picks up a templates/ folder created after the start', async () => {
    const { root, next } = await setup();
    await mkdir(path.join(root, 'templates', 'partials'), { recursive: true });
    await writeFile(path.join(root, 'templates', 'partials', 'footer.mjml.hbs'), 'x');
    const seen = new Set<string>();
    for (let i = 0; i < 3 && !seen.has('templates/partials/footer.mjml.hbs'); i++)
      for (const f of await next()) seen.add(f);
    expect(seen).toContain('templates/partials/footer.mjml.hbs');
  });
});
