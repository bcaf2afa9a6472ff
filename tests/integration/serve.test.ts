import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { SuppressionList, type Suppression } from '../../src/store/suppression.js';
import { loadContent } from '../../src/load/index.js';
import { maskEmail } from '../../src/server/pages.js';
import { createGazetteHandler } from '../../src/server/handler.js';
import { DiagnosticsError } from '../../src/util/errors.js';
import { signToken } from '../../src/util/token.js';
import { rawRequest, rawSocket, serveRoot, type Served } from '../helpers/http.js';
import { legacyV1Token, resubscribeTokenIn } from '../helpers/tokens.js';
import { buildSite, sampleRoot, SECRET } from '../helpers/site.js';

const ISSUE = 'weekly-digest-2025-11-21';
const DANA = 'dana@thegazelle.org';
const BOB = 'bob@example.com';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

let root: string;
let cleanup: () => Promise<void>;
let s: Served;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  await buildSite(root);
  s = await serveRoot({ root, secret: SECRET, bodyTimeoutMs: 500 });
});
afterAll(async () => {
  await s.close();
  await cleanup();
});

/** A second connection to the same SQLite file, as `gazette send` would have. */
function suppressed(): Suppression[] {
  const db = openDatabase(root);
  try {
    return [...new SuppressionList(db).list()];
  } finally {
    db.close();
  }
}
afterEach(() => {
  const db = openDatabase(root);
  db.exec('DELETE FROM suppressions');
  db.close();
});

const tokenFor = (email: string, issue = ISSUE, secret = SECRET) => signToken({ email, issue }, secret);
const unsub = (token: string) => `/newsletter/unsubscribe?token=${encodeURIComponent(token)}`;
const oneClick = (token: string) => rawRequest(s.url, 'POST', unsub(token), 'List-Unsubscribe=One-Click', FORM);

describe('static files from dist/', () => {
  it('serves the archive, feed, web versions and assets with their types and security headers', async () => {
    const home = await rawRequest(s.url, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.body).toContain('href="issues/weekly-digest-2025-11-21/"');
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect(home.headers['referrer-policy']).toBe('no-referrer');
    expect(home.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await rawRequest(s.url, 'GET', '/feed.xml')).headers['content-type']).toBe(
      'application/atom+xml; charset=utf-8',
    );
    const web = await rawRequest(s.url, 'GET', `/issues/${ISSUE}/`);
    expect(web.status).toBe(200);
    expect(web.body).toContain('<title>This week: Kazakhstan, a winter arts festival and finals | The Gazelle</title>');
    const logo = await rawRequest(s.url, 'GET', '/assets/gazelle-logo.png');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
  });

  it('redirects a web version without its trailing slash (relative links need it)', async () => {
    const r = await rawRequest(s.url, 'GET', `/issues/${ISSUE}`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`${ISSUE}/`);
  });

  it('answers HEAD with the headers and no body', async () => {
    const get = await rawRequest(s.url, 'GET', '/feed.xml');
    const head = await rawRequest(s.url, 'HEAD', '/feed.xml');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
  });

  it.each([
    '/..%2f..%2fetc/passwd',
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/..%5c..%5cetc%5cpasswd',
    `/issues/..%2f..%2f..%2fetc%2fpasswd/`,
    '/%00/index.html',
    '/.env',
    '/nothing-here',
    '/%E0%A4%A',
  ])('refuses %s with 404 and never leaves dist/', async (p) => {
    const r = await rawRequest(s.url, 'GET', p);
    expect(r.status).toBe(404);
    expect(r.body).not.toMatch(/root:|GAZETTE_SECRET/);
  });

  it('does not follow a symlink out of dist/', async () => {
    await writeFile(path.join(root, '.env'), `GAZETTE_SECRET=${SECRET}\n`);
    await symlink(path.join(root, '.env'), path.join(root, 'dist', 'leak.txt'));
    await symlink(root, path.join(root, 'dist', 'up'));
    expect((await rawRequest(s.url, 'GET', '/leak.txt')).status).toBe(404);
    expect((await rawRequest(s.url, 'GET', '/up/content/publication.yml')).status).toBe(404);
  });

  it('refuses other methods and absolute-form targets', async () => {
    const post = await rawRequest(s.url, 'POST', '/', 'x=1', FORM);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await rawRequest(s.url, 'GET', 'http://evil.example/')).status).toBe(400);
  });
});

