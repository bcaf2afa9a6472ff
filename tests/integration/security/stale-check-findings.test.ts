import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../../src/cache/build-cache.js';
import { PersistentCache } from '../../../src/cache/persistent.js';
import { buildIssue } from '../../../src/pipeline/build.js';
import { useSample } from '../../helpers/sample.js';

// Attack on the cached check findings: an input the issue's cache key does not cover but that
// the rendered email depends on (a local image, checked by replay) must not bring back the
// findings of the render before it changed.

const FEATURE = 'kazakhstan-abraham-accords'; // one article, one local image
const ARTICLE = 'content/articles/kazakhstan-joins-abraham-accords.md';
const IMAGE = 'content/assets/chart.png';
const sample = useSample();

async function findings(root: string, cached: boolean): Promise<string[]> {
  const cache = new BuildCache();
  if (cached) cache.persistent = new PersistentCache(path.join(root, '.gazette', 'cache'));
  const r = await buildIssue({ root, issue: FEATURE, cache, rules: 'all' });
  return r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file}:${d.line} ${d.message}`).sort();
}

describe('cached check findings', () => {
  it('follow a local image that is broken, then fixed', async () => {
    const root = await sample();
    // An image in the Markdown: the build gives its <img> the file's width and height.
    await copyFile(path.join(root, 'content/assets/winter-arts-festival.png'), path.join(root, IMAGE));
    await appendFile(path.join(root, ARTICLE), '\n![A chart of the accords](assets/chart.png)\n');
    const png = await readFile(path.join(root, IMAGE));
    const good = await findings(root, false);
    expect(await findings(root, true)).toEqual(good);
    // Not an image: its <img> keeps no width nor email copy, and the rules see another email.
    await writeFile(path.join(root, IMAGE), 'not a PNG');
    const broken = await findings(root, false);
    expect(broken).not.toEqual(good);
    expect(await findings(root, true)).toEqual(broken);
    await writeFile(path.join(root, IMAGE), png);
    expect(await findings(root, true)).toEqual(good);
  });
});
