import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulateScheme, framed, rewriteAssetUrls, textPage } from '../../src/preview/frame.js';
import { decodeEntities, inboxSnippet } from '../../src/preview/inbox.js';
import { resolveInside } from '../../src/preview/static.js';

describe('frame transforms', () => {
  const email =
    '<html><head><style>@media (prefers-color-scheme: dark) { .a { color: #fff } } @media screen and (prefers-color-scheme:light) { .b { color: #000 } }</style></head><body><img src="https://ex.org/assets/a.png"><img src="https://ex.org/assetsX/b.png"></body></html>';

  it('points publication assets at the preview and leaves other URLs alone', () => {
    const out = rewriteAssetUrls(email, 'https://ex.org/');
    expect(out).toContain('src="/assets/a.png"');
    expect(out).toContain('src="https://ex.org/assetsX/b.png"');
  });

  it('applies the dark rules unconditionally and turns light-only rules off', () => {
    const out = emulateScheme(email, 'dark');
    expect(out).toContain('@media (min-width: 0px) { .a');
    expect(out).toContain('@media screen and (max-width: 0px) { .b');
    expect(out).toMatch(/<head><style data-gazette-preview="dark">:root\{color-scheme:dark\}<\/style>/);
    expect(emulateScheme(email, 'light')).toBe(email);
    expect(emulateScheme(email, 'invert')).toContain('filter:invert(1)');
  });

  it('opens links outside the frame and escapes the text part', () => {
    expect(framed('<html><head></head></html>')).toBe('<html><head><base target="_blank"></head></html>');
    expect(textPage('a <script>x</script> & b', 'light')).toContain('a &lt;script&gt;x&lt;/script&gt; &amp; b');
  });
});

describe('inbox snippet', () => {
  it('reads the first visible or hidden text of the body as clients do', () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><!-- c --><div style="display:none">Pre&shy;header &amp; more&#847;&zwnj;&nbsp;&#847;&zwnj;&nbsp;</div><p>Hello   <b>world</b></p></body></html>';
    expect(inboxSnippet(html)).toBe('Preheader & more Hello world');
    expect(inboxSnippet(`<body>${'x'.repeat(200)}</body>`, 10)).toBe(`${'x'.repeat(10)}…`);
  });

  it('decodes numeric and named entities, and leaves unknown ones', () => {
    expect(decodeEntities('&#x41;&#66;&mdash;&bogus;&#0;')).toBe('AB—&bogus;&#0;');
  });
});

describe('resolveInside', () => {
  let dir: string;
  let base: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-static-'));
    base = path.join(dir, 'assets');
    await mkdir(path.join(base, 'img'), { recursive: true });
    await writeFile(path.join(base, 'img', 'a b.png'), 'x');
    await writeFile(path.join(dir, 'secret.txt'), 'secret');
    await symlink(path.join(dir, 'secret.txt'), path.join(base, 'link.txt'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds files by encoded segments', async () => {
    expect(await resolveInside(base, ['img', 'a%20b.png'])).toBe(
      path.join(await import('node:fs/promises').then((m) => m.realpath(base)), 'img', 'a b.png'),
    );
  });

  it.each([
    [['..', 'secret.txt']],
    [['%2e%2e', 'secret.txt']],
    [['..%2fsecret.txt']],
    [['img%2f..%2f..%2fsecret.txt']],
    [['link.txt']],
    [['img']],
    [[]],
    [['%E0%A4%A']],
    [['a%00b']],
    [['..%5csecret.txt']],
  ])('refuses %j', async (segs) => {
    expect(await resolveInside(base, segs)).toBeUndefined();
  });
});
