import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildCache } from '../../../src/cache/build-cache.js';
import { loadPublication } from '../../../src/load/index.js';
import { composeConfirmEmail } from '../../../src/server/confirm-email.js';
import type { Publication } from '../../../src/types.js';
import { makeRoot, PUBLICATION } from '../../helpers/root.js';

// The confirmation email is compiled once and personalized by substitution: each sign-up must
// still get its own link and its own (escaped) name, and nothing of the stand-ins may show.

let root: string;
let cleanup: () => Promise<void>;
let publication: Publication;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({ publication: PUBLICATION }));
  publication = loadPublication(root).publication!;
});
afterAll(async () => cleanup());

const cache = new BuildCache();
const compose = (to: string, name: string, token: string) =>
  composeConfirmEmail({
    cache,
    root,
    publication,
    to,
    name,
    confirmUrl: `https://news.example.org/subscribe/confirm?token=${token}&x=1`,
    ttlHours: 48,
  });

describe('composeConfirmEmail', () => {
  it('gives each sign-up its own link and escaped name, from one compiled template', async () => {
    const a = (await compose('ada@example.org', 'Ada <b>"&\'', 'tok-ada')).raw.toString('utf8');
    const b = (await compose('bob@example.org', '', 'tok-bob')).raw.toString('utf8');
    const c = (await compose('cy@example.org', 'Cy', 'tok-cy')).raw.toString('utf8');
    const html = async (raw: string) => String((await simpleParser(raw)).html);
    const [ha, hb, hc] = await Promise.all([html(a), html(b), html(c)]);
    expect(ha).toContain('href="https://news.example.org/subscribe/confirm?token=tok-ada&amp;x=1"');
    expect(ha).toContain('Hello Ada &lt;b&gt;&quot;&amp;&#39;, someone');
    expect(ha).not.toContain('tok-bob');
    expect(hb).toContain('token=tok-bob');
    expect(hb).toMatch(/>\s*Someone \(hopefully you\)/);
    expect(hc).toContain('Hello Cy, someone');
    expect(hc).toContain('token=tok-cy');
    for (const h of [ha, hb, hc]) expect(h).not.toMatch(/gazette\.invalid|StandIn/);
    // Compiled once with a name and once without: the third sign-up compiled nothing.
    expect(cache.stats.mjmlCompiles).toBe(2);
  });
});
