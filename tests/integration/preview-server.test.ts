import { readFile, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { buildIssue } from '../../src/pipeline/build.js';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { DIGEST, FEATURE, listenEvents, rawGet, tempRoot } from '../helpers/preview.js';

let root: string;
let cleanup: () => Promise<void>;
let server: PreviewServer;
const ARTICLE = 'content/articles/finals-week-slow-down.md';

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot());
  server = await startPreview({
    root,
    port: 0,
    subscribers: [
      { label: 'Tricky <b>', email: 'x@example.org', fields: { email: 'x@example.org', name: '<b>Bold</b> & Co' } },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const get = (p: string, init?: RequestInit) => fetch(new URL(p, server.url), init);

describe('gazette preview server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('lists every issue with its date, layout, size and diagnostics', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`href="/issues/${DIGEST}/"`);
    expect(html).toContain(`href="/issues/${FEATURE}/"`);
    expect(html).toContain('2025-11-21');
    expect(html).toContain('digest');
    expect(html).toMatch(/\d+\.\d KB/);
    expect(html).toContain('clean');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'nonce-");
  });

  it('serves the preview page with the inbox row, frames, tabs and toggles', async () => {
    const res = await get(`/issues/${DIGEST}/?tab=text&view=mobile&scheme=dark`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('This week: Kazakhstan, a winter arts festival and finals');
    expect(html).toContain('Plus an Arabic poetry evening'); // the preheader, as the inbox snippet
    expect(html).toContain('data-view="mobile"');
    expect(html).toContain('data-set="scheme:dark" aria-pressed="true"');
    expect(html).toContain('data-set="tab:text" aria-pressed="true"');
    expect(html).toContain('frame?part=text&amp;scheme=dark&amp;sub=sample');
    expect(html).toContain('No problems found');
    // No SMTP configured in the temporary root: the .eml download is offered instead.
    expect(html).toContain('Download .eml');
  });

  it('serves the raw outputs exactly as buildIssue builds them', async () => {
    const built = (await buildIssue({ root, issue: DIGEST })).issues[0]!;
    const html = await get(`/issues/${DIGEST}/email.html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toBe(built.html);
    expect(await (await get(`/issues/${DIGEST}/email.txt`)).text()).toBe(built.text);
    expect(await (await get(`/issues/${DIGEST}/web.html`)).text()).toBe(built.webHtml);
  });

  it('personalizes frames, serves images locally and emulates dark mode', async () => {
    const light = await (await get(`/issues/${DIGEST}/frame?part=html&scheme=light&sub=sample`)).text();
    expect(light).toContain('Hi Sam Reader,');
    expect(light).not.toContain('https://www.thegazelle.org/assets/');
    // The email copy of the image (resized, stripped, hashed), served by the preview itself.
    const copy = /src="(\/assets\/email\/winter-arts-festival-[0-9a-f]{12}\.png)"/.exec(light)?.[1];
    expect(copy).toBeDefined();
    expect(light).toContain('prefers-color-scheme: dark');
    const dark = await (await get(`/issues/${DIGEST}/frame?part=html&scheme=dark&sub=sample`)).text();
    expect(dark).not.toMatch(/prefers-color-scheme:\s*dark/);
    expect(dark).toContain(':root{color-scheme:dark}');
    const raw = await (await get(`/issues/${DIGEST}/frame?part=html&sub=raw`)).text();
    expect(raw).toContain('{{subscriber.name | default: &quot;reader&quot;}}'.replace(/&quot;/g, '"'));
    const text = await (await get(`/issues/${DIGEST}/frame?part=text&sub=sample`)).text();
    expect(text).toContain('Hi Sam Reader,');
    const img = await get('/assets/winter-arts-festival.png');
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    const emailCopy = await get(copy!);
    expect(emailCopy.status).toBe(200);
    expect(emailCopy.headers.get('content-type')).toBe('image/png');
    // Named by the hash of its bytes: kept by the browser, so a save reloads the frames only.
    expect(emailCopy.headers.get('cache-control')).toMatch(/immutable/);
    // content/assets files are not hashed: revalidated each time.
    expect(img.headers.get('cache-control')).toBe('no-cache');
  });

  it('escapes subscriber values in the personalized email', async () => {
    const html = await (await get(`/issues/${DIGEST}/frame?part=html&sub=0`)).text();
    expect(html).toContain('Hi &lt;b&gt;Bold&lt;/b&gt; &amp; Co,');
    expect(html).not.toContain('<b>Bold</b>');
    const page = await (await get(`/issues/${DIGEST}/`)).text();
    expect(page).toContain('<option value="0">Tricky &lt;b&gt;</option>');
  });

  it('offers the personalized test message as an .eml when no SMTP server is configured', async () => {
    const res = await get(`/issues/${DIGEST}/test.eml?sub=sample`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('message/rfc822');
    expect(res.headers.get('content-disposition')).toContain(`${DIGEST}-test.eml`);
    const eml = Buffer.from(await res.arrayBuffer());
    const mail = await simpleParser(eml);
    expect(mail.subject).toBe('This week: Kazakhstan, a winter arts festival and finals');
    expect(mail.html).toContain('Hi Sam Reader,');
    expect(mail.text).toContain('Hi Sam Reader,');
    const head = eml
      .toString('utf8')
      .split(/\r?\n\r?\n/)[0]!
      .replace(/\r?\n[ \t]+/g, ' ');
    expect(head).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(head).toMatch(/^List-Unsubscribe: <https:\/\/www\.thegazelle\.org\/newsletter\/unsubscribe\?token=v2\./m);
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('sam.reader@example.org');
  });

  it('refuses send-test without SMTP, without JSON, from another origin, or with a bad address', async () => {
    const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      get(`/issues/${DIGEST}/send-test`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post({ to: 'a@example.org' }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post({ to: 'a@example.org' }, { 'content-type': 'application/json', origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
    expect((await post({ to: '--help' })).status).toBe(400);
    // The same rules as `gazette send`: a quoted local part is refused here too.
    const quoted = await post({ to: '"a b"@example.org' });
    expect(quoted.status).toBe(400);
    expect(((await quoted.json()) as { message: string }).message).toContain('quotes');
    const noSmtp = await post({ to: 'a@example.org' });
    expect(noSmtp.status).toBe(409);
    expect(((await noSmtp.json()) as { message: string }).message).toContain('SMTP_URL');
    expect((await get(`/issues/${DIGEST}/send-test`)).status).toBe(405);
  });

  it('answers 404 to every path outside the root, however it is encoded', async () => {
    const paths = [
      '/issues/..%2f..%2fetc/passwd',
      '/issues/../../etc/passwd',
      '/issues/%2e%2e/%2e%2e/etc/passwd',
      '/issues/..%5c..%5cetc%5cpasswd',
      '/assets/../publication.yml',
      '/assets/..%2fpublication.yml',
      '/assets/%2e%2e/publication.yml',
      '/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/assets/.hidden',
      '/assets/gazelle-logo.png%00.txt',
      '/assets/%E0%A4%A',
      `/issues/${DIGEST}/../../content/publication.yml`,
      `/issues/${DIGEST}/..%2f..%2fcontent%2fpublication.yml`,
      '/issues/no-such-issue/',
      '/content/publication.yml',
      '//etc/passwd',
    ];
    for (const p of paths) {
      const res = await rawGet(server.url, p);
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
      expect(res.body).not.toContain('unsubscribeUrl');
    }
  });

  it('does not follow a symlink out of content/assets', async () => {
    const link = path.join(root, 'content', 'assets', 'leak.yml');
    await symlink(path.join(root, 'content', 'publication.yml'), link);
    try {
      expect((await rawGet(server.url, '/assets/leak.yml')).status).toBe(404);
    } finally {
      await unlink(link); // a link out of assets/ is also a build error (content/symlink-outside)
    }
  });

  it('refuses requests whose Host is not this machine (DNS rebinding)', async () => {
    const res = await rawGet(server.url, '/', { host: 'evil.example:80' });
    expect(res.status).toBe(403);
  });

  it('pushes a rebuild to open pages within 2 s of a save and serves the new content', async () => {
    const sse = await listenEvents(server.url);
    try {
      const file = path.join(root, ARTICLE);
      const before = await readFile(file, 'utf8');
      await writeFile(file, before.replace(/^title: .*$/m, 'title: "Finals week: please, slow down (edited)"'));
      const e = await sse.next(
        (x) => x.event === 'build' && (x.data as { changed: Record<string, string> }).changed[DIGEST] === 'frames',
        2000,
      );
      // The feature issue does not include this article: its frames are left alone.
      expect((e.data as { changed: Record<string, string> }).changed[FEATURE], JSON.stringify(sse.events)).not.toBe(
        'frames',
      );
      const frame = await (await get(`/issues/${DIGEST}/frame?part=html`)).text();
      expect(frame).toContain('Finals week: please, slow down (edited)');
    } finally {
      sse.close();
    }
  });

  it('shows a broken article as diagnostics beside the last good build, then recovers by itself', async () => {
    const sse = await listenEvents(server.url);
    const file = path.join(root, ARTICLE);
    const good = await readFile(file, 'utf8');
    try {
      await writeFile(file, good.replace(/^title: .*\n/m, ''));
      await sse.next(
        (x) => x.event === 'build' && (x.data as { changed: Record<string, string> }).changed[DIGEST] === 'meta',
        2000,
      );
      const page = await (await get(`/issues/${DIGEST}/`)).text();
      expect(page).toContain('missing required field `title`');
      expect(page).toContain(`${ARTICLE}:`);
      expect(page).toContain('Hint');
      expect(page).toContain('showing the last good build');
      // The frames still show the last good email; the raw output says why it cannot be built.
      expect((await get(`/issues/${DIGEST}/frame?part=html`)).status).toBe(200);
      const raw = await get(`/issues/${DIGEST}/email.html`);
      expect(raw.status).toBe(500);
      expect(await raw.text()).toMatch(/finals-week-slow-down\.md:\d+:\d+: error: missing required field `title`/);
      const index = await (await get('/')).text();
      expect(index).toContain('missing required field');

      await writeFile(file, good);
      await sse.next(
        (x) => x.event === 'build' && !!(x.data as { changed: Record<string, string> }).changed[DIGEST],
        2000,
      );
      const fixed = await (await get(`/issues/${DIGEST}/`)).text();
      expect(fixed).not.toContain('missing required field');
      expect(fixed).not.toContain('showing the last good build');
      expect((await get(`/issues/${DIGEST}/email.html`)).status).toBe(200);
    } finally {
      await writeFile(file, good);
      sse.close();
    }
  });

  it('shows a broken template with its file and line, and recovers', async () => {
    const sse = await listenEvents(server.url);
    const { mkdir, rm } = await import('node:fs/promises');
    const dir = path.join(root, 'templates', 'partials');
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'footer.mjml.hbs'), '<mj-section>\n  {{#if publication.name}}\n</mj-section>\n');
      await sse.next(
        (x) => x.event === 'build' && !!(x.data as { changed: Record<string, string> }).changed[DIGEST],
        3000,
      );
      const page = await (await get(`/issues/${DIGEST}/`)).text();
      expect(page).toContain('templates/partials/footer.mjml.hbs:');
      expect(page).toContain('gz-diag error');
      await rm(path.join(root, 'templates'), { recursive: true });
      await sse.next(
        (x) => x.event === 'build' && !!(x.data as { changed: Record<string, string> }).changed[DIGEST],
        3000,
      );
      expect(await (await get(`/issues/${DIGEST}/`)).text()).toContain('No problems found');
    } finally {
      await rm(path.join(root, 'templates'), { recursive: true, force: true });
      sse.close();
    }
  });
});
