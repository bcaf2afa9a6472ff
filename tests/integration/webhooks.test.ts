import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../helpers/http.js';
import { webhookRoot, type WebhookRoot } from '../helpers/webhooks.js';

// Postmark (basic auth), Mailgun (HMAC of timestamp+token) and Resend (Svix) webhooks posted to a
// real server over HTTP, into a real SQLite store: a valid request stops the right address, a
// forged, stale or replayed one is refused and changes nothing, a repeat changes nothing more.

const MAILGUN_KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const RESEND_KEY = randomBytes(24);
const RESEND_SECRET = `whsec_${RESEND_KEY.toString('base64')}`;
const POSTMARK = 'postmark-hook:correct horse battery staple';
const EMAILS = ['pm-hard@example.org', 'pm-soft@example.org', 'pm-spam@example.org'];
const MG = ['mg-hard@example.org', 'mg-soft@example.org', 'mg-spam@example.org'];
const RS = ['rs-hard@example.org', 'rs-soft@example.org', 'rs-spam@example.org'];
let w: WebhookRoot;

beforeAll(async () => {
  w = await webhookRoot([...EMAILS, ...MG, ...RS], {
    webhooks: { postmarkAuth: POSTMARK, mailgunSigningKey: MAILGUN_KEY, resendSecret: RESEND_SECRET },
  });
});
afterAll(async () => w.close());

const basic = (cred: string) => ({ Authorization: `Basic ${Buffer.from(cred).toString('base64')}` });

describe('Postmark webhook', () => {
  const bounce = (id: number, email: string, type: string) =>
    JSON.stringify({ RecordType: 'Bounce', ID: id, Type: type, TypeCode: 1, Email: email, MessageID: `m-${id}` });

  it('refuses missing or wrong credentials (401) and changes nothing', async () => {
    const before = await w.state();
    const body = bounce(1, 'pm-hard@example.org', 'HardBounce');
    expect((await w.post('postmark', body)).status).toBe(401);
    const wrong = await w.post('postmark', body, basic('postmark-hook:guess'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic /);
    expect(await w.state()).toEqual(before);
  });

  it('a hard bounce and a spam complaint stop the address; a soft bounce is counted; repeats change nothing', async () => {
    const hard = bounce(1, 'pm-hard@example.org', 'HardBounce');
    const spam = JSON.stringify({
      RecordType: 'SpamComplaint',
      ID: 2,
      Type: 'SpamComplaint',
      Email: 'pm-spam@example.org',
    });
    const soft = bounce(3, 'pm-soft@example.org', 'SoftBounce');
    for (const body of [hard, spam, soft]) expect((await w.post('postmark', body, basic(POSTMARK))).status).toBe(200);
    const after = await w.state();
    expect(after['pm-hard@example.org']).toBe('bounced bounce:webhook:postmark');
    expect(after['pm-spam@example.org']).toBe('complained complaint:webhook:postmark');
    expect(after['pm-soft@example.org']).toBe('confirmed');
    // The same soft event again is the same report: still one of the three that would stop it.
    for (const body of [hard, spam, soft, soft]) await w.post('postmark', body, basic(POSTMARK));
    expect(await w.state()).toEqual(after);
    await w.post('postmark', bounce(4, 'pm-soft@example.org', 'SoftBounce'), basic(POSTMARK));
    const third = await w.post('postmark', bounce(5, 'pm-soft@example.org', 'Transient'), basic(POSTMARK));
    expect(JSON.parse(third.body)).toMatchObject({ soft: 1, softStopped: 1 });
    expect((await w.state())['pm-soft@example.org']).toBe('bounced bounce:soft-bounces:3');
  });
});

describe('Mailgun webhook', () => {
  const sign = (timestamp: string, token: string, key = MAILGUN_KEY) => ({
    timestamp,
    token,
    signature: createHmac('sha256', key)
      .update(timestamp + token)
      .digest('hex'),
  });
  const now = () => String(Math.floor(Date.now() / 1000));
  const event = (
    id: string,
    recipient: string,
    extra: object,
    signature = sign(now(), randomBytes(25).toString('hex')),
  ) => JSON.stringify({ signature, 'event-data': { id, recipient, timestamp: Date.now() / 1000, ...extra } });

  it('refuses a forged signature, a stale timestamp and a replayed token (403), changing nothing', async () => {
    const before = await w.state();
    const failed = { event: 'failed', severity: 'permanent', 'delivery-status': { code: 550 } };
    const forged = event('f1', 'mg-hard@example.org', failed, sign(now(), 'a'.repeat(50), 'key-not-the-right-one'));
    expect((await w.post('mailgun', forged)).status).toBe(403);
    const stale = event(
      'f2',
      'mg-hard@example.org',
      failed,
      sign(String(Math.floor(Date.now() / 1000) - 3600), 'b'.repeat(50)),
    );
    expect((await w.post('mailgun', stale)).status).toBe(403);
    // A valid request for a delivered message, then its signature reused on a bounce.
    const sig = sign(now(), 'c'.repeat(50));
    expect((await w.post('mailgun', event('d1', 'mg-hard@example.org', { event: 'delivered' }, sig))).status).toBe(200);
    expect((await w.post('mailgun', event('f3', 'mg-hard@example.org', failed, sig))).status).toBe(403);
    expect(await w.state()).toEqual(before);
  });

  it('a permanent failure and a complaint stop the address, a temporary one is counted, a retry changes nothing', async () => {
    const hard = event('e1', 'mg-hard@example.org', {
      event: 'failed',
      severity: 'permanent',
      'delivery-status': { code: 550, 'enhanced-code': '5.1.1' },
    });
    const spam = event('e2', 'mg-spam@example.org', { event: 'complained' });
    const soft = event('e3', 'mg-soft@example.org', { event: 'failed', severity: 'temporary' });
    for (const body of [hard, spam, soft]) expect((await w.post('mailgun', body)).status).toBe(200);
    const after = await w.state();
    expect(after['mg-hard@example.org']).toBe('bounced bounce:webhook:mailgun');
    expect(after['mg-spam@example.org']).toBe('complained complaint:webhook:mailgun');
    expect(after['mg-soft@example.org']).toBe('confirmed');
    // Mailgun retries a delivery with the same signature: accepted, and nothing more happens.
    const retry = await w.post('mailgun', soft);
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body).soft).toBe(0);
    expect(await w.state()).toEqual(after);
  });
});

