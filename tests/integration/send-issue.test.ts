import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Diagnostic, type RecipientSource, type RenderedIssue, sendIssue, sendTestCopy } from '../../src/index.js';
import { buildIssue } from '../../src/pipeline/build.js';
import type { OutgoingMessage } from '../../src/send/message.js';
import type { Delivery, Transport } from '../../src/send/transport.js';
import { openDatabase } from '../../src/store/db.js';
import { SuppressionList } from '../../src/store/suppression.js';
import { ISSUE, makeRoot, SECRET } from '../helpers/send.js';

// sendIssue() and sendTestCopy() as a library: a real SQLite journal under a temporary root, a
// transport that records messages and answers per address.

let root: string;
let cleanup: () => Promise<void>;
let rendered: RenderedIssue;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
  const built = await buildIssue({ root, issue: ISSUE });
  rendered = built.issues[0]!;
});
afterAll(async () => cleanup());

function fakeTransport(answer: (to: string) => Delivery = () => ({ ok: true, response: '250 ok' })) {
  const sent: OutgoingMessage[] = [];
  let closed = 0;
  const transport: Transport = {
    description: 'fake://test',
    async send(m) {
      sent.push(m);
      return answer(m.email);
    },
    async close() {
      closed++;
    },
  };
  return { transport, sent, closed: () => closed };
}

function arraySource(rows: string[]): RecipientSource {
  return {
    description: 'array',
    async *rows(onColumns) {
      onColumns?.(['email', 'name']);
      let line = 0;
      for (const email of rows) {
        line++;
        if (email.includes('@'))
          yield { kind: 'valid', email, ascii: email, fields: { email, name: `N${line}` }, line };
        else yield { kind: 'invalid', raw: email, reason: 'has no @', line };
      }
    },
  };
}

let csvNo = 0;
async function csv(body: string): Promise<string> {
  const file = path.join(root, `list-${++csvNo}.csv`);
  await writeFile(file, body);
  return file;
}

