import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../src/cache/build-cache.js';
import { PersistentCache } from '../../src/cache/persistent.js';
import { siteFiles } from '../../src/output/site.js';
import { writeBuild } from '../../src/output/write.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { REPO } from '../helpers/root.js';
import { useSample } from '../helpers/sample.js';
import { fileTree } from '../helpers/tree.js';
import { gz } from '../helpers/run.js';

// The build cache under .gazette/cache/: never stale (every kind of input edited), skips MJML
// for unchanged issues, survives corrupt entries, and writes the same bytes as --no-cache.

const FEATURE = 'kazakhstan-abraham-accords'; // one article, one local image
const sample = useSample();

const cacheDir = (root: string) => path.join(root, '.gazette', 'cache');

/** One build of the feature issue in a fresh process's worth of state: a new BuildCache. */
async function buildOne(root: string, o: { persistent?: boolean; stamp?: string } = {}) {
  const cache = new BuildCache();
  if (o.persistent !== false) cache.persistent = new PersistentCache(cacheDir(root), o.stamp);
  const r = await buildIssue({ root, issue: FEATURE, cache });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const one = r.issues[0]!;
  const output = {
    html: one.html,
    text: one.text,
    web: one.webHtml,
    images: (one.images ?? []).map((i) => [i.path, i.contents.toString('base64')]),
    diagnostics: r.diagnostics,
  };
  return { output, stats: cache.stats };
}

