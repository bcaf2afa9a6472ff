// `gazette send` skips suppressed addresses, including one that unsubscribes while the send runs.
// These tests run the CLI's `run()` in-process against a real smtp-server, and unsubscribe through
// a real HTTP POST to the serve handler.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/util/token.js';
import { rawRequest, servedSample, type Served } from '../helpers/http.js';
import { gz } from '../helpers/run.js';
import { SECRET } from '../helpers/site.js';
import { smtpSink, type Sink } from '../helpers/smtp.js';

const ISSUE = 'kazakhstan-abraham-accords';

let root: string;
let served: Served & { root: string };
let sink: Sink;

beforeAll(async () => {
  served = await servedSample();
  root = served.root;
});
afterAll(() => served?.close());
afterEach(async () => {
  await sink?.close();
});

async function writeCsv(name: string, emails: string[]): Promise<string> {
  const file = path.join(root, name);
  await writeFile(file, `email,name\n${emails.map((e, i) => `${e},Reader ${i}`).join('\n')}\n`);
  return file;
}

async function unsubscribe(email: string): Promise<void> {
  const token = signToken({ email, issue: ISSUE }, SECRET);
  const r = await rawRequest(
    served.url,
    'POST',
    `/newsletter/unsubscribe?token=${token}`,
    'List-Unsubscribe=One-Click',
    {
      'Content-Type': 'application/x-www-form-urlencoded',
    },
  );
  expect(r.status).toBe(200);
}

const send = (csv: string, extra: string[] = []) =>
  gz(['send', '--issue', ISSUE, '--to', csv, '--root', root, '--smtp', sink.url, '--yes', ...extra], {
    // The sample's publication.url is a real site: not this test's business (live-check.test.ts).
    env: { GAZETTE_SECRET: SECRET, GAZETTE_SKIP_LIVE_CHECK: '1' },
  });

describe('gazette send and the suppression list', () => {
  it('a send after an unsubscribe skips that address and counts it', async () => {
    sink = await smtpSink();
    const emails = ['ann@example.com', 'carol@example.com', 'dev@example.com', 'eve@example.com'];
    const csv = await writeCsv('after.csv', emails);
    await unsubscribe('Carol@Example.com');
    const r = await send(csv);
    expect(r.stderr).not.toContain('cli/not-implemented');
    expect(r.code).toBe(0);
    expect(sink.rcpt).not.toContain('carol@example.com');
    expect([...sink.delivered].sort()).toEqual(['ann@example.com', 'dev@example.com', 'eve@example.com']);
    expect(r.stdout + r.stderr).toMatch(/suppressed\D{0,20}1\b|\b1\D{0,20}suppressed/i);
  }, 120_000);

  it('an unsubscribe during a send stops later delivery to that address', async () => {
    sink = await smtpSink();
    const emails = Array.from({ length: 100 }, (_, i) => `reader${String(i).padStart(3, '0')}@example.com`);
    const late = emails[90]!;
    const csv = await writeCsv('during.csv', emails);
    const running = send(csv, ['--rate', '25']);
    // Once the send is visibly under way (and 3 s from row 90 at 25 messages/s), unsubscribe.
    await Promise.race([
      sink.waitFor(10),
      running.then((r) => {
        throw new Error(`send ended early (${r.code}): ${r.stderr}`);
      }),
    ]);
    expect(sink.rcpt).not.toContain(late);
    await unsubscribe(late);
    const r = await running;
    expect(r.stderr).not.toContain('cli/not-implemented');
    expect(r.code).toBe(0);
    expect(sink.rcpt).not.toContain(late);
    expect(new Set(sink.delivered).size).toBe(99);
  }, 120_000);
});
