import { afterAll, describe, expect, it } from 'vitest';
import { checkIssue } from '../../src/check/index.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { compileFill } from '../../src/render/merge.js';
import { article, issue, makeRoot } from '../helpers/root.js';

// Merge tags are recognised in prose only; code is literal; foreign tags are caught at their line.

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function buildBody(body: string) {
  const root = await makeRoot({
    articles: { post: article({}, body) },
    issues: { i: issue(['post'], { layout: 'feature' }, 'Hi.') },
  });
  cleanups.push(root.cleanup);
  const r = await buildIssue({ root: root.root });
  const checked = r.issues[0] ? await checkIssue(r.issues[0], { content: r.content! }) : [];
  return { r, built: r.issues[0], all: [...r.diagnostics, ...checked] };
}

// article() puts the body after 6 front-matter lines: body line n is file line n + 6.
const at = (n: number) => n + 6;

describe('merge tags in prose only', () => {
  it('keeps merge tags and braces in code literal: never filled, never flagged', async () => {
    const body = [
      'Dear {{subscriber.name | default: "reader"}},', // 1
      '',
      'Write `{{subscriber.name}}` to greet, or in Jekyll `{{ page.title }}`.', // 3
      '',
      '```liquid', // 5
      '{{ subscriber.email }} {{.Name}} }}',
      '```',
    ].join('\n');
    const { built, all } = await buildBody(body);
    expect(all.filter((d) => d.code.startsWith('hygiene/'))).toEqual([]);
    expect(built!.mergeTags.map((t) => t.name)).toEqual(expect.arrayContaining(['subscriber.name']));
    expect(built!.mergeTags.map((t) => t.line).filter((l) => l !== undefined && l > 6)).toEqual([at(1)]);
    expect(built!.html).toContain('&#123;&#123;subscriber.name&#125;&#125;');
    expect(built!.html).toContain('&#123;&#123; page.title &#125;&#125;');
    // Filling a recipient touches the prose tag only.
    const filled = compileFill(built!.html, 'html').fill({ name: 'Ada', email: 'ada@x.org' }, 'https://u');
    expect(filled).toContain('Dear Ada,');
    expect(filled).not.toContain('ada@x.org');
    const text = compileFill(built!.text, 'text').fill({ name: 'Ada', email: 'ada@x.org' }, 'https://u');
    expect(text).toContain('Dear Ada,');
    expect(text).toContain('{\u2060{subscriber.name}}'); // a literal tag cannot be filled in text either
    expect(text).toContain('{{ page.title }}');
    expect(text).toContain('{{.Name}} }}');
    expect(text).not.toContain('ada@x.org');
  });

  it('writes a literal {{ in prose with \\{{', async () => {
    const { built, all } = await buildBody('Handlebars writes \\{{title}} and \\{{subscriber.name}} here.');
    expect(all.filter((d) => d.code.startsWith('hygiene/'))).toEqual([]);
    expect(built!.html).toContain(
      'Handlebars writes &#123;&#123;title&#125;&#125; and &#123;&#123;subscriber.name&#125;&#125; here.',
    );
    expect(built!.mergeTags.filter((t) => t.file?.includes('articles'))).toEqual([]);
  });

  it('catches foreign merge tags and stray braces in prose at their lines, but not in code', async () => {
    const body = [
      'Hi *|FNAME|*,', // 1
      '',
      '| a | b |',
      '|---|---|',
      '| %%first_name%% | x |', // 5
      '',
      'Dear {{ first_name }}, and `*|LNAME|* %%x%% {{ y }}` in code.', // 7
    ].join('\n');
    const { r, all } = await buildBody(body);
    expect(r.ok).toBe(false); // build fails on them, as check does
    const found = all
      .filter((d) => d.code.startsWith('hygiene/'))
      .map((d) => [d.code, d.file, d.line, d.message.split('"')[1]]);
    expect(found).toEqual([
      ['hygiene/foreign-merge-tag', 'content/articles/post.md', at(1), '*|FNAME|*'],
      ['hygiene/foreign-merge-tag', 'content/articles/post.md', at(5), '%%first_name%%'],
      ['hygiene/placeholder', 'content/articles/post.md', at(7), '{{ first_name }}'],
    ]);
  });
  it('keeps braces in raw HTML <code>, <pre>, <kbd> literal: never filled, never flagged', async () => {
    const body = [
      'Jekyll writes <code>{{ page.title }}</code>, Go <code class="go">{{.Name}}</code>.', // 1
      '',
      '<pre>{{subscriber.email}} and {{ site.url }}', // 3
      '}}</pre>',
      '',
      'Press <kbd>{{ x }}</kbd>, then hello {{subscriber.name | default: "reader"}}.', // 6
    ].join('\n');
    const { built, all } = await buildBody(body);
    expect(all.filter((d) => d.code.startsWith('hygiene/'))).toEqual([]);
    expect(built!.html).toContain('&#123;&#123; page.title &#125;&#125;');
    expect(built!.html).toContain('&#123;&#123;.Name&#125;&#125;');
    expect(built!.html).toContain('&#123;&#123;subscriber.email&#125;&#125; and &#123;&#123; site.url &#125;&#125;');
    // Only the prose tag is a merge tag; filling leaves the code alone.
    expect(built!.mergeTags.filter((t) => t.file?.includes('articles')).map((t) => [t.name, t.line])).toEqual([
      ['subscriber.name', at(6)],
    ]);
    const filled = compileFill(built!.html, 'html').fill({ name: 'Ada', email: 'ada@x.org' }, 'https://u');
    expect(filled).toContain('hello Ada.');
    expect(filled).not.toContain('ada@x.org');
    const text = compileFill(built!.text, 'text').fill({ name: 'Ada', email: 'ada@x.org' }, 'https://u');
    expect(text).toContain('{{ page.title }}');
    expect(text).toContain('{\u2060{subscriber.email}}');
    expect(text).not.toContain('ada@x.org');
  });
});
