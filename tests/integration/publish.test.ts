import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { addIssue, buildSite, sampleRoot } from '../helpers/site.js';

// Issues in the sample: kazakhstan-abraham-accords (2025-11-18, #41), weekly-digest-2025-11-21
// (#42). Added here: an older one, and one on the same day as #42 with a higher number and a
// title that needs escaping.
const NEWEST_FIRST = ['tricky-title', 'weekly-digest-2025-11-21', 'kazakhstan-abraham-accords', 'first-issue'];
const TRICKY = 'Q&A: <script>alert(1)</script> "quotes" ]]> end';

let root: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await addIssue(
    root,
    'first-issue',
    { title: 'Our first issue', date: '2025-09-01', number: 1, preheader: 'Hello, world.' },
    ['finals-week-slow-down'],
  );
  await addIssue(
    root,
    'tricky-title',
    { title: TRICKY, date: '2025-11-21', number: 43, preheader: 'Fish & chips <b>' },
    ['arabic-poetry-evening'],
  );
  await buildSite(root);
});
afterAll(() => cleanup());

const read = (p: string) => readFile(path.join(root, 'dist', p), 'utf8');

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('the archive (dist/index.html)', () => {
  it('lists every issue newest first with its date, number, subject and preheader', async () => {
    const html = await read('index.html');
    const hrefs = [...html.matchAll(/<h2><a href="issues\/([^/"]+)\/">/g)].map((m) => m[1]);
    expect(hrefs).toEqual(NEWEST_FIRST);
    expect(html).toContain('Issue 41');
    expect(html).toContain('<time datetime="2025-11-18">November 18, 2025</time>');
    expect(html).toContain('Kazakhstan joins the Abraham Accords: what it means');
    expect(html).toContain('Hello, world.');
    expect(html).toContain('<a href="feed.xml">');
    expect(html).toContain('<meta name="viewport"');
  });

  it('escapes subjects and preheaders', async () => {
    const html = await read('index.html');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Q&amp;A: &lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot;');
    expect(html).toContain('Fish &amp; chips &lt;b&gt;');
  });

  it('still lists every issue after `gazette build --issue` rebuilt only one', async () => {
    expect((await gz(['build', '--root', root, '--issue', 'first-issue', '--quiet'])).code).toBe(0);
    const html = await read('index.html');
    expect([...html.matchAll(/<h2><a href="issues\/([^/"]+)\/">/g)].map((m) => m[1])).toEqual(NEWEST_FIRST);
    const entries = new XMLParser().parse(await read('feed.xml')).feed.entry;
    expect(entries).toHaveLength(4);
    // The other issues were carried over, not lost.
    expect(await read('weekly-digest-2025-11-21/web.html')).toContain('<title>');
  });
});

describe('the feed (dist/feed.xml)', () => {
  it('is well-formed Atom with one entry per issue, newest first, linking the web versions', async () => {
    const xml = await read('feed.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    const feed = parsed.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('https://www.thegazelle.org/');
    expect(feed.title).toBe('The Gazelle');
    expect(feed.updated).toBe('2025-11-21T00:00:00.000Z');
    expect(feed.author.name).toBe('The Gazelle');
    const links = [feed.link].flat();
    expect(links).toContainEqual({ '@rel': 'self', '@href': 'https://www.thegazelle.org/feed.xml' });
    const entries = [feed.entry].flat();
    expect(entries.map((e: { id: string }) => e.id)).toEqual(
      NEWEST_FIRST.map((s) => `https://www.thegazelle.org/issues/${s}/`),
    );
    for (const e of entries) {
      expect(e.link['@href']).toBe(e.id);
      expect(e.updated).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z$/);
      expect(e.title['#text']).toBeTruthy();
    }
    const tricky = entries[0];
    expect(tricky.title['@type']).toBe('html');
    expect(unescapeHtml(tricky.title['#text'])).toBe(TRICKY);
    expect(unescapeHtml(tricky.summary['#text'])).toBe('Fish & chips <b>');
    expect(tricky.updated).toBe('2025-11-21T00:00:00.000Z');
    expect(entries[2].content['#text']).toContain('Kazakhstan Joins the Abraham Accords</a>');
  });

  it('is the same file when built twice from the same content', async () => {
    const before = await read('feed.xml');
    await buildSite(root);
    expect(await read('feed.xml')).toBe(before);
  });
});

describe('the web version (dist/<issue>/web.html)', () => {
  it('has title, description, Open Graph and links to the archive and feed, and no email-only parts', async () => {
    const html = await read('kazakhstan-abraham-accords/web.html');
    expect(html).toContain('<title>Kazakhstan joins the Abraham Accords: what it means | The Gazelle</title>');
    expect(html).toMatch(/<meta name="description" content="Why a country/);
    expect(html).toContain(
      '<meta property="og:url" content="https://www.thegazelle.org/issues/kazakhstan-abraham-accords/">',
    );
    expect(html).toContain('<meta name="viewport"');
    // One folder below dist/: the archive links resolve to files when opened from disk too.
    expect(html).toContain('<a href="../index.html" ');
    expect(html).toContain('<a href="../feed.xml" ');
    expect(await read('index.html')).toContain('<ol>');
    expect(html).not.toContain('Unsubscribe');
    expect(html).not.toContain('{{');
    // Merge tags become their fallbacks (the feature layout has no intro; the digest has one).
    expect(await read('weekly-digest-2025-11-21/web.html')).toContain('Hi reader,');
  });

  it('is also written at its public address, so dist/ works on a static host', async () => {
    for (const slug of NEWEST_FIRST) {
      const atAddress = await read(`issues/${slug}/index.html`);
      expect(atAddress).toContain('<a href="../../" ');
      expect(atAddress).toContain('<a href="../../feed.xml" ');
      // The same page; only the archive links differ, by one folder.
      expect(
        atAddress
          .replace('href="../../"', 'href="../index.html"')
          .replace('href="../../feed.xml"', 'href="../feed.xml"'),
      ).toBe(await read(`${slug}/web.html`));
    }
  });

  it('is where the email\'s "view in browser" link points', async () => {
    const email = await read('kazakhstan-abraham-accords/email.html');
    expect(email).toMatch(
      /<a href="https:\/\/www\.thegazelle\.org\/issues\/kazakhstan-abraham-accords\/"[^>]*>View in browser<\/a>/,
    );
  });
});
