import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { afterEach, describe, expect, it } from 'vitest';
import { compileFill } from '../../../src/render/merge.js';
import { buildSite } from '../../helpers/site.js';
import { article, issue, makeRoot } from '../../helpers/root.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const IMG = '{{subscriber.name | default: "<img src=x onerror=alert(1)>"}}';
const META = '{{subscriber.city | default: "<meta http-equiv=refresh content=0;url=https://evil.example/>"}}';
const ATTR = '{{subscriber.ref | default: "x onmouseover=alert(2) y"}}';

/** Every element and attribute name a browser would build from `html`. */
function elements(html: string): { name: string; attrs: Record<string, string> }[] {
  const out: { name: string; attrs: Record<string, string> }[] = [];
  const p = new Parser({ onopentag: (name, attrs) => out.push({ name, attrs }) }, { decodeEntities: true });
  p.write(html);
  p.end();
  return out;
}

function assertInert(html: string): void {
  const els = elements(html);
  expect(els.filter((e) => e.name === 'img' && e.attrs.src === 'x')).toEqual([]);
  expect(els.filter((e) => e.name === 'meta' && /refresh/i.test(e.attrs['http-equiv'] ?? ''))).toEqual([]);
  for (const e of els) for (const a of Object.keys(e.attrs)) expect(a).not.toMatch(/^on/i);
}

describe('attack: markup in merge-tag fallbacks (issue 12)', () => {
  it('an <img onerror> fallback in an article and a <meta refresh> one in an intro never reach dist/ as markup', async () => {
    const r = await makeRoot({
      articles: { a: article({}, `Hi ${IMG}.\n\nRead [this](https://news.example.org/?r=${ATTR}).`) },
      issues: { one: issue(['a'], {}, `Hello ${META}.`) },
    });
    cleanups.push(r.cleanup);
    await buildSite(r.root);
    const dist = path.join(r.root, 'dist', 'one');
    for (const f of ['email.html', 'web.html']) {
      const html = await readFile(path.join(dist, f), 'utf8');
      expect(html).not.toContain('<img src=x');
      expect(html).not.toMatch(/<meta http-equiv=["']?refresh/i);
      assertInert(html);
    }
    const email = await readFile(path.join(dist, 'email.html'), 'utf8');
    // The fallbacks are still there, as text, and fill as text for a recipient without a name.
    const filled = compileFill(email, 'html').fill({}, 'https://news.example.org/u');
    assertInert(filled);
    expect(filled).toContain('Hi &lt;img src=x onerror=alert(1)&gt;.');
    const web = await readFile(path.join(dist, 'web.html'), 'utf8');
    expect(web).toContain('Hi &lt;img src=x onerror=alert(1)&gt;.');
    // The text part keeps them as plain text.
    const text = compileFill(await readFile(path.join(dist, 'email.txt'), 'utf8'), 'text').fill({}, 'u');
    expect(text).toContain('Hi <img src=x onerror=alert(1)>.');
    // A real value still wins over the fallback, escaped.
    expect(compileFill(email, 'html').fill({ name: 'Ann <b>' }, 'u')).toContain('Hi Ann &lt;b&gt;.');
  });
});