const builtin = (name: string) => readFile(path.join(REPO, 'templates', name), 'utf8');
async function override(root: string, name: string, edit: (source: string) => string): Promise<void> {
  await mkdir(path.dirname(path.join(root, 'templates', name)), { recursive: true });
  await writeFile(path.join(root, 'templates', name), edit(await builtin(name)));
}
async function editFile(root: string, rel: string, edit: (source: string) => string): Promise<void> {
  const file = path.join(root, rel);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

const EDITS: [string, (root: string) => Promise<void>][] = [
  [
    'article',
    (r) => editFile(r, 'content/articles/kazakhstan-joins-abraham-accords.md', (s) => `${s}\nOne more line.\n`),
  ],
  [
    'issue',
    (r) => editFile(r, `content/issues/${FEATURE}.md`, (s) => s.replace(/^title: .*$/m, 'title: "New subject"')),
  ],
  ['publication.yml', (r) => editFile(r, 'content/publication.yml', (s) => s.replace(/^name: .*$/m, 'name: Renamed'))],
  [
    'template',
    (r) =>
      override(r, 'layouts/feature.mjml.hbs', (s) =>
        s.replace(/(<mj-body[^>]*>)/, '$1<mj-raw><!-- layout edited --></mj-raw>'),
      ),
  ],
  ['partial', (r) => override(r, 'partials/footer.mjml.hbs', (s) => `${s}\n<mj-raw><!-- footer edited --></mj-raw>\n`)],
  [
    'theme',
    (r) => override(r, 'partials/dark-mode.mjml.hbs', (s) => `${s}\n<mj-raw><!-- dark mode edited --></mj-raw>\n`),
  ],
  [
    'image',
    (r) =>
      copyFile(
        path.join(r, 'content/assets/winter-arts-festival.png'),
        path.join(r, 'content/assets/kazakhstan-accords.png'),
      ),
  ],
];

describe('the persistent build cache', () => {
  it('skips MJML for an unchanged issue in a new process, with the same output as --no-cache', async () => {
    const root = await sample();
    const cold = await buildOne(root);
    expect(cold.stats).toMatchObject({ mjmlCompiles: 1, persistentMisses: 1, persistentHits: 0 });
    const warm = await buildOne(root);
    expect(warm.stats).toMatchObject({ mjmlCompiles: 0, imageEncodes: 0, persistentHits: 1, persistentMisses: 0 });
    expect(warm.output).toEqual((await buildOne(root, { persistent: false })).output);
  });

  it("re-renders an edited article's issue in a new process without measuring or encoding its unchanged images", async () => {
    const root = await sample();
    const cold = await buildOne(root);
    expect(cold.stats.imageEncodes).toBeGreaterThan(0);
    await editFile(root, 'content/articles/kazakhstan-joins-abraham-accords.md', (s) => `${s}\nOne more line.\n`);
    const edited = await buildOne(root);
    expect(edited.stats).toMatchObject({ mjmlCompiles: 1, persistentMisses: 1, imageEncodes: 0 });
    expect(edited.output.images).toEqual(cold.output.images);
    expect(edited.output).toEqual((await buildOne(root, { persistent: false })).output);
  });

  it.each(EDITS)('never serves a stale issue: editing the %s renders it again', async (_kind, edit) => {
    const root = await sample();
    const before = await buildOne(root);
    await edit(root);
    const after = await buildOne(root);
    expect(after.stats.persistentMisses).toBe(1);
    expect(after.output).not.toEqual(before.output);
    expect(after.output).toEqual((await buildOne(root, { persistent: false })).output);
    const again = await buildOne(root);
    expect(again.stats).toMatchObject({ persistentHits: 1, mjmlCompiles: 0 });
    expect(again.output).toEqual(after.output);
  });

  it('renders again under another version of Gazette or its libraries (the tool stamp)', async () => {
    const root = await sample();
    await buildOne(root, { stamp: 'gazette@1.0.0' });
    expect((await buildOne(root, { stamp: 'gazette@1.0.0' })).stats.mjmlCompiles).toBe(0);
    const other = await buildOne(root, { stamp: 'gazette@1.0.1' });
    expect(other.stats).toMatchObject({ mjmlCompiles: 1, persistentMisses: 1 });
    expect(new PersistentCache(cacheDir(root)).stamp).toMatch(
      /^gazette-cache-3 node@v\d+.* gazette@0\.1\.0 .*mjml@5\./,
    );
  });

  /** An entry with its hash line made to match its (edited) body. */
  const rehashed = (entry: string) => {
    const body = entry.slice(entry.indexOf('\n') + 1);
    return `${entry.split(' ')[0]} ${createHash('sha256').update(body).digest('hex')}\n${body}`;
  };

  it('ignores corrupt, truncated and half-written entries and rewrites them', async () => {
    const root = await sample();
    const good = await buildOne(root);
    // The render's entry (the others hold the images' facts and copies, src/images/stored.ts).
    const entries = (readdirSync(cacheDir(root), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(cacheDir(root), f))
      .filter((f) => readFileSync(f, 'utf8').includes('"rendered"'));
    expect(entries).toHaveLength(1);
    const whole = readFileSync(entries[0]!, 'utf8');
    for (const broken of [
      whole.slice(0, whole.length / 2),
      whole.replace('"html":"', '"html":"X'),
      // The raw texts after the JSON: one byte of the HTML changed, and texts longer than the file
      // (under a hash that matches, as a careless tool would rewrite it).
      whole.replace('<body', '<bodx'),
      rehashed(whole.replace(/"texts":\[(\d+),/, (_m, n) => `"texts":[${Number(n) + 100000},`)),
      '',
      '{}',
      'garbage\n{}',
    ]) {
      await writeFile(entries[0]!, broken);
      await writeFile(`${entries[0]}.123.abc.tmp`, whole.slice(0, 100)); // a crashed writer's leftover
      const r = await buildOne(root);
      expect(r.stats).toMatchObject({ persistentHits: 0, mjmlCompiles: 1 });
      expect(r.output).toEqual(good.output);
      expect(readFileSync(entries[0]!, 'utf8')).toBe(whole);
    }
  });

  it('ignores an image copy whose stored bytes no longer match their hash', async () => {
    const root = await sample();
    const good = await buildOne(root);
    const blobs = (readdirSync(path.join(cacheDir(root), 'blobs'), { recursive: true }) as string[])
      .map((f) => path.join(cacheDir(root), 'blobs', f))
      .filter((f) => f.split(path.sep).pop()!.length === 64);
    expect(blobs.length).toBeGreaterThan(0);
    for (const b of blobs) await writeFile(b, 'not the image');
    const r = await buildOne(root);
    expect(r.stats).toMatchObject({ persistentHits: 0, mjmlCompiles: 1 });
    expect(r.output).toEqual(good.output);
    expect((await buildOne(root)).stats).toMatchObject({ persistentHits: 1 });
  });

  it('gazette build writes the same bytes from the cache as with --no-cache, and --no-cache leaves no cache', async () => {
    const root = await sample();
    expect((await gz(['build', '--root', root, '--quiet', '--no-cache', '--out', 'plain'])).code).toBe(0);
    expect(existsSync(cacheDir(root))).toBe(false);
    expect((await gz(['build', '--root', root, '--quiet', '--out', 'first'])).code).toBe(0);
    expect(existsSync(cacheDir(root))).toBe(true);
    expect((await gz(['build', '--root', root, '--quiet', '--out', 'cached'])).code).toBe(0);
    const plain = fileTree(path.join(root, 'plain'));
    expect(Object.keys(plain).length).toBeGreaterThan(10);
    expect(fileTree(path.join(root, 'first'))).toEqual(plain);
    expect(fileTree(path.join(root, 'cached'))).toEqual(plain);
  });

  it('serves the article pages of the site from the cache too', async () => {
    const root = await sample();
    const site = async () => {
      const cache = new BuildCache();
      cache.persistent = new PersistentCache(cacheDir(root));
      const r = await buildIssue({ root, cache });
      const files = await siteFiles(r.content!, r.issues, cache);
      await writeBuild(r, path.join(root, 'dist'), { siteFiles: files });
      return cache.stats;
    };
    await site();
    expect(await site()).toMatchObject({ mjmlCompiles: 0, persistentMisses: 0 });
  });

  it("keeps every rule's findings beside the render, apart for each subscriber sample", async () => {
    const root = await sample();
    const sampleCsv = { columns: ['email'], longest: { email: 'a@b.co' } };
    const checked = async (cached: boolean, check?: { subscribers: typeof sampleCsv }) => {
      const cache = new BuildCache();
      if (cached) cache.persistent = new PersistentCache(cacheDir(root));
      const r = await buildIssue({ root, issue: FEATURE, cache, rules: 'all', check });
      return r.diagnostics;
    };
    // The render's entry and its findings (a JSON array); the images' facts and copies aside.
    const entries = () =>
      (readdirSync(cacheDir(root), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.json'))
        .map((f) =>
          readFileSync(path.join(cacheDir(root), f), 'utf8')
            .split('\n')
            .slice(1)
            .join('\n'),
        )
        .filter((body) => body.startsWith('{"value":[') || body.includes('"rendered"'));
    const plain = await checked(false);
    const withSample = await checked(false, { subscribers: sampleCsv });
    // The sample changes the findings (a column the template does not use), so a shared entry would show.
    expect(withSample).not.toEqual(plain);
    expect(await checked(true)).toEqual(plain);
    expect(entries()).toHaveLength(2); // the render and its findings
    expect(await checked(true)).toEqual(plain);
    expect(await checked(true, { subscribers: sampleCsv })).toEqual(withSample);
    expect(entries()).toHaveLength(3);
    expect(await checked(true, { subscribers: sampleCsv })).toEqual(withSample);
    expect(await checked(true)).toEqual(plain);
  });

  it("renders the findings afresh when the issue's inputs change", async () => {
    const root = await sample();
    const build = async () => {
      const cache = new BuildCache();
      cache.persistent = new PersistentCache(cacheDir(root));
      return (await buildIssue({ root, issue: FEATURE, cache, rules: 'all' })).diagnostics.map((d) => d.code);
    };
    expect(await build()).not.toContain('link/insecure');
    await editFile(
      root,
      'content/articles/kazakhstan-joins-abraham-accords.md',
      (s) => `${s}\n[The register](http://www.legislation.gov.uk/ukpga).\n`,
    );
    expect(await build()).toContain('link/insecure');
  });
});
