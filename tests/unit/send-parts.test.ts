import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../src/send/address.js';
import { encodedWords, quotedPrintable, unstructured } from '../../src/send/mime.js';
import { backoff } from '../../src/send/rate.js';
import { readRecipients } from '../../src/send/recipients.js';
import { classify } from '../../src/send/transport.js';

describe('checkAddress', () => {
  it.each([
    ['  Ann@Example.ORG ', 'ann@example.org'],
    ["o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"],
  ])('accepts %j', (raw, email) => {
    expect(checkAddress(raw)).toMatchObject({ ok: true, email });
  });
  it('puts an internationalized domain in A-label form for the envelope', () => {
    expect(checkAddress('zoë@bücher.example')).toMatchObject({ ok: false });
    expect(checkAddress('zoe@bücher.example')).toMatchObject({
      ok: true,
      email: 'zoe@bücher.example',
      ascii: 'zoe@xn--bcher-kva.example',
    });
  });
  it.each([
    '"a b"@example.org',
    '"evil@attacker.org x"@example.org',
    'a@ex(comment)ample.org',
    'a(c)@example.org',
    'a@example.org\r\nBcc: x@y.org',
    'a@example.org\n',
    'a\u0000@example.org',
    '<a@example.org>',
    'Ann <a@example.org>',
    'a@b@example.org',
    'a@[127.0.0.1]',
    'a@localhost',
    '.a@example.org',
    'a..b@example.org',
    'a@-x.org',
    'a@example.c0m',
    '',
    'a@example.org,b@example.org',
    `${'x'.repeat(65)}@example.org`,
  ])('rejects %j', (raw) => {
    expect(checkAddress(raw).ok).toBe(false);
  });
});

describe('MIME encoders', () => {
  it('quoted-printable pieces encoded separately decode to the joined text', async () => {
    const pieces = [
      '<p>Hello ',
      'Zoë & "friends" ',
      `${'long line '.repeat(20)}\nnext = line \t`,
      '',
      ' end. ',
      'émoji 🎉',
    ];
    const body = pieces.map((p, i) => quotedPrintable(p, i < pieces.length - 1)).join('');
    for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(body).toMatch(/^[\t\x20-\x7e\r\n]*$/);
    const raw = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${body}`;
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(pieces.join('').replace(/\n/g, '\n'));
  });
  it('encodes non-ASCII and over-long subjects in folded encoded words', async () => {
    const subject = `Émile's "news" ${'x'.repeat(50)} 🎉 =?fake?=`;
    const header = unstructured(subject);
    expect(header).toMatch(/^[\x20-\x7e\r\n]*$/);
    for (const line of header.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect((await simpleParser(`Subject: ${header}\r\n\r\nx`)).subject).toBe(subject);
    expect(encodedWords('a\r\nb')).not.toMatch(/[\r\n](?! )/);
  });
});

describe('readRecipients', () => {
  it('streams a CSV with BOM, CRLF, quoted fields and counts lines of multi-line records', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-csv-'));
    try {
      const file = path.join(dir, 'l.csv');
      await writeFile(
        file,
        '\ufeffName, EMAIL ,city\r\n"Ann, A.",ann@example.org,"Abu\r\nDhabi"\r\n\r\nBob,not-an-address,x\nCy,cy@example.org\n',
      );
      const rows = [];
      let header: unknown;
      for await (const r of readRecipients(file, 'l.csv', (h) => (header = h))) rows.push(r);
      expect(header).toEqual({ columns: ['Name', 'email', 'city'], line: 1 });
      expect(rows).toMatchObject([
        {
          kind: 'valid',
          email: 'ann@example.org',
          line: 2,
          fields: { Name: 'Ann, A.', email: 'ann@example.org', city: 'Abu\r\nDhabi' },
        },
        { kind: 'invalid', line: 5 },
        { kind: 'valid', email: 'cy@example.org', line: 6, fields: { city: '' } },
      ]);
      await writeFile(file, '');
      await expect(async () => {
        for await (const _ of readRecipients(file, 'l.csv')) void _;
      }).rejects.toMatchObject({ code: 'send/csv-empty' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('classify', () => {
  it('classifies by reply code and error code, never by text', () => {
    expect(classify(Object.assign(new Error('mailbox full, try later'), { responseCode: 550 })).kind).toBe('permanent');
    expect(classify(Object.assign(new Error('User unknown'), { responseCode: 451 })).kind).toBe('temporary');
    expect(classify(Object.assign(new Error('x'), { code: 'ECONNECTION' })).kind).toBe('temporary');
    expect(classify(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535 })).kind).toBe('fatal');
    expect(classify(new Error('no code')).kind).toBe('temporary');
  });
  it('backs off exponentially with jitter, up to a cap', () => {
    expect(backoff(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoff(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoff(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('createMessageTemplate', () => {
  it('keeps the Message-ID the journal recorded, and ASCII headers for a non-ASCII issue slug', async () => {
    const { buildIssue } = await import('../../src/pipeline/build.js');
    const { createMessageTemplate } = await import('../../src/send/message.js');
    const { REPO } = await import('../helpers/root.js');
    const result = await buildIssue({ root: REPO, issue: 'kazakhstan-abraham-accords' });
    const r = result.issues[0]!;
    const arabic = { ...r, issue: { ...r.issue, slug: 'أمسية-شعرية' } };
    const template = createMessageTemplate(arabic, { secret: 'test-secret-0123456789abcdef' });
    const message = template.compose({
      email: 'ada@example.org',
      ascii: 'ada@example.org',
      fields: { email: 'ada@example.org' },
      messageId: '<recorded@thegazelle.org>',
    });
    const raw = Buffer.isBuffer(message.raw) ? message.raw : Buffer.from(String(message.raw));
    const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toContain('Message-ID: <recorded@thegazelle.org>');
    expect(/^[\x00-\x7f]*$/.test(head)).toBe(true);
    const encoded = String((await simpleParser(raw)).headers.get('x-gazette-issue'));
    const decoded = [...encoded.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)]
      .map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'))
      .join('');
    expect(decoded).toBe('أمسية-شعرية');
    expect(template.compose({ email: 'ada@example.org', ascii: 'ada@example.org', fields: {} }).messageId).toBe(
      template.messageIdFor('ada@example.org'),
    );
  });
});
