import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/index.js';
import { REPO } from '../helpers/root.js';

// Golden files of the sample issues. After an intended change to templates, content or the
// pipeline, run `UPDATE_GOLDEN=1 npm test` and review the diff of tests/fixtures/golden/.
const GOLDEN = path.join(REPO, 'tests', 'fixtures', 'golden');

describe('sample issues match their golden files', async () => {
  const result = await buildIssue({ root: REPO });
  for (const r of result.issues) {
    for (const [name, actual] of [
      ['email.html', r.html],
      ['email.txt', r.text],
      ['web.html', r.webHtml],
    ] as const) {
      it(`${r.issue.slug}/${name}`, async () => {
        const file = path.join(GOLDEN, r.issue.slug, name);
        if (process.env.UPDATE_GOLDEN) {
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, actual);
        }
        expect(actual).toBe(await readFile(file, 'utf8'));
      });
    }
  }

  it('every sample email is under Gmail clipping, fully compiled, with alt on every image', () => {
    expect(result.ok).toBe(true);
    expect(result.issues).toHaveLength(2);
    for (const r of result.issues) {
      expect(r.bytes.html).toBeLessThan(102_400);
      expect(r.html).not.toMatch(/<\/?mj-/);
      const imgs = r.html.match(/<img\b[^>]*>/g) ?? [];
      expect(imgs.length).toBeGreaterThan(0);
      for (const img of imgs) expect(img).toMatch(/\balt="/);
      expect(r.html).toMatch(/<html[^>]*\blang="en"/);
      expect(r.webHtml).not.toContain('{{');
      expect(r.webHtml).not.toContain('gazette:email-only');
    }
    const digest = result.issues.find((r) => r.issue.layout === 'digest')!;
    expect(digest.html).toMatch(/<div lang="ar" dir="rtl"/);
    expect(digest.mergeTags.map((t) => t.name).sort()).toEqual(['subscriber.name', 'unsubscribe_url']);
  });
});
