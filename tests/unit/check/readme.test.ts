import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE } from './fixture.js';

describe('docs/checks.md, "Codes"', () => {
  it('documents every code the check rules can report', async () => {
    const dir = path.join(SAMPLE, 'src/check');
    const sources = await Promise.all(
      (await readdir(dir)).filter((f) => f.endsWith('.ts')).map((f) => readFile(path.join(dir, f), 'utf8')),
    );
    const found = new Set(
      sources.flatMap((s) =>
        [...s.matchAll(/'((?:size|html|image|link|client|compliance|a11y|hygiene|check)\/[a-z-]+)'/g)].map(
          (m) => m[1]!,
        ),
      ),
    );
    expect(found.size).toBeGreaterThan(30);
    const doc = await readFile(path.join(SAMPLE, 'docs', 'checks.md'), 'utf8');
    const start = doc.indexOf('<!-- codes:start -->');
    const end = doc.indexOf('<!-- codes:end -->');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const section = doc.slice(start, end);
    expect([...found].filter((code) => !section.includes(`| \`${code}\` |`))).toEqual([]);
  });
});
