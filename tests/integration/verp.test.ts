import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSubscriberStores } from '../../src/store/subscriber-store.js';
import { verpAddress } from '../../src/util/verp.js';
import { gz as gazette } from '../helpers/run.js';
import { ISSUE, makeRoot, SECRET, startSink, type Sink } from '../helpers/send.js';

// VERP end to end: `gazette send` to a real smtp-server sink with publication.returnPath set
// (each MAIL FROM names its recipient), then a DSN delivered to one of those addresses, quoting
// nothing of the original and naming a forwarded address as Final-Recipient, read by
// `gazette bounces`: the VERP address alone says whom it is about.

let root: string;
let cleanup: () => Promise<void>;
let sink: Sink;
const LONG = `${'a-very-long-local-part-'.repeat(2)}x@subdomain.example.com`;

beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
  await appendFile(path.join(root, 'content/publication.yml'), '\nreturnPath: bounces@thegazelle.org\n');
  sink = await startSink({ dir: root });
});
afterAll(async () => {
  await sink.stop();
  await cleanup();
});

function dsn(to: string): string {
  return [
    'From MAILER-DAEMON Tue Dec  1 10:00:02 2026',
    'Date: Tue, 1 Dec 2026 10:05:00 +0000',
    'From: Mail Delivery Subsystem <mailer-daemon@mx.other.example>',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Message-ID: <verp-dsn-1@mx.other.example>',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="v1"',
    '',
    '--v1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '',
    '--v1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.other.example',
    '',
    'Final-Recipient: rfc822; forwarded.reader@mx.other.example',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--v1--',
    '',
  ].join('\r\n');
}

describe('VERP return path', () => {
  it('sends with MAIL FROM bounces+<token>@ per recipient, and a DSN to that address bounces the right one', async () => {
    const list = path.join(root, 'list.csv');
    await writeFile(list, `email,name\nreader@example.com,Reader\nother@example.com,Other\n${LONG},Long\n`);
    const r = await gazette(['send', '--root', root, '--issue', ISSUE, '--to', list, '--smtp', sink.url, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    await sink.waitFor(3);
    const from = Object.fromEntries(sink.deliveries.map((d) => [d.to[0]!.toLowerCase(), d.from]));
    expect(from['reader@example.com']).toMatch(/^bounces\+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{11}@thegazelle\.org$/);
    expect(verpAddress(from['reader@example.com']!, SECRET)).toBe('reader@example.com');
    expect(verpAddress(from['other@example.com']!, SECRET)).toBe('other@example.com');
    // Too long a local part for VERP: the plain bounce mailbox.
    expect(from[LONG]).toBe('bounces@thegazelle.org');
    // A token signed under another secret names nobody.
    expect(verpAddress(from['reader@example.com']!, `${SECRET}-other`)).toBeUndefined();

    const mbox = path.join(root, 'bounces.mbox');
    await writeFile(mbox, dsn(from['reader@example.com']!));
    const b = await gazette(['bounces', '--root', root, '--mbox', mbox]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain('1 hard bounce');
    const stores = await openSubscriberStores({ root });
    try {
      expect((await stores.suppressions.get('reader@example.com'))?.reason).toBe('bounce');
      expect(await stores.suppressions.has('forwarded.reader@mx.other.example')).toBe(false);
      expect(await stores.suppressions.has('other@example.com')).toBe(false);
    } finally {
      await stores.close();
    }
  });
});
