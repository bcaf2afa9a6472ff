import { afterEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/load/index.js';
import type { Diagnostic } from '../../src/types.js';
import { issue, makeRoot } from '../helpers/root.js';

// Front-matter as other generators write it (Jekyll, Hugo YAML and TOML, Eleventy, the Go blog).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function load(articles: Record<string, string>, slugs = Object.keys(articles)) {
  const r = await makeRoot({ articles, issues: { first: issue(slugs) } });
  cleanups.push(r.cleanup);
  return loadContent(r.root);
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');

describe('front-matter dialects', () => {
  it('reads Jekyll date-times, unpadded dates and TOML offset dates as the date written', async () => {
    const r = await load({
      jekyll: '---\ntitle: J\ndate: 2025-01-29 18:15:32 +0530\nauthor: ashmaroli\n---\nx\n',
      unpadded: '---\ntitle: U\ndate: 2024-4-09\nauthor: A\n---\nx\n',
      iso: '---\ntitle: I\ndate: 2024-12-31T23:30:00-08:00\nauthor: A\n---\nx\n',
      hugo: "+++\ntitle = 'H'\ndate = 2024-01-14T00:30:00+05:00\nauthor = 'A'\n+++\nx\n",
    });
    expect(errors(r.diagnostics)).toEqual([]);
    const dates = Object.fromEntries([...r.content!.articles.values()].map((a) => [a.slug, a.date]));
    // Never shifted to UTC: 00:30 at +05:00 is still the 14th where it was written.
    expect(dates).toEqual({ jekyll: '2025-01-29', unpadded: '2024-04-09', iso: '2024-12-31', hugo: '2024-01-14' });
  });

  it('still refuses a date that is not one', async () => {
    const r = await load({ bad: '---\ntitle: B\ndate: 2024-02-30 10:00\nauthor: A\n---\nx\n' });
    expect(errors(r.diagnostics)[0]).toMatchObject({ field: 'date', line: 3, code: 'content/invalid-field' });
  });

  it('takes author as a string, by and authors as lists of names or objects', async () => {
    const r = await load({
      a: '---\ntitle: A\ndate: 2025-01-01\nauthor: ashmaroli\n---\nx\n',
      b: '---\ntitle: B\ndate: 2025-01-01\nby:\n- Eli, on behalf of the team\n- {name: Kim, role: Editor}\n---\nx\n',
      c: '---\ntitle: C\ndate: 2025-01-01\nauthors: [Ana, Ben]\n---\nx\n',
      d: '---\ntitle: D\ndate: 2025-01-01\nby: Solo Writer\n---\nx\n',
    });
    expect(errors(r.diagnostics)).toEqual([]);
    const authors = Object.fromEntries([...r.content!.articles.values()].map((a) => [a.slug, a.authors]));
    expect(authors).toEqual({
      a: [{ name: 'ashmaroli' }],
      b: [{ name: 'Eli, on behalf of the team' }, { name: 'Kim', role: 'Editor' }],
      c: [{ name: 'Ana' }, { name: 'Ben' }],
      d: [{ name: 'Solo Writer' }],
    });
  });

  it('refuses two author keys at once, at the second', async () => {
    const r = await load({ x: '---\ntitle: X\ndate: 2025-01-01\nauthor: A\nby: [B]\n---\nx\n' });
    expect(errors(r.diagnostics)[0]).toMatchObject({ field: 'by', line: 5 });
    expect(errors(r.diagnostics)[0]!.message).toContain('`author` and `by`');
  });

  it('uses summary or description as the excerpt, and reads draft, published and tags', async () => {
    const r = await load({
      s: '---\ntitle: S\ndate: 2025-01-01\nby: [A]\nsummary: The summary.\ndraft: true\ntags: [go, release]\n---\nx\n',
      d: '---\ntitle: D\ndate: 2025-01-01\nauthor: A\ndescription: The description.\ntags: jekyll release\n---\nx\n',
      e: '---\ntitle: E\ndate: 2025-01-01\nauthor: A\nexcerpt: Wins.\nsummary: Loses.\npublished: false\n---\nx\n',
    });
    expect(errors(r.diagnostics)).toEqual([]);
    const [s, d, e] = ['s', 'd', 'e'].map((k) => r.content!.articles.get(k)!);
    expect([s!.excerpt, d!.excerpt, e!.excerpt]).toEqual(['The summary.', 'The description.', 'Wins.']);
    expect([s!.draft, d!.draft, e!.draft]).toEqual([true, undefined, true]);
    expect([s!.tags, d!.tags]).toEqual([
      ['go', 'release'],
      ['jekyll', 'release'],
    ]);
  });

  it('refuses a draft that is not a boolean, with a hint', async () => {
    const r = await load({ x: '---\ntitle: X\ndate: 2025-01-01\nauthor: A\ndraft: maybe\n---\nx\n' });
    expect(errors(r.diagnostics)[0]).toMatchObject({ field: 'draft', line: 5 });
    expect(errors(r.diagnostics)[0]!.hint).toContain('draft: true');
  });

  it('keeps "did you mean" for typos of by, summary, description and tags', async () => {
    const r = await load({
      x: '---\ntitle: X\ndate: 2025-01-01\nauthor: A\nbuy: [B]\nsumary: S\ndescripton: D\ntagz: [t]\n---\nx\n',
    });
    const hints = Object.fromEntries(
      r.diagnostics.filter((d) => d.code === 'content/unknown-field').map((d) => [d.field, [d.line, d.hint]]),
    );
    expect(hints).toEqual({
      buy: [5, 'Did you mean `by`?'],
      sumary: [6, 'Did you mean `summary`?'],
      descripton: [7, 'Did you mean `description`?'],
      tagz: [8, 'Did you mean `tags`?'],
    });
  });

  it("notes other generators' keys without warning", async () => {
    const r = await load({
      x: '---\nlayout: post\ntitle: X\ndate: 2025-01-01\nauthor: A\npermalink: /x/\ncategories: [a]\n---\nx\n',
    });
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.field, d.line])).toEqual([
      ['content/generator-field', 'layout', 2],
      ['content/generator-field', 'permalink', 6],
      ['content/generator-field', 'categories', 7],
    ]);
  });

  it('reads Hugo TOML as data, with lines for its errors', async () => {
    const r = await load({
      ok: "+++\ntitle = 'T'\ndate = 2024-01-14\ntags = ['a']\n[author]\nname = 'Morag'\nrole = 'Volunteer'\n+++\n\nBody.\n",
      broken: "+++\ntitle = 'T'\ndate = \n+++\nx\n",
      wrong: "+++\ntitle = 'T'\ndate = 2024-01-14\nauthor = 'A'\ndraft = 'yes'\n+++\nx\n",
      open: "+++\ntitle = 'T'\n",
    });
    const byFile = Object.fromEntries(errors(r.diagnostics).map((d) => [d.file, [d.code, d.line, d.field]]));
    expect(byFile).toEqual({
      'content/articles/broken.md': ['content/toml-syntax', 3, undefined],
      'content/articles/wrong.md': ['content/invalid-field', 5, 'draft'],
      'content/articles/open.md': ['content/unclosed-front-matter', 1, undefined],
    });
    const good = await load({
      ok: "+++\ntitle = 'T'\ndate = 2024-01-14\ntags = ['a']\n[author]\nname = 'Morag'\nrole = 'Volunteer'\n+++\n\nBody.\n",
    });
    const a = good.content!.articles.get('ok')!;
    expect([a.authors, a.tags, a.body.trim(), a.bodyLine]).toEqual([
      [{ name: 'Morag', role: 'Volunteer' }],
      ['a'],
      'Body.',
      9,
    ]);
  });

  it('holds TOML front-matter to the YAML size budget, refused at the line the block starts', async () => {
    const big = 'x'.repeat(70 * 1024);
    const r = await load({
      huge: `+++\ntitle = 'T'\ndate = 2024-01-14\nauthor = 'A'\nsummary = """\n${big}\n"""\n+++\nBody.\n`,
      yamlHuge: `---\ntitle: T\ndate: 2024-01-14\nauthor: A\nsummary: ${big}\n---\nBody.\n`,
    });
    const found = errors(r.diagnostics).map((d) => [d.file, d.code, d.line, d.message.split(' block')[0]]);
    expect(found).toEqual([
      ['content/articles/huge.md', 'content/data-too-large', 2, 'TOML'],
      ['content/articles/yamlHuge.md', 'content/data-too-large', 1, 'YAML'],
    ]);
  });

  it('takes slugs from .md and .markdown file names, dots included', async () => {
    const r = await makeRoot({
      articles: {},
      issues: { first: issue(['go1.26', '2025-01-29-tool-4.4.1-released']) },
    });
    cleanups.push(r.cleanup);
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(`${r.root}/content/articles`, { recursive: true });
    const body = '---\ntitle: T\ndate: 2025-01-01\nauthor: A\n---\nx\n';
    await writeFile(`${r.root}/content/articles/go1.26.md`, body);
    await writeFile(`${r.root}/content/articles/2025-01-29-tool-4.4.1-released.markdown`, body);
    await writeFile(`${r.root}/content/articles/.hidden.md`, body);
    await writeFile(`${r.root}/content/articles/trailing..md`, body);
    const loaded = await loadContent(r.root);
    expect(errors(loaded.diagnostics).map((d) => [d.code, d.file])).toEqual([
      ['content/bad-slug', 'content/articles/trailing..md'],
    ]);
    const again = await makeRoot({ articles: {}, issues: { first: issue(['go1.26']) } });
    cleanups.push(again.cleanup);
    await mkdir(`${again.root}/content/articles`, { recursive: true });
    await writeFile(`${again.root}/content/articles/go1.26.md`, body);
    await writeFile(`${again.root}/content/articles/go1.26.markdown`, body);
    const dup = await loadContent(again.root);
    expect(errors(dup.diagnostics).map((d) => d.code)).toEqual(['content/duplicate-slug']);
  });
});
