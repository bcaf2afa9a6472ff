import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpTransport } from '../../src/send/transport.js';
import { gz as gazette } from '../helpers/run.js';
import { csvOf, ISSUE, makeRoot, startSink, type Sink } from '../helpers/send.js';

// The send bugs of issue 13, each against a real smtp-server on 127.0.0.1 and the CLI's `run()` in-process.

let root: string;
let cleanup: () => Promise<void>;
const sinks: Sink[] = [];
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
});
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.stop()));
  await cleanup();
});

function rows(issue: string) {
  const db = new Database(path.join(root, '.gazette/journal.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT email, state, permanent, smtp_code AS code, attempts, not_before AS notBefore FROM send_journal WHERE issue = ?',
      )
      .all(issue) as {
      email: string;
      state: string;
      permanent: number | null;
      code: number | null;
      attempts: number;
      notBefore: number | null;
    }[];
  } finally {
    db.close();
  }
}

describe('gazette send: refusals and deferrals', { timeout: 120_000 }, () => {
  it('a dead domain (12 consecutive 550s) never pauses the run and stays 12 permanent failures', async () => {
    const dead = Array.from({ length: 12 }, (_, i) => `gone${i}@dead.example`);
    const alive = Array.from({ length: 20 }, (_, i) => `ok${i}@example.org`);
    const rules = Object.fromEntries(dead.map((e) => [e, { reply: 550 }]));
    const s = await startSink({ rules, dir: root });
    sinks.push(s);
    const file = path.join(root, 'dead.csv');
    await writeFile(file, csvOf([...dead, ...alive]));
    const args = ['send', '--root', root, '--issue', ISSUE, '--to', file, '--smtp', s.url, '--yes'];
    const r = await gazette([...args, '--concurrency', '1', '--pause-after', '10']);
    expect(r.stderr).not.toContain('Paused');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/failed:\s+12 permanently, 0 temporarily \(550: 12\)/);
    const journal = rows(ISSUE);
    expect(journal.filter((x) => x.state === 'failed' && x.permanent === 1 && x.code === 550)).toHaveLength(12);
    expect(journal.filter((x) => x.state === 'sent')).toHaveLength(20);
    // A re-run retries none of them: they were never rewritten as temporary.
    const again = await gazette(args);
    expect(again.stdout).toMatch(/failed:\s+12 permanently, 0 temporarily/);
    expect(s.deliveries.length).toBe(20);
    expect(rows(ISSUE).every((x) => x.attempts === 1)).toBe(true);
  });

  it('a deferred (451) address does not hold the run; the summary says who waits and from when', async () => {
    const emails = Array.from({ length: 50 }, (_, i) => `d${i}@example.org`);
    const s = await startSink({ rules: { 'd3@example.org': { reply: 451 } }, dir: root, delay: 5 });
    sinks.push(s);
    const file = path.join(root, 'deferred.csv');
    await writeFile(file, csvOf(emails));
    const started = Date.now();
    const issue = 'weekly-digest-2025-11-21';
    const r = await gazette([
      ...['send', '--root', root, '--issue', issue, '--to', file, '--smtp', s.url, '--yes'],
      ...['--retry-delay', '60000', '--concurrency', '2'],
    ]);
    const took = Date.now() - started;
    expect(r.code, r.stderr).toBe(2);
    expect(s.deliveries.length).toBe(49);
    // The retry is 30-60 s away; the run did not wait for it.
    expect(took).toBeLessThan(25_000);
    const row = rows(issue).find((x) => x.email === 'd3@example.org')!;
    expect(row).toMatchObject({ state: 'failed', permanent: 0, code: 451, attempts: 1 });
    expect(row.notBefore! - started).toBeGreaterThan(29_000);
    const when = new Date(row.notBefore!).toISOString().replace(/\.\d+Z$/, 'Z');
    expect(r.stderr).toContain('1 address is waiting for a retry');
    expect(r.stderr).toMatch(new RegExp(`d3@example.org \\(451\\) from ${when}`));
  });
});

describe('smtpTransport', () => {
  it('says QUIT on every pooled connection when it closes', async () => {
    let connections = 0;
    let quits = 0;
    let closes = 0;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect(_session, callback) {
        connections++;
        callback();
      },
      onData(stream, _session, callback) {
        stream.on('data', () => {});
        stream.on('end', () => callback());
      },
      onClose() {
        closes++;
      },
    });
    // smtp-server answers QUIT itself (no hook): count it on the way in.
    const { SMTPConnection } = (await import('smtp-server/lib/smtp-connection.js')) as unknown as {
      SMTPConnection: { prototype: { handler_QUIT(...args: unknown[]): unknown } };
    };
    const original = SMTPConnection.prototype.handler_QUIT;
    SMTPConnection.prototype.handler_QUIT = function (this: unknown, ...args: unknown[]) {
      quits++;
      return original.apply(this, args);
    };
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.server.address() as AddressInfo;
      const transport = smtpTransport({ url: `smtp://127.0.0.1:${port}`, concurrency: 3 });
      const raw = Buffer.from('From: <a@example.org>\r\nTo: <b@example.org>\r\nSubject: x\r\n\r\nhello\r\n');
      const sends = Array.from({ length: 9 }, (_, i) =>
        transport.send({
          email: `b${i}@example.org`,
          messageId: `<m${i}@example.org>`,
          envelope: { from: 'a@example.org', to: `b${i}@example.org` },
          raw,
        }),
      );
      expect((await Promise.all(sends)).every((d) => d.ok)).toBe(true);
      await transport.close();
      await new Promise((r) => setTimeout(r, 200));
      expect(connections).toBeGreaterThan(1);
      expect(quits).toBe(connections);
      expect(closes).toBe(connections);
    } finally {
      SMTPConnection.prototype.handler_QUIT = original;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
