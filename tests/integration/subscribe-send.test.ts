import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSubscriberStores } from '../../src/store/subscriber-store.js';
import { rawRequest, serveRoot, type Served } from '../helpers/http.js';
import { gz } from '../helpers/run.js';
import { ISSUE, makeRoot, SECRET, type Sink, startSink } from '../helpers/send.js';

// The whole life, with real parts: a sign-up on the real handler, the confirmation through a real
// smtp-server sink, its link followed, then `gazette send` (run() in-process) without --to mails the
// confirmed subscribers of the store (and only them), and a 550 marks the address bounced.

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
let s: Served;

beforeAll(async () => {
  const tmp = await makeRoot();
  sink = await startSink({ raw: true, dir: tmp.root, rules: { 'dead@example.org': { reply: 550 } } });
  await tmp.cleanup();
  ({ root, cleanup } = await makeRoot({ GAZETTE_SECRET: SECRET, SMTP_URL: sink.url }));
  await appendFile(
    path.join(root, 'content/publication.yml'),
    '\nsubscribeUrl: https://www.thegazelle.org/subscribe\n',
  );
  s = await serveRoot({ root, secret: SECRET });
});
afterAll(async () => {
  await s?.close();
  await sink?.stop();
  await cleanup?.();
});

async function statusOf(email: string) {
  const stores = await openSubscriberStores({ root });
  try {
    return { sub: await stores.subscribers.get(email), sup: await stores.suppressions.get(email) };
  } finally {
    await stores.close();
  }
}

describe('from the sign-up form to the next issue', () => {
  it('confirms through the emailed link, receives the next send; forged tokens change nothing', async () => {
    const r = await rawRequest(s.url, 'POST', '/newsletter/subscribe', 'email=nia%40example.org&name=Nia', FORM);
    expect(r.status).toBe(405); // not the subscribeUrl's path
    expect((await rawRequest(s.url, 'POST', '/subscribe', 'email=nia%40example.org&name=Nia', FORM)).status).toBe(200);
    await rawRequest(s.url, 'POST', '/subscribe', 'email=pending%40example.org', FORM);
    await s.handler.settled();
    await sink.waitFor(2);
    const toNia = sink.deliveries.find((d) => d.to.includes('nia@example.org'))!;
    const mail = await simpleParser(toNia.raw!);
    const link = new URL(/https:\/\/www\.thegazelle\.org\/subscribe\/confirm\?token=[\w.-]+/.exec(mail.text!)![0]);

    // A forged token (another address's MAC) and a truncated one: refused, nothing changes.
    const token = link.searchParams.get('token')!;
    const forgedFor = `c1.${Buffer.from('pending@example.org').toString('base64url')}.${token.split('.').slice(2).join('.')}`;
    for (const t of [forgedFor, token.slice(0, -2)]) {
      const bad = await rawRequest(s.url, 'POST', `/subscribe/confirm?token=${encodeURIComponent(t)}`, '', FORM);
      expect(bad.status).toBe(400);
    }
    expect((await statusOf('pending@example.org')).sub!.status).toBe('pending');
    expect((await statusOf('nia@example.org')).sub!.status).toBe('pending');

    const page = await rawRequest(s.url, 'GET', link.pathname + link.search);
    const action = /<form id="c" method="post" action="([^"]+)"/.exec(page.body)![1]!.replace(/&amp;/g, '&');
    const confirmed = await rawRequest(s.url, 'POST', link.pathname + action, '', FORM);
    expect(confirmed.status).toBe(200);
    expect((await statusOf('nia@example.org')).sub!.status).toBe('confirmed');

    // An address added by the operator whose mailbox does not exist.
    const stores = await openSubscriberStores({ root });
    await stores.subscribers.put({ email: 'dead@example.org', fields: { name: 'Dee' }, consent: { source: 'cli' } });
    await stores.close();

    const before = sink.deliveries.length;
    const sent = await gz(['send', '--issue', ISSUE, '--root', root, '--yes']);
    expect(sent.stderr).toContain('1 address refused as unknown: marked bounced.');
    expect(sent.code).toBe(2);
    const issueMail = sink.deliveries.slice(before);
    expect(issueMail.flatMap((d) => d.to)).toEqual(['nia@example.org']);
    expect(issueMail[0]!.raw!).toMatch(
      /^List-Unsubscribe: <https:\/\/www\.thegazelle\.org\/newsletter\/unsubscribe\?token=/m,
    );
    const dead = await statusOf('dead@example.org');
    expect(dead.sub!.status).toBe('bounced');
    expect(dead.sup).toMatchObject({ reason: 'bounce', source: `send:${ISSUE}` });
    expect((await statusOf('pending@example.org')).sup).toBeUndefined();

    // The next run skips the bounced address: nobody is mailed twice, the dead one not again.
    const again = await gz(['send', '--issue', ISSUE, '--root', root, '--yes']);
    expect(again.code).toBe(0);
    expect(sink.deliveries.length).toBe(before + 1);
  });
});
