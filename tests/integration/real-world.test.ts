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
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
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
});
