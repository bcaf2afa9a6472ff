import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/load/index.js';
import { issueEntries } from '../../../src/output/entries.js';
import { article, issue, makeRoot } from '../../helpers/root.js';

// The loader sorted issues one way (slugs by locale: "alpha" before "Beta") and the archive
// re-sorted them another (slugs by code unit: "Beta" first), so the preview's list and the archive
// disagreed on issues of one day. One order now (load/order.ts), and the archive keeps it.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('issue order', () => {
  it('newest date first, then the higher number, unnumbered last, then slug by code unit', async () => {
    const on = (date: string, number?: number) =>
      issue(['one'], { date, ...(number === undefined ? {} : { number: String(number) }) });
    const r = await makeRoot({
      articles: { one: article() },
      issues: {
        older: on('2025-11-01', 9),
        'no-number': on('2025-11-20'),
        one: on('2025-11-20', 1),
        seven: on('2025-11-20', 7),
        Beta: on('2025-11-21'),
        alpha: on('2025-11-21'),
      },
    });
    cleanups.push(r.cleanup);
    const { content, diagnostics } = await loadContent(r.root);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const expected = ['Beta', 'alpha', 'seven', 'one', 'no-number', 'older'];
    expect(content!.issues.map((i) => i.slug)).toEqual(expected);
    // The archive and the feed list them in that same order.
    expect(issueEntries(content!).map((e) => e.slug)).toEqual(expected);
  });
});
