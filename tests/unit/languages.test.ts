import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderArchive } from '../../src/output/archive.js';
import { buildIssue } from '../../src/pipeline/build.js';
import type { BuildResult } from '../../src/types.js';
import { article, issue, makeRoot, PUBLICATION } from '../helpers/root.js';

let cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function build(language: string, articleLang?: string): Promise<BuildResult> {
  const { root, cleanup } = await makeRoot({
    publication: PUBLICATION.replace('language: en', `language: ${language}`),
    articles: {
      one: article(articleLang ? { lang: articleLang } : {}),
      two: article({ title: 'Second', date: '2025-11-17' }),
    },
    issues: {
      digest: issue(['one', 'two'], { number: '3' }),
      feature: issue(['one'], { layout: 'feature' }),
    },
  });
  cleanups.push(cleanup);
  const result = await buildIssue({ root });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
}

const ENGLISH = [
  'Read more',
  'Read it on the web',
  'View this issue',
  'View in browser',
  'Unsubscribe',
  'Issue 3',
  'You are receiving',
];

describe('an issue in a right-to-left publication language', () => {
  let result: BuildResult;
  beforeAll(async () => {
    result = await build('ar');
  });

  it('derives dir="rtl" for the email and the web version, and the intro', () => {
    for (const r of result.issues) {
      expect(r.issue.dir).toBe('rtl');
      expect(r.html).toMatch(/<html[^>]*\blang="ar"[^>]*\bdir="rtl"/);
      expect(r.webHtml).toMatch(/<html[^>]*\bdir="rtl"/);
      expect(r.html).not.toMatch(/<html[^>]*dir="ltr"/);
    }
  });

  it('writes the plain-text part in the theme words of the language', () => {
    const digest = result.issues.find((r) => r.issue.slug === 'digest')!;
    expect(digest.text).toContain('العدد 3');
    expect(digest.text).toContain('اعرض في المتصفح: ');
    expect(digest.text).toContain('اقرأ المزيد: https://news.example.org/');
    expect(digest.text).toContain('تصلك هذه الرسالة لأنك مشترك في النشرة البريدية لـ Test Weekly.');
    expect(digest.text).toMatch(/إلغاء الاشتراك: \S+/);
    const feature = result.issues.find((r) => r.issue.slug === 'feature')!;
    expect(feature.text).toContain('اقرأ على الموقع: ');
    for (const r of result.issues) for (const english of ENGLISH) expect(r.text).not.toContain(english);
  });

  it('gives the archive page the same direction', () => {
    const html = renderArchive(result.issues[0]!.issue.publication, []);
    expect(html).toContain('<html lang="ar" dir="rtl">');
  });
});

describe('languages of the text part', () => {
  it('keeps English words for an English publication, and an article its own language', async () => {
    const result = await build('en', 'fr');
    const digest = result.issues.find((r) => r.issue.slug === 'digest')!;
    expect(digest.issue.dir).toBe('ltr');
    expect(digest.html).toMatch(/<html[^>]*\bdir="ltr"/);
    expect(digest.text).toContain('Issue 3');
    expect(digest.text).toContain('View in browser: ');
    expect(digest.text).toContain('Unsubscribe: ');
    // "one" is in French: its teaser says so in French, as the HTML does; "two" stays English.
    expect(digest.text).toContain('Lire la suite: https://news.example.org/');
    expect(digest.text).toContain('Read more: https://news.example.org/');
  });
});