describe('Resend webhook (Svix)', () => {
  const headers = (body: string, id: string, ts = Math.floor(Date.now() / 1000), key = RESEND_KEY) => ({
    'svix-id': id,
    'svix-timestamp': String(ts),
    'svix-signature': `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`,
  });
  const payload = (type: string, emailId: string, to: string, bounce?: object) =>
    JSON.stringify({ type, created_at: new Date().toISOString(), data: { email_id: emailId, to: [to], bounce } });

  it('refuses a forged, a stale and an unsigned request (403), changing nothing', async () => {
    const before = await w.state();
    const body = payload('email.bounced', 'r1', 'rs-hard@example.org', { type: 'Permanent' });
    expect((await w.post('resend', body, headers(body, 'msg_1', undefined, randomBytes(24)))).status).toBe(403);
    expect((await w.post('resend', body, headers(body, 'msg_1', Math.floor(Date.now() / 1000) - 600))).status).toBe(
      403,
    );
    expect((await w.post('resend', body)).status).toBe(403);
    // Signed for another body.
    const other = payload('email.delivered', 'r1', 'rs-hard@example.org');
    expect((await w.post('resend', body, headers(other, 'msg_1'))).status).toBe(403);
    expect(await w.state()).toEqual(before);
  });

  it('a bounce and a complaint stop the address, a delay is counted, a redelivery changes nothing', async () => {
    const hard = payload('email.bounced', 'r2', 'rs-hard@example.org', { type: 'Permanent', subType: 'General' });
    const spam = payload('email.complained', 'r3', 'rs-spam@example.org');
    const soft = payload('email.delivery_delayed', 'r4', 'rs-soft@example.org');
    const sent = [
      [hard, 'msg_2'],
      [spam, 'msg_3'],
      [soft, 'msg_4'],
    ] as const;
    for (const [body, id] of sent) expect((await w.post('resend', body, headers(body, id))).status).toBe(200);
    const after = await w.state();
    expect(after['rs-hard@example.org']).toBe('bounced bounce:webhook:resend');
    expect(after['rs-spam@example.org']).toBe('complained complaint:webhook:resend');
    expect(after['rs-soft@example.org']).toBe('confirmed');
    for (const [body, id] of sent) expect((await w.post('resend', body, headers(body, id))).status).toBe(200);
    expect(await w.state()).toEqual(after);
  });
});

describe('webhook routes', () => {
  it('an unconfigured provider answers as any other path does, and a webhook takes POST only', async () => {
    const nowhere = await w.post('no-such-path', '{}');
    expect((await w.post('ses', '{}')).status).toBe(nowhere.status);
    expect((await w.post('sendgrid', '{}')).status).toBe(nowhere.status);
    const get = await rawRequest(w.served.url, 'GET', '/webhooks/postmark');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });
});
