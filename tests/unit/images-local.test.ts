import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { article, issue, makeRoot, PUBLICATION } from '../helpers/root.js';

// Local images are read for their size; a missing one is an error at its line; a raw <img>
// without alt is reported, not given alt=""; relative images follow the article's own url.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// article() puts the body after 6 front-matter lines (7 with an extra field): see each test.
async function build(articles: Record<string, string>, files: Record<string, Buffer> = {}) {
  const root = await makeRoot({
    articles,
    issues: Object.fromEntries(
      Object.keys(articles).map((slug, i) => [
        `i-${slug}`,
        issue([slug], { layout: 'feature', date: `2025-11-2${i}` }, 'Hi.'),
      ]),
    ),
  });
  cleanups.push(root.cleanup);
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root.root, rel)), { recursive: true });
    await writeFile(path.join(root.root, rel), data);
  }
  return buildIssue({ root: root.root, rules: 'all' });
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();

describe('local images', () => {
  it('reads the pixel size of a local image; no-width only for an image Gazette cannot see', async () => {
    const r = await build(
      {
        post: article(
          {},
          ['![A map of the campus](assets/map.png)', '', '![A remote chart](https://cdn.example.net/chart.png)'].join(
            '\n',
          ),
        ),
      },
      { 'content/assets/map.png': await png(300, 150) },
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const html = r.issues[0]!.html;
    const map = /<img[^>]*alt="A map of the campus"[^>]*>/.exec(html)![0];
    expect(map).toMatch(/width="300"/);
    expect(map).toMatch(/height="150"/);
    expect(map).toMatch(/src="https:\/\/news\.example\.org\/assets\/email\/map-[0-9a-f]{12}\.png"/);
    expect(r.diagnostics.filter((d) => d.code === 'image/no-width').map((d) => [d.message, d.line])).toEqual([
      ['image https://cdn.example.net/chart.png has no width attribute', 9],
    ]);
  });

  it('reports a missing local image at its file and line: Markdown, raw HTML and front-matter', async () => {
    const r = await build({
      body: article(
        {},
        [
          'Some text.',
          '',
          'More text with ![a chart](assets/missing.jpg) inline.',
          '',
          '<img src="/assets/gone.png" alt="Gone">',
        ].join('\n'),
      ),
      front: article({ image: '{src: assets/hero.jpg, alt: A hero}' }),
    });
    expect(r.ok).toBe(false);
    const missing = r.diagnostics
      .filter((d) => d.code === 'image/missing-file')
      .map((d) => [d.severity, d.file, d.line, d.field, d.message]);
    expect(missing).toEqual(
      expect.arrayContaining([
        [
          'error',
          'content/articles/body.md',
          9,
          undefined,
          'image assets/missing.jpg names content/assets/missing.jpg, which does not exist',
        ],
        [
          'error',
          'content/articles/body.md',
          11,
          undefined,
          'image /assets/gone.png names content/assets/gone.png, which does not exist',
        ],
        [
          'error',
          'content/articles/front.md',
          6,
          'image.src',
          'image assets/hero.jpg names content/assets/hero.jpg, which does not exist',
        ],
      ]),
    );
    expect(missing).toHaveLength(3);
  });

  it("reports a missing logo at publication.yml's logo line", async () => {
    const root = await makeRoot({
      publication: PUBLICATION.replace('src: assets/logo.png', 'src: assets/no-logo.png'),
      articles: { a: article() },
      issues: { i: issue(['a']) },
    });
    cleanups.push(root.cleanup);
    const r = await buildIssue({ root: root.root });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.filter((d) => d.code === 'image/missing-file')).toMatchObject([
      { severity: 'error', file: 'content/publication.yml', line: 3, field: 'logo.src' },
    ]);
  });

  it('reports a raw <img> without alt as image/missing-alt at its line, and keeps alt="" as decorative', async () => {
    const r = await build({
      post: article(
        {},
        [
          'Intro.',
          '',
          '<img src="https://cdn.example.net/a.png" width="100">',
          '',
          '<p>Inline <img src="https://cdn.example.net/b.png" width="20"> and <img src="https://cdn.example.net/c.png" alt="" width="20"></p>',
        ].join('\n'),
      ),
    });
    const html = r.issues[0]!.html;
    expect(html).toMatch(/<img src="https:\/\/cdn\.example\.net\/a\.png" width="100"[^>]*>/);
    expect(/<img[^>]*a\.png[^>]*>/.exec(html)![0]).not.toContain('alt=');
    expect(
      r.diagnostics
        .filter((d) => d.code === 'image/missing-alt')
        .map((d) => [d.file, d.line, d.message.split(' has')[0]]),
    ).toEqual([
      ['content/articles/post.md', 9, 'image https://cdn.example.net/a.png'],
      ['content/articles/post.md', 11, 'image https://cdn.example.net/b.png'],
    ]);
  });

  it("resolves relative images against the article's own url; assets/ stays the publication's", async () => {
    const r = await build(
      {
        go: article(
          { url: 'https://go.dev/blog/go1.26' },
          ['![Gopher](go1.26/gopher.png)', '', '![Root](/images/root.png)', '', '![Map](assets/map.png)'].join('\n'),
        ),
        plain: article({}, '![Gopher](go1.26/gopher.png)'),
      },
      { 'content/assets/map.png': await png(40, 20) },
    );
    const go = r.issues.find((i) => i.issue.slug === 'i-go')!.html;
    expect(go).toContain('src="https://go.dev/blog/go1.26/gopher.png"');
    expect(go).toContain('src="https://go.dev/images/root.png"');
    expect(go).toMatch(/src="https:\/\/news\.example\.org\/assets\/email\/map-[0-9a-f]{12}\.png"/);
    const plain = r.issues.find((i) => i.issue.slug === 'i-plain')!.html;
    expect(plain).toContain('src="https://news.example.org/go1.26/gopher.png"');
  });
});
