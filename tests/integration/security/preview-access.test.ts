import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type PreviewServer } from '../../../src/preview/server.js';
import { DIGEST, tempRoot } from '../../helpers/preview.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
/** A request with exactly these headers (a browser after DNS rebinding sends the attacker's Host and Origin). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Res> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, timeout: 10_000 }, (res) => {
      let b = '';
      res.on('data', (c: Buffer) => (b += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: b }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
const JSON_POST = { 'content-type': 'application/json' };
const sendTest = `/issues/${DIGEST}/send-test`;

describe('attack: reach the preview on 127.0.0.1 by DNS rebinding (issue 12)', () => {
  let p: PreviewServer;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const r = await tempRoot();
    cleanup = r.cleanup;
    p = await startPreview({ root: r.root, port: 0, watch: false });
  });
  afterAll(async () => {
    await p.close();
    await cleanup();
  });

  it("refuses the rebinding shape (Host and Origin both the attacker's), and a foreign Origin with a good Host", async () => {
    const evil = { host: `evil.example:${p.port}`, origin: `http://evil.example:${p.port}` };
    expect((await raw(p.url, 'GET', `/issues/${DIGEST}/email.html`, evil)).status).toBe(403);
    expect((await raw(p.url, 'POST', sendTest, { ...evil, ...JSON_POST }, '{"to":"x@example.org"}')).status).toBe(403);
    const r = await raw(
      p.url,
      'POST',
      sendTest,
      { host: `127.0.0.1:${p.port}`, origin: 'http://evil.example', ...JSON_POST },
      '{"to":"x@example.org"}',
    );
    expect(r.status).toBe(403);
    expect(p.url).not.toContain('token='); // on loopback the Host check suffices
    expect((await raw(p.url, 'GET', '/', { host: `127.0.0.1:${p.port}` })).status).toBe(200);
  });
});

describe('attack: reach `gazette preview --host` from another machine or page (issue 12)', () => {
  let p: PreviewServer;
  let cleanup: () => Promise<void>;
  let token: string;
  beforeAll(async () => {
    const r = await tempRoot();
    cleanup = r.cleanup;
    // Any host but 127.0.0.1/localhost/::1 asks for the token; 127.0.0.2 keeps the test on loopback.
    p = await startPreview({ root: r.root, host: '127.0.0.2', port: 0, watch: false });
    token = new URL(p.url).searchParams.get('token') ?? '';
  });
  afterAll(async () => {
    await p.close();
    await cleanup();
  });
  const own = () => ({ host: `127.0.0.2:${p.port}` });

  it('prints a URL with a per-run token', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses every request without the token, with a wrong one, and with forged Host and Origin', async () => {
    for (const path of [
      '/',
      `/issues/${DIGEST}/`,
      `/issues/${DIGEST}/email.html`,
      '/events',
      '/assets/gazelle-logo.png',
    ])
      expect((await raw(p.url, 'GET', path, own())).status, path).toBe(403);
    expect((await raw(p.url, 'GET', `/?token=${'x'.repeat(32)}`, own())).status).toBe(403);
    const evil = { host: `evil.example:${p.port}`, origin: `http://evil.example:${p.port}` };
    expect((await raw(p.url, 'GET', '/', evil)).status).toBe(403);
    expect((await raw(p.url, 'POST', sendTest, { ...evil, ...JSON_POST }, '{"to":"x@example.org"}')).status).toBe(403);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie, then serves; a POST must come from its own origin', async () => {
    const first = await raw(p.url, 'GET', `/issues/${DIGEST}/?view=both&token=${token}`, own());
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/issues/${DIGEST}/?view=both`);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = { ...own(), cookie: cookie.split(';')[0]! };
    expect((await raw(p.url, 'GET', `/issues/${DIGEST}/email.html`, jar)).status).toBe(200);
    // With the cookie, a page of another origin (its Host forged to match) still cannot send.
    const forged = { ...jar, host: `evil.example:${p.port}`, origin: `http://evil.example:${p.port}`, ...JSON_POST };
    expect((await raw(p.url, 'POST', sendTest, forged, '{"to":"x@example.org"}')).status).toBe(403);
    const mine = { ...jar, origin: `http://127.0.0.2:${p.port}`, ...JSON_POST };
    expect((await raw(p.url, 'POST', sendTest, mine, '{"to":"x@example.org"}')).status).not.toBe(403);
  });
});
