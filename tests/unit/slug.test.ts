import { describe, expect, it } from 'vitest';
import { SLUG_RULE, slugify } from '../../src/scaffold/slug.js';

describe('slugify', () => {
  it.each([
    ['Winter Arts Festival Returns', 'winter-arts-festival-returns'],
    ['Café Müller: Ça va? Ærø & Straße', 'cafe-muller-ca-va-ærø-straße'],
    ['  Kazakhstan joins the Abraham Accords: what it means  ', 'kazakhstan-joins-the-abraham-accords-what-it-means'],
    ['İstanbul’da ﬁnal haftası', 'istanbul-da-final-haftası'],
    ['أمسية للشعر العربي تجمع الطلاب', 'امسية-للشعر-العربي-تجمع-الطلاب'],
    ['東京の新しい図書館', '東京の新しい図書館'],
    ['Issue #42 — 2025/11/21', 'issue-42-2025-11-21'],
  ])('%s -> %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
    expect(SLUG_RULE.test(slug)).toBe(true);
  });

  it('gives nothing for a title without letters or digits', () => {
    expect(slugify('🎉🎉 !!!')).toBe('');
    expect(slugify('')).toBe('');
  });

  it('cuts long titles at a word boundary', () => {
    const slug = slugify('word '.repeat(40));
    expect([...slug].length).toBeLessThanOrEqual(60);
    expect(slug.endsWith('-')).toBe(false);
    expect(slug).toMatch(/^(word-)*word$/);
  });
});
