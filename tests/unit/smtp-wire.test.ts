import { Readable } from 'node:stream';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { describe, expect, it } from 'vitest';
import { dataBytes } from '../../src/send/smtp-wire.js';

// Gazette's own SMTP client writes dataBytes(raw) after the 354: it must be byte for byte what
// nodemailer's DataStream (dot-stuffing, CRLF, the final dot) made of the same message.

async function nodemailerBytes(raw: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const stream = new DataStream();
  Readable.from([raw]).pipe(stream);
  for await (const c of stream) out.push(c as Buffer);
  return Buffer.concat(out);
}

function random(seed: number, crlf: boolean): Buffer {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const alphabet = crlf
    ? ['a', 'b', '.', ' ', '\r\n', '..', '=\r\n.']
    : ['a', '.', '\r', '\n', '\r\n', '\n.', '\r.', '.'];
  let s = '';
  const n = next() % 200;
  for (let i = 0; i < n; i++) s += alphabet[next() % alphabet.length];
  return Buffer.from(s, 'latin1');
}

describe('dataBytes', () => {
  it.each([
    '',
    '.',
    '.\r\n',
    'a',
    'a\r\n',
    'a\r',
    'a\n',
    '.leading dot\r\nline\r\n.\r\n..two\r\n',
    'bare\nline feeds\n.dot\n',
    'bare\rcarriage\r.returns\r',
    'mixed\r\n\n\r.\r\n.\n',
  ])('writes what nodemailer writes for %j', async (text) => {
    const raw = Buffer.from(text, 'latin1');
    expect((await dataBytes(raw)).toString('latin1')).toBe((await nodemailerBytes(raw)).toString('latin1'));
  });

  it('agrees with nodemailer on random messages, and CRLF ones take the fast path to the same bytes', async () => {
    for (let seed = 1; seed < 400; seed++) {
      const any = random(seed, false);
      expect(dataBytes(any).equals(await nodemailerBytes(any)), `seed ${seed}`).toBe(true);
      const crlf = random(seed, true);
      const expected = await nodemailerBytes(crlf);
      expect(dataBytes(crlf, true).equals(expected), `crlf seed ${seed}`).toBe(true);
      expect(dataBytes(crlf).equals(expected), `crlf seed ${seed}, checked`).toBe(true);
    }
  });
});