describe('sendIssue', () => {
  it('loads a CSV into the journal, sends, and reports counts as data; a re-run sends nobody twice', async () => {
    const { csvSource } = await import('../../src/index.js');
    const file = await csv('email,name\na@example.org,A\nA@Example.org,dup\nnot-an-address,X\nb@example.org,B\n');
    const fake = fakeTransport();
    const notices: Diagnostic[] = [];
    const report = await sendIssue({
      root,
      issue: rendered,
      recipients: csvSource(file, 'list.csv'),
      transport: fake.transport,
      secret: SECRET,
      onNotice: (d) => notices.push(d),
    });
    expect(report.stop).toBe('done');
    expect(report.plan).toMatchObject({ issue: ISSUE, rows: 4, toSend: 2, invalid: 1, duplicate: 1, dryRun: false });
    expect(report.counts).toEqual({
      sent: 2,
      alreadySent: 0,
      failedPermanent: 0,
      failedTemporary: 0,
      invalid: 1,
      duplicate: 1,
      suppressed: 0,
      pending: 0,
      sentByAll: 2,
    });
    expect(fake.sent.map((m) => m.email).sort()).toEqual(['a@example.org', 'b@example.org']);
    expect(fake.closed()).toBeGreaterThan(0);
    expect(notices).toEqual([expect.objectContaining({ code: 'send/invalid-address', file: 'list.csv', line: 4 })]);

    const again = fakeTransport();
    const second = await sendIssue({
      root,
      issue: rendered,
      recipients: csvSource(file),
      transport: again.transport,
      secret: SECRET,
    });
    expect(second.counts.sent).toBe(0);
    expect(second.counts.alreadySent).toBe(2);
    expect(again.sent).toHaveLength(0);
  });

  it('takes any RecipientSource, reports failures by code and skips suppressed addresses', async () => {
    const db = openDatabase(root);
    new SuppressionList(db).add('gone@example.org', 'manual');
    db.close();
    const fake = fakeTransport((to) =>
      to.startsWith('bounce')
        ? { ok: false, kind: 'permanent', smtpCode: 550, response: '550 no such user' }
        : { ok: true, response: '250 ok' },
    );
    const report = await sendIssue({
      root,
      issue: { ...rendered, issue: { ...rendered.issue, slug: 'source-test' } },
      recipients: arraySource(['ok@example.org', 'bounce@example.org', 'gone@example.org', 'broken']),
      transport: fake.transport,
      secret: SECRET,
      retryDelayMs: 0,
    });
    expect(report.stop).toBe('done');
    expect(report.counts).toMatchObject({ sent: 1, failedPermanent: 1, suppressed: 1, invalid: 1 });
    expect(report.failuresByCode).toEqual({ '550': 1 });
    expect(fake.sent.map((m) => m.email)).not.toContain('gone@example.org');
  });

  it('sends nothing when confirm() declines, and stops at once on an aborted signal (resumable)', async () => {
    const slug = { ...rendered, issue: { ...rendered.issue, slug: 'confirm-test' } };
    const fake = fakeTransport();
    const declined = await sendIssue({
      root,
      issue: slug,
      recipients: arraySource(['x@example.org', 'y@example.org']),
      transport: fake.transport,
      secret: SECRET,
      confirm: (plan) => plan.toSend === 99,
    });
    expect(declined.stop).toBe('declined');
    expect(declined.counts.pending).toBe(2);
    const interrupted = await sendIssue({
      root,
      issue: slug,
      recipients: arraySource(['x@example.org', 'y@example.org']),
      transport: fake.transport,
      secret: SECRET,
      signal: AbortSignal.abort(),
    });
    expect(interrupted.stop).toBe('interrupted');
    expect(interrupted.counts).toMatchObject({ sent: 0, pending: 2 });
    expect(fake.sent).toHaveLength(0);
  });

  it('a dry run to an outbox marks nobody sent', async () => {
    const outbox = path.join(root, 'outbox-test');
    const slug = { ...rendered, issue: { ...rendered.issue, slug: 'dry-test' } };
    const first = await sendIssue({
      root,
      issue: slug,
      recipients: arraySource(['d@example.org']),
      outbox,
      secret: SECRET,
    });
    expect(first.plan.dryRun).toBe(true);
    expect(first.plan.transport).toContain('outbox-test');
    expect(first.counts.sent).toBe(1);
    const second = await sendIssue({
      root,
      issue: slug,
      recipients: arraySource(['d@example.org']),
      outbox,
      secret: SECRET,
    });
    expect(second.counts).toMatchObject({ sent: 1, alreadySent: 0 });
  });

  it('refuses to run without a secret, before sending anything', async () => {
    const fake = fakeTransport();
    await expect(
      sendIssue({
        root,
        issue: rendered,
        recipients: arraySource(['z@example.org']),
        transport: fake.transport,
        env: {},
      }),
    ).rejects.toMatchObject({ code: 'config/no-secret' });
    expect(fake.sent).toHaveLength(0);
  });
});

describe('sendTestCopy', () => {
  it('sends one [TEST] copy to each address with the chosen subscriber fields, not journaled', async () => {
    const fake = fakeTransport((to) =>
      to.startsWith('no')
        ? { ok: false, kind: 'permanent', smtpCode: 550, response: '550 no' }
        : { ok: true, response: '250' },
    );
    const report = await sendTestCopy({
      root,
      issue: { ...rendered, issue: { ...rendered.issue, slug: 'test-copy' } },
      to: ['me@example.org', 'no@example.org'],
      subscriber: { name: 'Hiro' },
      transport: fake.transport,
      secret: SECRET,
    });
    expect(report.results.map((r) => [r.email, r.delivery.ok])).toEqual([
      ['me@example.org', true],
      ['no@example.org', false],
    ]);
    const raw = fake.sent[0]!.raw.toString();
    expect(raw).toMatch(/^Subject: \[TEST\]/m);
    expect(raw).toContain('Hiro');
    // Not journaled: a real send afterwards still has both addresses to send.
    const after = await sendIssue({
      root,
      issue: { ...rendered, issue: { ...rendered.issue, slug: 'test-copy' } },
      recipients: arraySource(['me@example.org']),
      transport: fakeTransport().transport,
      secret: SECRET,
    });
    expect(after.counts).toMatchObject({ sent: 1, alreadySent: 0 });
  });

  it('refuses an invalid address before sending anything', async () => {
    const fake = fakeTransport();
    await expect(
      sendTestCopy({
        root,
        issue: rendered,
        to: ['ok@example.org', 'bad address'],
        transport: fake.transport,
        secret: SECRET,
      }),
    ).rejects.toMatchObject({ code: 'send/test-address' });
    expect(fake.sent).toHaveLength(0);
  });
});
