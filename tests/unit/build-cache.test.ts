import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../src/cache/build-cache.js';
import { readImage } from '../../src/images/facts.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { REPO } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';

const ARTICLE = 'content/articles/finals-week-slow-down.md';
const ONLY_DIGEST = 'weekly-digest-2025-11-21'; // the one issue carrying ARTICLE
const sample = useSample();

describe('BuildCache', () => {
  it('serves unchanged inputs from a reused cache and recomputes what a save changed', async () => {
    const root = await sample();
    const cache = new BuildCache();
    const first = await buildIssue({ root, cache });
    expect(first.ok).toBe(true);
    expect(cache.stats.mjmlCompiles).toBe(2);

    const again = await buildIssue({ root, cache });
    expect(cache.stats.mjmlCompiles).toBe(2); // nothing changed: no MJML compiled
    for (const [slug, a] of first.content!.articles) expect(again.content!.articles.get(slug)).toBe(a);
    expect(again.issues.map((r) => r.html)).toEqual(first.issues.map((r) => r.html));

    const file = path.join(root, ARTICLE);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: "Slow down, it is finals"'));
    const edited = await buildIssue({ root, cache });
    expect(cache.stats.mjmlCompiles).toBe(3); // only the digest carries the article
    const digest = edited.issues.find((r) => r.issue.slug === ONLY_DIGEST)!;
    expect(digest.html).toContain('Slow down, it is finals');
    expect(edited.content!.articles.get('finals-week-slow-down')).not.toBe(
      first.content!.articles.get('finals-week-slow-down'),
    );
    expect(edited.content!.articles.get('arabic-poetry-evening')).toBe(
      first.content!.articles.get('arabic-poetry-evening'),
    );
  });

  it('recomputes a file whose bytes changed even when its size and mtime did not', async () => {
    const root = await sample();
    const cache = new BuildCache();
    const file = path.join(root, ARTICLE);
    const text = await readFile(file, 'utf8');
    const { mtime } = await import('node:fs').then((fs) => fs.statSync(file));
    await buildIssue({ root, cache });
    // Same length, same mtime (as a restore or a coarse clock would leave it): only the bytes differ.
    await writeFile(file, text.replace('Finals', 'FINALS'));
    await import('node:fs').then((fs) => fs.utimesSync(file, mtime, mtime));
    const r = await buildIssue({ root, cache });
    expect(r.content!.articles.get('finals-week-slow-down')!.title).toContain('FINALS');
  });

  it('reads and hashes an image once per build however many issues show it, and again in the next build', async () => {
    const root = await sample();
    const cache = new BuildCache();
    const file = path.join(root, 'content/assets/kazakhstan-accords.png');
    const other = await readFile(path.join(root, 'content/assets/winter-arts-festival.png'));
    cache.beginBuild();
    const first = await readImage(file, cache);
    await writeFile(file, other);
    expect(await readImage(file, cache)).toBe(first); // same build: not read again
    cache.beginBuild();
    const next = await readImage(file, cache);
    expect(next).not.toBe(first);
    expect(next.data.equals(other)).toBe(true);
  });

  it('two caches share nothing', async () => {
    const root = await sample();
    const a = new BuildCache();
    const b = new BuildCache();
    const first = await buildIssue({ root, cache: a });
    const second = await buildIssue({ root, cache: b });
    expect(a.stats.mjmlCompiles).toBe(2);
    expect(b.stats.mjmlCompiles).toBe(2); // b compiled everything itself
    const slug = 'arabic-poetry-evening';
    expect(second.content!.articles.get(slug)).not.toBe(first.content!.articles.get(slug));
    expect(second.content!.articles.get(slug)).toEqual(first.content!.articles.get(slug));
    // A build without a cache starts from nothing, like one with a fresh cache.
    const third = await buildIssue({ root });
    expect(third.content!.articles.get(slug)).not.toBe(first.content!.articles.get(slug));
  });

  it('no module in src/ keeps build state of its own (a Map, WeakMap or Set at module level)', () => {
    // Tables of values that depend on their key alone and never go stale are not build state.
    const PURE = new Set(['util/dates.ts:dateFormats', 'compose/index.ts:listFormats', 'util/token.ts:keyCache']);
    const src = path.join(REPO, 'src');
    const found: string[] = [];
    for (const rel of readdirSync(src, { recursive: true }) as string[]) {
      if (!rel.endsWith('.ts')) continue;
      const text = readFileSync(path.join(src, rel), 'utf8');
      // Empty collections created at module level (`new Set([...literal])` is constant data).
      for (const m of text.matchAll(
        /^(?:export\s+)?(?:const|let|var)\s+(\w+)[^=\n]*=\s*new\s+(?:Weak)?(?:Map|Set)\b[^;]*?\(\s*\)/gm,
      )) {
        const name = `${rel.split(path.sep).join('/')}:${m[1]}`;
        if (!PURE.has(name)) found.push(name);
      }
    }
    expect(found).toEqual([]);
  });
});
