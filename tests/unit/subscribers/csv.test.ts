import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSubscriberSample as checkSample } from '../../../src/check/subscribers.js';
import { readSubscriberSample as previewSample } from '../../../src/preview/subscribers.js';
import { readRecipients } from '../../../src/send/recipients.js';
import { readSubscriberCsv, type SubscriberCsvOptions } from '../../../src/subscribers/csv.js';

const OPTIONS: SubscriberCsvOptions = {
  display: 'list.csv',
  noun: 'subscriber list',
  option: '--subscribers',
  codes: {
    unreadable: 'check/subscribers',
    syntax: 'check/subscribers',
    empty: 'check/subscribers',
    'no-email': 'check/subscribers',
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gazette-subscribers-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function csv(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('readSubscriberCsv', () => {
  it('matches the email column in any case behind a BOM, with CRLF, quotes and multi-line fields', async () => {
    const file = await csv(
      'a.csv',
      '\ufeff EMail ,Name\r\n"ann@example.org","Ann, ""A."""\r\n\r\nbo@example.org,"Bo\r\nBo"\r\nc@example.org\r\n',
    );
    let header: unknown;
    const rows = await all(readSubscriberCsv(file, { ...OPTIONS, onHeader: (h) => (header = h) }));
    expect(header).toEqual({ columns: ['email', 'Name'], line: 1 });
    expect(rows).toEqual([
      { email: 'ann@example.org', fields: { email: 'ann@example.org', Name: 'Ann, "A."' }, line: 2 },
      { email: 'bo@example.org', fields: { email: 'bo@example.org', Name: 'Bo\r\nBo' }, line: 4 },
      { email: 'c@example.org', fields: { email: 'c@example.org', Name: '' }, line: 6 },
    ]);
  });

  it('names the problem, the file and the line, under the code the caller gives', async () => {
    const send = {
      ...OPTIONS,
      noun: 'recipient list',
      codes: {
        unreadable: 'send/csv-unreadable',
        syntax: 'send/csv-syntax',
        empty: 'send/csv-empty',
        'no-email': 'send/csv-no-email',
      },
    } as const;
    await expect(all(readSubscriberCsv(path.join(dir, 'nope.csv'), send))).rejects.toMatchObject({
      code: 'send/csv-unreadable',
      message: 'cannot read the recipient list list.csv',
    });
    await expect(all(readSubscriberCsv(await csv('e.csv', '\n\n'), send))).rejects.toMatchObject({
      code: 'send/csv-empty',
      line: 1,
    });
    await expect(all(readSubscriberCsv(await csv('n.csv', '\nname,city\nAda,Paris\n'), send))).rejects.toMatchObject({
      code: 'send/csv-no-email',
      line: 2,
      message: 'the recipient list has no `email` column',
    });
    await expect(all(readSubscriberCsv(await csv('q.csv', 'email\n"ann@example.org\n'), send))).rejects.toMatchObject({
      code: 'send/csv-syntax',
      file: 'list.csv',
    });
  });

  it('stops reading when the caller stops', async () => {
    const file = await csv(
      'long.csv',
      `email\n${Array.from({ length: 5000 }, (_, i) => `u${i}@example.org`).join('\n')}\n`,
    );
    const seen: string[] = [];
    for await (const r of readSubscriberCsv(file, OPTIONS)) {
      seen.push(r.email);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['u0@example.org', 'u1@example.org', 'u2@example.org']);
  });
});

// The three consumers used to disagree on this header: send accepted it, the preview refused it,
// check read `Email` as a column the merge tag {{subscriber.email}} did not match.
describe('an `Email,Name` header', () => {
  const text = 'Email,Name\nAnn@Example.org,Ann\n';

  it('is read by send, the address normalized', async () => {
    const rows = await all(readRecipients(await csv('send.csv', text), 'send.csv'));
    expect(rows).toMatchObject([
      { kind: 'valid', email: 'ann@example.org', fields: { email: 'ann@example.org', Name: 'Ann' } },
    ]);
  });

  it('is read by check as the columns email and Name', async () => {
    expect(await checkSample(await csv('check.csv', text))).toEqual({
      columns: ['email', 'Name'],
      longest: { email: 'Ann@Example.org', Name: 'Ann' },
    });
  });

  it('is read by the preview, the address normalized as send does', async () => {
    expect(await previewSample(await csv('preview.csv', text))).toEqual([
      { label: 'ann@example.org', email: 'ann@example.org', fields: { email: 'ann@example.org', Name: 'Ann' } },
    ]);
  });

  it('is refused by all three when no column is an email column', async () => {
    const file = await csv('none.csv', 'Mail,Name\nann@example.org,Ann\n');
    await expect(all(readRecipients(file, 'none.csv'))).rejects.toMatchObject({ code: 'send/csv-no-email' });
    await expect(checkSample(file)).rejects.toMatchObject({ code: 'check/subscribers', line: 1 });
    await expect(previewSample(file)).rejects.toMatchObject({ code: 'preview/subscribers', line: 1 });
  });
});
