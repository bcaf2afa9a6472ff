import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import type { BuildResult } from '../../src/types.js';
import { REPO } from '../helpers/root.js';

// Posts written for other generators (tests/fixtures/real-world), built as they are.
const ROOT = path.join(REPO, 'tests/fixtures/real-world');

let built: Promise<BuildResult> | undefined;
const build = () => (built ??= buildIssue({ root: ROOT }));

describe('real-world posts build unchanged', () => {
  it('loads every dialect without an error or a warning', async () => {
    const r = await build();
    // The one warning is meant: the hand-written page has a subscription form, which cannot work.
    expect([
      ...new Set(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.file}:${d.line} ${d.code}`)),
    ]).toEqual(['content/articles/handmade-page.md:30 content/dropped-html']);
    expect(r.ok).toBe(true);
    const a = (slug: string) => r.content!.articles.get(slug)!;
    expect(a('2025-01-29-lantern-4-4-1-released')).toMatchObject({
      date: '2025-01-29',
      authors: [{ name: 'ravikiran' }],
      file: 'content/articles/2025-01-29-lantern-4-4-1-released.markdown',
    });
    expect(a('first-light')).toMatchObject({
      date: '2024-01-14',
      draft: false,
      tags: ['astronomy', 'harbour', 'volunteers'],
      authors: [{ name: 'Morag Lindsay', role: 'Observatory volunteer' }],
      excerpt: 'Our small refractor saw its first star on a cold January morning.',
    });
    expect(a('gauge1.4')).toMatchObject({
      date: '2024-04-09',
      authors: [{ name: 'Priya Natarajan, for the Gauge team' }, { name: 'Tomás Ferreira' }],
      excerpt: 'Gauge 1.4 brings streaming histograms, a smaller binary and faster start-up.',
    });
    expect(a('reading-group-april')).toMatchObject({ tags: ['posts', 'reading'], authors: [{ name: 'Ines Okafor' }] });
    expect(a('weekly-zh-42')).toMatchObject({ lang: 'zh-CN', tags: ['周刊', '前端'] });
    expect(r.issues.map((i) => i.issue.slug).sort()).toEqual(['feature-pair', 'imported-2025-03']);
  });

  it('leaks no code, style or form text into the text part, and loses no visible text', async () => {
    const r = await build();
    const feature = r.issues.find((i) => i.issue.slug === 'feature-pair')!;
    for (const leaked of [
      'Comic Sans',
      'dataLayer',
      'tracking pixel',
      'enable JavaScript',
      'Subscribe now',
      'Weekly digest',
    ])
      for (const part of [feature.text, feature.html]) expect(part).not.toContain(leaked);
    const text = feature.text.replace(/\s+/g, ' ');
    for (const kept of [
      'This page was written in plain HTML',
      'Watch: Building a tide gauge from spare parts (https://vimeo.com/76979871)',
      'Transcript notes We soldered the pressure sensor',
      'Thanks for reading.',
      'The April reading group', // the third article of a feature issue, as a teaser
    ])
      expect(text).toContain(kept);
    for (const title of ['Gauge 1.4 is released', 'A page written by hand', 'The April reading group'])
      expect(feature.html).toContain(title);
    const digest = r.issues.find((i) => i.issue.slug === 'imported-2025-03')!;
    expect(digest.html).toContain('前端周刊第 42 期');
  });
});