describe('the unsubscribe endpoint', () => {
  it('GET shows the publication, the masked address and a button that POSTs, and unsubscribes no one', async () => {
    const token = tokenFor(DANA);
    const r = await rawRequest(s.url, 'GET', unsub(token));
    expect(r.status).toBe(200);
    expect(r.body).toContain('The Gazelle');
    expect(r.body).toContain('d***@thegazelle.org');
    expect(r.body).not.toContain(DANA);
    expect(r.body).toContain(`<form method="post" action="?token=${token}">`);
    expect(r.headers['content-security-policy']).toContain("form-action 'self'");
    expect(r.headers['cache-control']).toBe('no-store');
    await rawRequest(s.url, 'GET', unsub(token));
    await rawRequest(s.url, 'HEAD', unsub(token));
    expect(suppressed()).toEqual([]);
  });

  it('POST List-Unsubscribe=One-Click (RFC 8058) unsubscribes: 200, no cookie, no redirect', async () => {
    const r = await oneClick(tokenFor(DANA));
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers.location).toBeUndefined();
    expect(r.body).toContain('You are unsubscribed');
    expect(r.body).toContain('value="resubscribe"');
    expect(suppressed()).toEqual([expect.objectContaining({ email: DANA, reason: 'unsubscribe', source: ISSUE })]);
  });

  it('a repeated POST is 200 and changes nothing', async () => {
    await oneClick(tokenFor(DANA));
    const before = suppressed();
    const again = await oneClick(tokenFor(DANA, 'kazakhstan-abraham-accords'));
    expect(again.status).toBe(200);
    expect(suppressed()).toEqual(before);
  });

  it('the GET page of an unsubscribed address says so, without a resubscribe button (the link may be forwarded)', async () => {
    await oneClick(tokenFor(DANA));
    const r = await rawRequest(s.url, 'GET', unsub(tokenFor(DANA)));
    expect(r.status).toBe(200);
    expect(r.body).toContain('You are unsubscribed');
    expect(r.body).not.toContain('value="resubscribe"');
  });

  it("accepts the page's form and a token in the body", async () => {
    const token = tokenFor(DANA);
    expect((await rawRequest(s.url, 'POST', unsub(token), 'action=unsubscribe', FORM)).status).toBe(200);
    expect(
      (
        await rawRequest(
          s.url,
          'POST',
          '/newsletter/unsubscribe',
          new URLSearchParams({ token: tokenFor(BOB) }).toString(),
          FORM,
        )
      ).status,
    ).toBe(200);
    expect(suppressed().map((x) => x.email)).toEqual([BOB, DANA]);
  });

  it('accepts a multipart one-click body', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n';
    const r = await rawRequest(s.url, 'POST', unsub(tokenFor(DANA)), body, {
      'Content-Type': 'multipart/form-data; boundary=b',
    });
    expect(r.status).toBe(200);
    expect(suppressed().map((x) => x.email)).toEqual([DANA]);
  });

  it('resubscribe (a POST from the page right after unsubscribing) removes the suppression', async () => {
    const resubscribe = resubscribeTokenIn((await oneClick(tokenFor(DANA))).body)!;
    const body = new URLSearchParams({ action: 'resubscribe', resubscribe }).toString();
    const r = await rawRequest(s.url, 'POST', unsub(tokenFor(DANA)), body, FORM);
    expect(r.status).toBe(200);
    expect(r.body).toContain('You are subscribed again');
    expect(suppressed()).toEqual([]);
  });

  it.each([
    ['missing', ''],
    ['garbage', 'not-a-token'],
    ['wrong version', tokenFor(DANA).replace(/^v2/, 'v3')],
    ['altered MAC', tokenFor(DANA).slice(0, -2) + (tokenFor(DANA).endsWith('AA') ? 'BB' : 'AA')],
    ['other secret', tokenFor(DANA, ISSUE, 'another-secret-0123456789')],
    ['bad base64', 'v1.!!!.x.y'],
    ['too long', 'v1.' + 'A'.repeat(5000)],
  ])('a %s token is 400 and changes nothing (GET and POST)', async (_name, token) => {
    const path = token ? unsub(token) : '/newsletter/unsubscribe';
    const get = await rawRequest(s.url, 'GET', path);
    expect(get.status).toBe(400);
    expect(get.body).toContain('This unsubscribe link is not valid');
    expect(get.body).toContain('unsubscribe@thegazelle.org');
    expect((await rawRequest(s.url, 'POST', path, 'List-Unsubscribe=One-Click', FORM)).status).toBe(400);
    expect(suppressed()).toEqual([]);
  });

  it('a token for one issue and address cannot unsubscribe another address', async () => {
    const [v, , issue, mac] = legacyV1Token(DANA, ISSUE, SECRET).split('.');
    const swapped = [v, Buffer.from(BOB).toString('base64url'), issue, mac].join('.');
    expect((await oneClick(swapped)).status).toBe(400);
    // Nor another issue's claims with this MAC.
    const otherIssue = [
      v,
      Buffer.from(DANA).toString('base64url'),
      Buffer.from('kazakhstan-abraham-accords').toString('base64url'),
      mac,
    ].join('.');
    expect((await oneClick(otherIssue)).status).toBe(400);
    expect(suppressed()).toEqual([]);
    expect((await oneClick(tokenFor(DANA))).status).toBe(200);
    expect(suppressed().map((x) => x.email)).toEqual([DANA]);
  });

  it('refuses a huge body with 413 and changes nothing', async () => {
    const big = 'List-Unsubscribe=One-Click&pad=' + 'x'.repeat(1_000_000);
    const declared = await rawRequest(s.url, 'POST', unsub(tokenFor(DANA)), big, FORM);
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(s.url, 'POST', unsub(tokenFor(DANA)), big, {
      ...FORM,
      'Transfer-Encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    expect(suppressed()).toEqual([]);
  });

  it('times out a client that never finishes its body, and keeps serving others', async () => {
    const answer = await rawSocket(
      s.url,
      `POST ${unsub(tokenFor(DANA))} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nList-Unsu`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(suppressed()).toEqual([]);
    expect((await rawRequest(s.url, 'GET', '/')).status).toBe(200);
  });

  it('refuses other methods with 405', async () => {
    const r = await rawRequest(s.url, 'PUT', unsub(tokenFor(DANA)), 'List-Unsubscribe=One-Click', FORM);
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, POST');
    expect(suppressed()).toEqual([]);
  });
});

describe('paths under the base path of publication.url', () => {
  it('answers with or without the base path (a proxy may strip it) and reads GAZETTE_SECRET from <root>/.env', async () => {
    const { content } = await loadContent(root);
    const publication = {
      ...content!.publication,
      url: 'https://example.org/news',
      unsubscribeUrl: 'https://example.org/news/unsubscribe',
    };
    await mkdir(path.join(root, 'dist'), { recursive: true });
    await writeFile(path.join(root, '.env'), `GAZETTE_SECRET=${SECRET}\n`);
    const saved = process.env.GAZETTE_SECRET;
    delete process.env.GAZETTE_SECRET;
    const other = await serveRoot({ root, publication });
    if (saved !== undefined) process.env.GAZETTE_SECRET = saved;
    try {
      expect((await rawRequest(other.url, 'GET', '/news/')).status).toBe(200);
      expect((await rawRequest(other.url, 'GET', `/news/issues/${ISSUE}/`)).status).toBe(200);
      expect((await rawRequest(other.url, 'GET', `/issues/${ISSUE}/`)).status).toBe(200);
      expect(
        (
          await rawRequest(
            other.url,
            'POST',
            `/news/unsubscribe?token=${tokenFor(DANA)}`,
            'List-Unsubscribe=One-Click',
            FORM,
          )
        ).status,
      ).toBe(200);
      expect(
        (await rawRequest(other.url, 'POST', `/unsubscribe?token=${tokenFor(BOB)}`, 'List-Unsubscribe=One-Click', FORM))
          .status,
      ).toBe(200);
      expect(suppressed().map((x) => x.email)).toEqual([BOB, DANA]);
    } finally {
      await other.close();
    }
  });
});

describe('failures', () => {
  it('refuses to start on a root without content/publication.yml', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'gazette-empty-'));
    await mkdir(path.join(empty, 'content', 'issues'), { recursive: true });
    try {
      const err = await createGazetteHandler({ root: empty, secret: SECRET }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiagnosticsError);
      expect((err as DiagnosticsError).diagnostics.map((d) => d.file)).toContain('content/publication.yml');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('answers 500 when the suppression list cannot be written, changes nothing, and stays up', async () => {
    const lines: string[] = [];
    const broken = await serveRoot({ root, secret: SECRET, log: (l) => lines.push(l) });
    try {
      broken.handler.close(); // the database goes away under the running server
      const r = await rawRequest(broken.url, 'POST', unsub(tokenFor(DANA)), 'List-Unsubscribe=One-Click', FORM);
      expect(r.status).toBe(500);
      expect(r.body).not.toContain('database');
      expect(lines.join('\n')).toMatch(/^error: /m);
      expect((await rawRequest(broken.url, 'GET', '/')).status).toBe(200);
      expect(suppressed()).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => broken.server.close(() => resolve()));
      broken.server.closeAllConnections();
    }
  });
});

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('dana@thegazelle.org')).toBe('d***@thegazelle.org');
    expect(maskEmail('x@y.z')).toBe('x***@y.z');
    expect(maskEmail('élodie@exemple.fr')).toBe('é***@exemple.fr');
    expect(maskEmail('broken')).toBe('***');
  });
});
