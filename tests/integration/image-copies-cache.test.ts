import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../src/cache/build-cache.js';
import { siteFiles } from '../../src/output/site.js';
import { buildIssue } from '../../src/pipeline/build.js';
import { useSample } from '../helpers/sample.js';

// The preview keeps one BuildCache for its whole run: a save must not re-encode images that did
// not change, even when the same image is shown at several widths (a feature and a teaser, an
// issue and the article's page).

const sample = useSample();

describe('email image copies in a long-lived build cache', () => {
  it('encodes each image once per width, whatever else is rebuilt', async () => {
    const root = await sample();
    const cache = new BuildCache();
    const once = async () => {
      const r = await buildIssue({ root, cache });
      await siteFiles(r.content!, r.issues, cache);
      return r;
    };
    const first = await once();
    const encoded = cache.stats.imageEncodes;
    expect(encoded).toBeGreaterThan(0);
    const widths = new Set(
      first.issues.flatMap((i) => (i.images ?? []).map((im) => `${im.source}@${im.display.width}`)),
    );
    expect(encoded).toBeGreaterThanOrEqual(new Set([...widths].map((w) => w.split('@')[0])).size);
    await once();
    expect(cache.stats.imageEncodes).toBe(encoded);
    // An editor saves an article: its text changes, no image does.
    const file = path.join(root, 'content', 'articles', 'winter-arts-festival-returns.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^title: .*$/m, 'title: "Saved again"'));
    await once();
    expect(cache.stats.imageEncodes).toBe(encoded);
  });
});
