import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateLimit } from '../../src/server/rate-limit.js';
import { openSubscriberStores } from '../../src/store/subscriber-store.js';
import { signConfirmToken } from '../../src/util/confirm-token.js';
import { signToken } from '../../src/util/token.js';
import { resubscribeTokenIn } from '../helpers/tokens.js';
import { rawRequest, serveRoot, type Served } from '../helpers/http.js';
import { makeRoot, PUBLICATION } from '../helpers/root.js';
import { startSink, type Sink } from '../helpers/send.js';

// Double opt-in against real parts: the handler in a real HTTP server, the confirmation through
// SMTP_URL to a real smtp-server sink (raw messages parsed with mailparser), the SQLite store.

const SECRET = 'subscribe-test-secret-0123456789';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
let s: Served;

beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({
    publication: `${PUBLICATION}subscribeUrl: https://news.example.org/subscribe\n`,
  }));
  sink = await startSink({ raw: true, dir: root });
  await writeFile(path.join(root, '.env'), `SMTP_URL=${sink.url}\n`);
  s = await serveRoot({
    root,
    secret: SECRET,
    bodyTimeoutMs: 500,
    limits: { ip: rateLimit(1000, 60_000), addressShort: rateLimit(1, 60_000), addressDay: rateLimit(3, 60_000) },
  });
});
afterAll(async () => {
  await s.close();
  await sink.stop();
  await cleanup();
});

const signUp = (body: string, headers: Record<string, string> = FORM) =>
  rawRequest(s.url, 'POST', '/subscribe', body, headers);
async function status(email: string) {
  const stores = await openSubscriberStores({ root });
  try {
    return { sub: await stores.subscribers.get(email), sup: await stores.suppressions.get(email) };
  } finally {
    await stores.close();
  }
}
async function confirmLink(n: number): Promise<string> {
  await sink.waitFor(n);
  const mail = await simpleParser(sink.deliveries[n - 1]!.raw!);
  const href = /href="(https:\/\/news\.example\.org\/subscribe\/confirm\?token=[^"]+)"/.exec(String(mail.html))![1]!;
  expect(mail.text).toContain(href.replace(/&amp;/g, '&'));
  return new URL(href.replace(/&amp;/g, '&')).pathname + new URL(href.replace(/&amp;/g, '&')).search;
}

