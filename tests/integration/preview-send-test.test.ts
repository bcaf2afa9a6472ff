import { writeFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { readSubscriberSample } from '../../src/preview/subscribers.js';
import { DIGEST, tempRoot } from '../helpers/preview.js';

let root: string;
let cleanup: () => Promise<void>;
let smtp: SMTPServer;
let server: PreviewServer;
const received: string[] = [];

beforeAll(async () => {
  ({ root, cleanup } = await tempRoot('gazette-preview-send-'));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        cb();
      });
    },
  });
  smtp.on('error', () => {});
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as net.AddressInfo).port;
  await writeFile(
    path.join(root, '.env'),
    `SMTP_URL=smtp://127.0.0.1:${port}\nGAZETTE_SECRET=preview-send-test-secret-0123456789abcdef\n`,
  );
  await writeFile(path.join(root, 'subs.csv'), 'email,name\nhiro@example.org,Hiro\nada@example.org,Ada\n');
  const subscribers = await readSubscriberSample(path.join(root, 'subs.csv'));
  server = await startPreview({ root, port: 0, watch: false, subscribers });
});

afterAll(async () => {
  await server?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await cleanup?.();
});

async function sendTest(body: object): Promise<{ status: number; ok: boolean; text: string; html: string }> {
  const before = received.length;
  const res = await fetch(new URL(`/issues/${DIGEST}/send-test`, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok: boolean; message: string; output?: string };
  expect(json.ok, `${json.message}\n${json.output ?? ''}`).toBe(true);
  expect(received.length).toBe(before + 1);
  const mail = await simpleParser(received[received.length - 1]!);
  return { status: res.status, ok: json.ok, text: mail.text ?? '', html: String(mail.html) };
}

describe('Send test in the preview', () => {
  it('personalizes the copy for the "View as" subscriber, as the page shows it', async () => {
    const frame = await (await fetch(new URL(`/issues/${DIGEST}/frame?part=text&sub=0`, server.url))).text();
    expect(frame).toContain('Hi Hiro');
    const hiro = await sendTest({ to: 'editor@example.org', sub: '0' });
    expect(hiro.text).toContain('Hi Hiro');
    expect(hiro.html).toContain('Hi Hiro');
    expect(hiro.text).not.toContain('Hi reader');
    const ada = await sendTest({ to: 'editor@example.org', sub: '1' });
    expect(ada.text).toContain('Hi Ada');
  });

  it('uses the sample subscriber for "Merge tags, unfilled", an unknown row, or no choice', async () => {
    for (const sub of ['raw', '99', undefined]) {
      const copy = await sendTest({ to: 'editor@example.org', sub });
      expect(copy.text).toContain('Hi Sam Reader');
    }
  });
});
