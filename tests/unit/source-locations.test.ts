import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import type { Diagnostic } from '../../src/types.js';
import { article, issue, makeRoot, REPO } from '../helpers/root.js';

// Findings about what an article body wrote carry the line markdown-it read it from (token.map,
// src/compose/lines.ts), not the first place a text search finds the same text.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

// Both articles hold the same link, image and headings; the second has them further down, and
// its link sits on the second line of a paragraph.
const SAME = [
  '# A heading',
  '',
  '#### Skipped levels',
  '',
  'See [the draft](http://localhost:3000/draft) now.',
  '',
  '<img src="https://cdn.example.net/same.png" width="200">',
].join('\n');
// article() puts the body after 6 front-matter lines: body line n is file line n + 6.
const at = (n: number) => n + 6;

/** The feature layout, every article in full: one email holding both articles' bodies. */
async function allInFull(): Promise<string> {
  const feature = await readFile(path.join(REPO, 'templates/layouts/feature.mjml.hbs'), 'utf8');
  return feature.replace('{{#with feature}}', '{{#each articles}}').replace('{{/with}}', '{{/each}}');
}

async function build() {
  const root = await makeRoot({
    articles: {
      first: article({ title: 'First' }, SAME),
      second: article(
        { title: 'Second' },
        [
          'Other words first.',
          '',
          'And more.',
          '',
          SAME.replace('See [the draft]', 'One line,\nthen [the draft]'),
        ].join('\n'),
      ),
    },
    issues: {
      // The intro holds the same link on its line 3 (file line 12: 9 front-matter lines before it).
      both: issue(['first', 'second'], { layout: 'all' }, 'Hi.\n\nSee [the draft](http://localhost:3000/draft) now.'),
    },
    templates: { 'layouts/all.mjml.hbs': await allInFull() },
  });
  cleanups.push(root.cleanup);
  return buildIssue({ root: root.root, rules: 'all' });
}

const where = (ds: Diagnostic[], code: string) =>
  ds.filter((d) => d.code === code).map((d) => [d.issue, d.file, d.line]);

describe('true locations', () => {
  it('points each finding at the article and line that wrote it, even when another article has the same text', async () => {
    const r = await build();
    const ds = r.diagnostics;
    expect(where(ds, 'link/localhost')).toEqual([
      ['both', 'content/issues/both.md', 12],
      ['both', 'content/articles/first.md', at(5)],
      ['both', 'content/articles/second.md', at(10)], // line 2 of the paragraph that starts at body line 9
    ]);
    expect(where(ds, 'image/missing-alt')).toEqual([
      ['both', 'content/articles/first.md', at(7)],
      ['both', 'content/articles/second.md', at(12)],
    ]);
    expect(where(ds, 'a11y/heading-order')).toEqual([
      ['both', 'content/articles/first.md', at(3)],
      ['both', 'content/articles/second.md', at(7)],
    ]);
    // The source map is built and the marks never reach any output.
    for (const rendered of r.issues) {
      expect(rendered.sourceMap!.length).toBeGreaterThan(0);
      for (const out of [rendered.html, rendered.webHtml, rendered.mjml, ...rendered.issue.articles.map((a) => a.html)])
        expect(out).not.toContain('data-gz');
    }
  });

  it('places every mark on the tag it names in the final HTML', async () => {
    const r = await build();
    const two = r.issues[0]!;
    const tags = two
      .sourceMap!.filter((m) => m.file.endsWith('second.md'))
      .map((m) => [two.html.slice(m.offset, m.offset + 4), m.line]);
    expect(tags).toEqual(
      expect.arrayContaining([
        ['<h1 ', at(5)],
        ['<h4 ', at(7)],
        ['<a h', at(10)],
        ['<img', at(12)],
      ]),
    );
  });
});