describe('double opt-in', () => {
  it('signs up, mails a themed confirmation, and confirms in one click without trusting GETs', async () => {
    const r = await signUp('email=Reader%40Example.org&name=Rea+Der');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Check your inbox');
    await s.handler.settled();
    const link = await confirmLink(1);
    const mail = await simpleParser(sink.deliveries[0]!.raw!);
    expect(mail.subject).toBe('Confirm your subscription to Test Weekly');
    expect(mail.to).toMatchObject({ value: [{ address: 'reader@example.org', name: 'Rea Der' }] });
    expect(String(mail.html)).toContain('Hello Rea Der');
    expect((await status('reader@example.org')).sub).toMatchObject({ status: 'pending', fields: { name: 'Rea Der' } });
    expect((await status('reader@example.org')).sub!.consent).toMatchObject({ source: 'form', confirmedAt: null });
    expect((await status('reader@example.org')).sub!.consent.ipHash).toMatch(/^[\w-]{16}$/);

    // A link scanner's GET (and HEAD) changes nothing; the page posts the token back by itself.
    const get = await rawRequest(s.url, 'GET', link);
    expect(get.status).toBe(200);
    expect(get.body).toMatch(/<form id="c" method="post" action="\?token=/);
    expect(get.body).toContain('f.submit()');
    const csp = String(get.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    await rawRequest(s.url, 'HEAD', link);
    expect((await status('reader@example.org')).sub!.status).toBe('pending');

    const post = await rawRequest(s.url, 'POST', link, '', FORM);
    expect(post.status).toBe(200);
    expect(post.body).toContain('You are subscribed');
    const after = (await status('reader@example.org')).sub!;
    expect(after.status).toBe('confirmed');
    expect(after.consent.confirmedAt).toMatch(/^\d{4}-/);
    // Replaying the link: the same answer, nothing new.
    expect((await rawRequest(s.url, 'POST', link, '', FORM)).status).toBe(200);
  });

  it('answers a confirmed, a known and an unknown address alike, and mails no confirmed address again', async () => {
    const before = sink.deliveries.length;
    const known = await signUp('email=reader%40example.org');
    const unknown = await signUp('email=stranger%40example.org');
    expect(known.status).toBe(unknown.status);
    expect(known.body).toBe(unknown.body);
    await s.handler.settled();
    await sink.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.deliveries.slice(before).map((d) => d.to)).toEqual([['stranger@example.org']]);
    // Asking again within the window sends nothing more to the pending address either.
    await signUp('email=stranger%40example.org');
    await s.handler.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.deliveries.length).toBe(before + 1);
  });

  it('refuses a forged or an expired token and changes nothing', async () => {
    const good = signConfirmToken('stranger@example.org', SECRET);
    const forged = `${good.slice(0, -3)}${good.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const other = signConfirmToken('stranger@example.org', 'another-secret-0123456789abcdef');
    const expired = signConfirmToken('stranger@example.org', SECRET, Date.now() - 49 * 3600_000);
    for (const t of [forged, other, expired, 'c1.x.y.z.w', '']) {
      const r = await rawRequest(s.url, 'POST', `/subscribe/confirm?token=${encodeURIComponent(t)}`, '', FORM);
      expect(r.status).toBe(400);
      expect((await rawRequest(s.url, 'GET', `/subscribe/confirm?token=${encodeURIComponent(t)}`)).status).toBe(400);
    }
    expect(
      (await rawRequest(s.url, 'POST', `/subscribe/confirm?token=${encodeURIComponent(expired)}`, '', FORM)).body,
    ).toContain('expired');
    expect((await status('stranger@example.org')).sub!.status).toBe('pending');
  });

  it('an old confirmation link cannot undo a later unsubscribe', async () => {
    const token = signConfirmToken('stranger@example.org', SECRET, Date.now() - 1000);
    const stores = await openSubscriberStores({ root });
    await stores.suppressions.add('stranger@example.org', 'unsubscribe', 'issue-1');
    await stores.subscribers.setStatus('stranger@example.org', 'unsubscribed');
    await stores.close();
    const r = await rawRequest(s.url, 'POST', `/subscribe/confirm?token=${encodeURIComponent(token)}`, '', FORM);
    expect(r.status).toBe(400);
    const after = await status('stranger@example.org');
    expect(after.sub!.status).toBe('unsubscribed');
    expect(after.sup!.reason).toBe('unsubscribe');
  });

  it('a bounced address that signs up again stays bounced until its new link is followed', async () => {
    const stores = await openSubscriberStores({ root });
    await stores.subscribers.put({ email: 'hard@example.org', status: 'bounced' });
    await stores.suppressions.add('hard@example.org', 'bounce', 'dsn');
    await stores.close();
    await new Promise((r) => setTimeout(r, 5));
    const n = sink.deliveries.length;
    await signUp('email=hard%40example.org');
    await s.handler.settled();
    const link = await confirmLink(n + 1);
    expect((await status('hard@example.org')).sub!.status).toBe('bounced');
    expect((await status('hard@example.org')).sup!.reason).toBe('bounce');
    expect((await rawRequest(s.url, 'POST', link, '', FORM)).status).toBe(200);
    const after = await status('hard@example.org');
    expect(after.sub!.status).toBe('confirmed');
    expect(after.sup).toBeUndefined();
  });
});

describe('the unsubscribe endpoint and the store', () => {
  it('an unsubscribe marks the subscriber; its resubscribe button never lifts a complaint', async () => {
    const stores = await openSubscriberStores({ root });
    await stores.subscribers.put({ email: 'u@example.org' });
    await stores.subscribers.put({ email: 'c@example.org', status: 'complained' });
    await stores.suppressions.add('c@example.org', 'complaint', 'arf');
    await stores.close();
    const unsub = (e: string) =>
      `/unsubscribe?token=${encodeURIComponent(signToken({ email: e, issue: 'i' }, SECRET))}`;
    const page = await rawRequest(s.url, 'POST', unsub('u@example.org'), 'List-Unsubscribe=One-Click', FORM);
    expect((await status('u@example.org')).sub!.status).toBe('unsubscribed');
    const again = `action=resubscribe&resubscribe=${encodeURIComponent(resubscribeTokenIn(page.body)!)}`;
    expect((await rawRequest(s.url, 'POST', unsub('u@example.org'), again, FORM)).status).toBe(200);
    expect((await status('u@example.org')).sub!.status).toBe('confirmed');
    // An undo token from a fresh unsubscribe, then a complaint arrives: the undo no longer lifts it.
    const cPage = await rawRequest(s.url, 'POST', unsub('u@example.org'), 'List-Unsubscribe=One-Click', FORM);
    const late = await openSubscriberStores({ root });
    await late.suppressions.replace('u@example.org', 'complaint', 'arf');
    await late.subscribers.setStatus('u@example.org', 'complained');
    await late.close();
    const cAgain = `action=resubscribe&resubscribe=${encodeURIComponent(resubscribeTokenIn(cPage.body)!)}`;
    const r = await rawRequest(s.url, 'POST', unsub('u@example.org'), cAgain, FORM);
    expect(r.status).toBe(409);
    expect(r.body).toContain('Sign up again');
    const c = await status('u@example.org');
    expect(c.sub!.status).toBe('complained');
    expect(c.sup!.reason).toBe('complaint');
    // And a one-click unsubscribe does not soften a complaint into an unsubscribe.
    await rawRequest(s.url, 'POST', unsub('c@example.org'), 'List-Unsubscribe=One-Click', FORM);
    expect((await status('c@example.org')).sub!.status).toBe('complained');
  });
});

describe('sign-up attacks', () => {
  it('header injection through the name reaches no header', async () => {
    const n = sink.deliveries.length;
    await signUp(`email=eve%40example.org&name=${encodeURIComponent('Eve\r\nBcc: victim@evil.example\r\nSubject: x')}`);
    await s.handler.settled();
    await sink.waitFor(n + 1);
    const d = sink.deliveries[n]!;
    expect(d.to).toEqual(['eve@example.org']);
    const head = d.raw!.slice(0, d.raw!.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head.match(/^Subject:/gim)).toHaveLength(1);
    expect((await simpleParser(d.raw!)).to).toMatchObject({ value: [{ address: 'eve@example.org' }] });
  });

  it('a filled honeypot gets the same answer and nothing happens', async () => {
    const r = await signUp('email=bot%40example.org&website=http%3A%2F%2Fspam');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Check your inbox');
    await s.handler.settled();
    expect((await status('bot@example.org')).sub).toBeUndefined();
  });

  it('refuses cross-site posts, oversized and unknown bodies, bad addresses; JSON works', async () => {
    const csrf = await signUp('email=csrf%40example.org', { ...FORM, Origin: 'https://evil.example' });
    expect(csrf.status).toBe(403);
    expect((await signUp('email=own%40example.org', { ...FORM, Origin: 'https://news.example.org' })).status).toBe(200);
    expect((await signUp(`email=big%40example.org&name=${'x'.repeat(5000)}`)).status).toBe(413);
    expect((await signUp('email=x%40example.org', { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await signUp('email=not-an-address')).status).toBe(400);
    expect((await signUp('{"email":', { 'Content-Type': 'application/json' })).status).toBe(415);
    const json = await signUp('{"email":"json@example.org","name":"J"}', { 'Content-Type': 'application/json' });
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toMatchObject({ ok: true });
    await s.handler.settled();
    expect((await status('csrf@example.org')).sub).toBeUndefined();
    expect((await status('big@example.org')).sub).toBeUndefined();
    expect((await status('json@example.org')).sub!.fields).toEqual({ name: 'J' });
  });

  it('limits sign-ups per IP', async () => {
    const limited = await serveRoot({
      root,
      secret: SECRET,
      limits: { ip: rateLimit(2, 60_000), addressShort: rateLimit(1, 60_000), addressDay: rateLimit(3, 60_000) },
    });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await rawRequest(limited.url, 'POST', '/subscribe', `email=ip${i}%40example.org`, FORM)).status);
      expect(codes).toEqual([200, 200, 429, 429]);
      await limited.handler.settled();
    } finally {
      await limited.close();
    }
  });
});
