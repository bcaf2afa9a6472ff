import { describe, expect, it } from 'vitest';
import { compileMjml } from '../../src/render/compile.js';

const doc = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('compileMjml cache', () => {
  it('returns the same HTML for the same MJML and recompiles changed MJML', async () => {
    const a = await compileMjml(doc('first'), []);
    const again = await compileMjml(doc('first'), []);
    const b = await compileMjml(doc('second'), []);
    expect(again.html).toBe(a.html);
    expect(a.html).toContain('first');
    expect(b.html).toContain('second');
    expect(b.html).not.toContain('first');
  });

  it('never caches a failure: the same bad MJML reports its errors every time', async () => {
    const bad =
      '<mjml><mj-body><mj-section><mj-column><mj-text bogus="1">x</mj-text></mj-column></mj-section></mj-body></mjml>';
    for (let i = 0; i < 2; i++) {
      const r = await compileMjml(bad, []);
      expect(r.html).toBeUndefined();
      expect(r.diagnostics[0]?.message).toContain('bogus');
    }
  });
});
