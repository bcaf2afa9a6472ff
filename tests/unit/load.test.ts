import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/load/index.js';
import { MAX_CONTENT_BYTES } from '../../src/load/read.js';
import type { Diagnostic } from '../../src/types.js';
import { article, issue, makeRoot } from '../helpers/root.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function load(spec: Parameters<typeof makeRoot>[0]) {
  const r = await makeRoot(spec);
  cleanups.push(r.cleanup);
  return loadContent(r.root);
}

function errors(ds: Diagnostic[]) {
  return ds.filter((d) => d.severity === 'error');
}

describe('load', () => {
  it('loads a valid root', async () => {
    const r = await load({ articles: { one: article() }, issues: { first: issue(['one']) } });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.content?.articles.get('one')?.title).toBe('A title');
    expect(r.content?.issues[0]?.articles).toEqual(['one']);
    expect(r.content?.publication.logo?.src).toBe('https://news.example.org/assets/logo.png');
  });

  it('reports a YAML syntax error at the line of the file, not of the YAML block', async () => {
    const text = '---\ntitle: ok\ndate: 2025-11-18\nauthor: {name: Ada\ndek: x\n---\nbody\n';
    const r = await load({ articles: { one: text }, issues: { first: issue(['one']) } });
    const d = errors(r.diagnostics).find((x) => x.code === 'content/yaml-syntax');
    expect(d).toBeDefined();
    expect(d!.file).toBe('content/articles/one.md');
    expect(d!.line).toBeGreaterThanOrEqual(4);
    expect(d!.line).toBeLessThanOrEqual(6);
    expect(d!.hint).toBeTruthy();
  });

  it('names a missing required field with its file, line and a hint', async () => {
    const text = '---\ndate: 2025-11-18\nauthor: {name: Ada}\n---\nbody\n';
    const r = await load({ articles: { one: text }, issues: { first: issue(['one']) } });
    const d = errors(r.diagnostics).find((x) => x.field === 'title');
    expect(d).toMatchObject({ code: 'content/missing-field', file: 'content/articles/one.md', field: 'title' });
    expect(d!.message).toContain('title');
    expect(d!.hint).toContain('title:');
    expect(r.content).toBeUndefined();
  });

  it('reports a wrong type at the line of the field', async () => {
    const r = await load({ articles: { one: article() }, issues: { first: issue(['one'], { number: 'forty-two' }) } });
    const d = errors(r.diagnostics).find((x) => x.field === 'number');
    expect(d).toMatchObject({ code: 'content/invalid-field', file: 'content/issues/first.md', line: 6 });
    expect(d!.message).toMatch(/wrong type.*number/);
  });

  it('refuses an impossible date', async () => {
    const r = await load({ articles: { one: article({ date: '2026-13-45' }) }, issues: { first: issue(['one']) } });
    const d = errors(r.diagnostics).find((x) => x.field === 'date');
    expect(d).toMatchObject({ code: 'content/invalid-field', file: 'content/articles/one.md', line: 3 });
    expect(d!.message).toContain('not a real calendar date');
    expect(d!.hint).toContain('YYYY-MM-DD');
  });

  it('gives a bad date one clear error: file, line, field and hint, never two messages', async () => {
    const cases: [string, RegExp][] = [
      ['tomorrow', /must be a date written YYYY-MM-DD \(got "tomorrow"\)/],
      ['2025/11/18', /must be a date written YYYY-MM-DD/],
      ['"18 Nov 2025"', /must be a date written YYYY-MM-DD/],
      ['2025-02-30', /not a real calendar date \(got "2025-02-30"\)/],
      ['2025-11-18T25:00:00Z', /time or zone that does not exist/],
      ['2025-11-18 18:15:32 +9999', /time or zone that does not exist/],
    ];
    for (const [date, message] of cases) {
      const r = await load({ articles: { one: article({ date }) }, issues: { first: issue(['one']) } });
      const found = r.diagnostics.filter((x) => x.field === 'date');
      expect(found, date).toHaveLength(1);
      expect(found[0], date).toMatchObject({
        code: 'content/invalid-field',
        severity: 'error',
        file: 'content/articles/one.md',
        line: 3,
        field: 'date',
      });
      expect(found[0]!.message, date).toMatch(message);
      expect(found[0]!.hint, date).toContain('YYYY-MM-DD');
    }
  });

  it('names an unknown article slug in an issue, with its line and a suggestion', async () => {
    const r = await load({
      articles: { 'campus-news': article() },
      issues: { first: issue(['campus-news', 'campus-new']) },
    });
    const d = errors(r.diagnostics).find((x) => x.code === 'content/unknown-article');
    expect(d).toMatchObject({ file: 'content/issues/first.md', line: 8, field: 'articles[1]' });
    expect(d!.hint).toContain('Did you mean "campus-news"');
  });

  it('refuses duplicate slugs across subfolders and letter case', async () => {
    const r = await load({
      articles: { news: article(), 'archive/News': article() },
      issues: { first: issue(['news']) },
    });
    const d = errors(r.diagnostics).find((x) => x.code === 'content/duplicate-slug');
    expect(d).toBeDefined();
    expect(d!.message).toContain('already used by');
  });

  it('refuses a file that is not UTF-8 and names the line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('---\ntitle: Caf'),
      Buffer.from([0xe9]),
      Buffer.from('\ndate: 2025-11-18\n---\nx\n'),
    ]);
    const r = await load({ articles: { one: latin1 }, issues: { first: issue(['one']) } });
    const d = errors(r.diagnostics).find((x) => x.code === 'content/not-utf8');
    expect(d).toMatchObject({ file: 'content/articles/one.md', line: 2 });
    expect(d!.hint).toContain('UTF-8');
  });

  it('refuses a file over the size cap', async () => {
    const big = article({}, 'x'.repeat(MAX_CONTENT_BYTES + 10));
    const r = await load({ articles: { one: big }, issues: { first: issue(['one']) } });
    expect(errors(r.diagnostics).find((x) => x.code === 'content/too-large')).toMatchObject({
      file: 'content/articles/one.md',
    });
  });

  for (const lang of ['js', 'javascript']) {
    it(`refuses ---${lang} front-matter and never runs it`, async () => {
      const marker = path.join(os.tmpdir(), `gazette-marker-${process.pid}-${lang}`);
      const code = `---${lang}\n{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran') || 'x', date: '2025-11-18' }\n---\nbody\n`;
      const r = await load({ articles: { evil: code }, issues: { first: issue(['evil']) } });
      expect(existsSync(marker)).toBe(false);
      const d = errors(r.diagnostics).find((x) => x.code === 'content/front-matter-language');
      expect(d).toMatchObject({ file: 'content/articles/evil.md', line: 1 });
      expect(d!.hint).toContain('YAML');
    });
  }

  it('accepts a UTF-8 BOM and CRLF line endings', async () => {
    const text =
      '\uFEFF' + article({ title: 'Windows file' }, 'Line one\r\nstill one.\r\n\r\nTwo.').replace(/\n/g, '\r\n');
    const r = await load({ articles: { one: text }, issues: { first: issue(['one']) } });
    expect(errors(r.diagnostics)).toEqual([]);
    const a = r.content!.articles.get('one')!;
    expect(a.title).toBe('Windows file');
    expect(a.body).not.toContain('\r');
    expect(a.bodyLine).toBe(7);
  });

  it('reports every problem of every file together', async () => {
    const r = await load({
      articles: { a: article({ date: '2025-02-30' }), b: '---\ndate: 2025-11-18\nauthor: {name: B}\n---\n' },
      issues: { first: issue(['a', 'b', 'c']) },
    });
    const codes = errors(r.diagnostics).map((d) => `${d.file}:${d.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'content/articles/a.md:content/invalid-field',
        'content/articles/b.md:content/missing-field',
        'content/issues/first.md:content/unknown-article',
      ]),
    );
  });

  it('warns about unknown fields with a suggestion', async () => {
    const r = await load({ articles: { one: article({ titel: 'typo' }) }, issues: { first: issue(['one']) } });
    const d = r.diagnostics.find((x) => x.code === 'content/unknown-field');
    expect(d).toMatchObject({ severity: 'warning', field: 'titel', line: 6 });
    expect(d!.hint).toContain('`title`');
  });

  it('validates publication.yml with lines', async () => {
    const r = await load({
      publication:
        'name: X\nurl: http://insecure.example.org\nfrom: {name: X, address: not-an-email}\naddress: Somewhere\nunsubscribeUrl: https://x.example.org/u\n',
      articles: { one: article() },
      issues: { first: issue(['one']) },
    });
    const byField = Object.fromEntries(errors(r.diagnostics).map((d) => [d.field, d]));
    expect(byField['url']).toMatchObject({ file: 'content/publication.yml', line: 2 });
    expect(byField['url']!.message).toContain('https://');
    expect(byField['from.address']).toMatchObject({ line: 3 });
  });

  it('requires author or authors, and derives rtl from lang', async () => {
    const r = await load({
      articles: {
        ar: article({ lang: 'ar' }),
        fa: article({ lang: 'fa-IR' }),
        he: article({ lang: 'he', dir: 'ltr' }),
        none: '---\ntitle: T\ndate: 2025-11-18\n---\nx\n',
      },
      issues: { first: issue(['ar']) },
    });
    expect(errors(r.diagnostics).map((d) => [d.file, d.field])).toEqual([['content/articles/none.md', 'author']]);
    const again = await load({
      articles: {
        ar: article({ lang: 'ar' }),
        fa: article({ lang: 'fa-IR' }),
        he: article({ lang: 'he', dir: 'ltr' }),
        ur: article({ lang: 'ur' }),
      },
      issues: { first: issue(['ar']) },
    });
    const dirs = Object.fromEntries([...again.content!.articles.values()].map((a) => [a.slug, a.dir]));
    expect(dirs).toEqual({ ar: 'rtl', fa: 'rtl', he: 'ltr', ur: 'rtl' });
  });
});
