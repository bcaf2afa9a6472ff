import { describe, expect, it } from 'vitest';
import { BuildCache } from '../../src/cache/build-cache.js';
import { compileMjml } from '../../src/render/compile.js';

const doc = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('compileMjml cache', () => {
  it('returns the same HTML for the same MJML and recompiles changed MJML', async () => {
    const cache = new BuildCache();
    const a = await compileMjml(doc('first'), [], cache);
    const again = await compileMjml(doc('first'), [], cache);
    const b = await compileMjml(doc('second'), [], cache);
    expect(cache.stats.mjmlCompiles).toBe(2);
    expect(again.html).toBe(a.html);
    expect(a.html).toContain('first');
    expect(b.html).toContain('second');
    expect(b.html).not.toContain('first');
  });

  it('never caches a failure: the same bad MJML reports its errors every time', async () => {
    const bad =
      '<mjml><mj-body><mj-section><mj-column><mj-text bogus="1">x</mj-text></mj-column></mj-section></mj-body></mjml>';
    const cache = new BuildCache();
    for (let i = 0; i < 2; i++) {
      const r = await compileMjml(bad, [], cache);
      expect(r.html).toBeUndefined();
      expect(r.diagnostics[0]?.message).toContain('bogus');
    }
  });
});
