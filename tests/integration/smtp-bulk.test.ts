import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/send/message.js';
import { smtpTransport } from '../../src/send/transport.js';

// Gazette's own SMTP client (src/send/smtp-bulk.ts) against a scripted server on 127.0.0.1 that
// records every chunk it reads: pipelining where offered, the reply codes of each stage as
// nodemailer reported them, 421, dropped connections, timeouts, and nodemailer for servers the
// client does not take (no PIPELINING, STARTTLS).

interface Script {
  /** EHLO keywords (default PIPELINING, 8BITMIME). */
  ehlo?: string[];
  /** Reply to RCPT TO for an address (default 250). */
  rcpt?: (to: string) => string;
  /** Reply to the end of data, by the transaction's last RCPT TO address (default 250); undefined: never answer. */
  end?: (to: string) => string | undefined;
  /** Reply to MAIL FROM (default 250). */
  mail?: (n: number) => string;
  /** Close the connection instead of answering the end of data number n. */
  dropAt?: number;
  greeting?: boolean;
  /** Say 354 to DATA even without an accepted recipient (some servers do). */
  lenient?: boolean;
}

interface Scripted {
  url: string;
  chunks: string[];
  messages: string[];
  connections: number;
  commands: string[];
  close(): Promise<void>;
}

const servers: Scripted[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function scripted(script: Script = {}): Promise<Scripted> {
  const out: Scripted = { url: '', chunks: [], messages: [], connections: 0, commands: [], close: async () => {} };
  let mails = 0;
  let ends = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    out.connections++;
    socket.setNoDelay(true);
    let buf = '';
    let inData = false;
    let data = '';
    let to = '';
    let mailOk = false;
    let rcptOk = 0;
    const say = (s: string) => socket.write(`${s}\r\n`);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      out.chunks.push(chunk.toString('latin1'));
      buf += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          const empty = data === '' && buf.startsWith('.\r\n');
          if (end < 0 && !empty) return;
          data += empty ? '' : buf.slice(0, end + 2);
          buf = buf.slice(empty ? 3 : end + 5);
          inData = false;
          mailOk = false;
          ends++;
          out.messages.push(data.replace(/^\.\./gm, '.'));
          if (script.dropAt === ends) {
            socket.destroy();
            return;
          }
          const reply = script.end ? script.end(to) : '250 2.0.0 queued';
          if (reply) say(reply);
          continue;
        }
        const eol = buf.indexOf('\r\n');
        if (eol < 0) return;
        const line = buf.slice(0, eol);
        buf = buf.slice(eol + 2);
        out.commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO')
          say(
            ['scripted', ...(script.ehlo ?? ['PIPELINING', '8BITMIME'])]
              .map((k, i, all) => `250${i < all.length - 1 ? '-' : ' '}${k}`)
              .join('\r\n'),
          );
        else if (verb === 'HELO') say('250 scripted');
        else if (verb === 'MAIL') {
          const r = mailOk ? '503 5.5.1 nested MAIL command' : script.mail ? script.mail(++mails) : '250 2.1.0 ok';
          mailOk = r.startsWith('2');
          rcptOk = 0;
          say(r);
        } else if (verb === 'RCPT') {
          to = line.slice(9, -1);
          const r = !mailOk ? '503 5.5.1 need MAIL command' : script.rcpt ? script.rcpt(to) : '250 2.1.5 ok';
          if (r.startsWith('2')) rcptOk++;
          say(r);
        } else if (verb === 'DATA') {
          if (!rcptOk && !script.lenient) say(mailOk ? '554 5.5.1 no valid recipients' : '503 5.5.1 need RCPT command');
          else {
            inData = true;
            data = '';
            say('354 go ahead');
          }
        } else if (verb === 'RSET' || verb === 'NOOP') {
          mailOk = false;
          say('250 ok');
        } else if (verb === 'STAR') say('454 4.7.0 TLS not available');
        else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 5.5.2 not implemented');
      }
    });
    if (script.greeting !== false) say('220 scripted ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  out.url = `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  out.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  servers.push(out);
  return out;
}

const ehlo = (...keywords: string[]) => keywords;

function message(to: string, body = 'hello\r\n'): OutgoingMessage {
  const raw = Buffer.from(`From: <a@example.org>\r\nTo: <${to}>\r\nSubject: x\r\n\r\n${body}`);
  return { email: to, messageId: `<${to}>`, envelope: { from: 'a@example.org', to }, raw, crlf: true };
}

describe("Gazette's SMTP client", () => {
  it('pipelines MAIL FROM, RCPT TO and DATA in one write and the stuffed message with its dot in another', async () => {
    const s = await scripted();
    const t = smtpTransport({ url: s.url, concurrency: 1 });
    const body = '.starts with a dot\r\n..two\r\nlast\r\n';
    expect(await t.send(message('b@example.org', body))).toEqual({ ok: true, response: '250 2.0.0 queued' });
    expect(await t.send(message('c@example.org'))).toMatchObject({ ok: true });
    await t.close();
    expect(s.chunks).toContain('MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n');
    const data = s.chunks.find((c) => c.startsWith('From:'))!;
    expect(data).toBe(
      `From: <a@example.org>\r\nTo: <b@example.org>\r\nSubject: x\r\n\r\n..starts with a dot\r\n...two\r\nlast\r\n.\r\n`,
    );
    expect(s.messages[0]).toBe(message('b@example.org', body).raw.toString());
    expect(s.connections).toBe(1);
    expect(s.commands.at(-1)).toBe('QUIT');
  });

  it('classifies each refusal by its own reply code and goes on on the same connection', async () => {
    const s = await scripted({
      rcpt: (to) =>
        to.startsWith('gone') ? '550 5.1.1 no such user' : to.startsWith('later') ? '451 4.3.0 try later' : '250 ok',
      end: (to) => (to.startsWith('ok2') ? '554 5.6.0 rejected content' : '250 queued'),
      mail: (n) => (n === 5 ? '452 4.3.1 out of space' : '250 ok'),
    });
    const t = smtpTransport({ url: s.url, concurrency: 1 });
    const results = [];
    for (const to of [
      'ok1@example.org',
      'gone@example.org',
      'ok2@example.org',
      'later@example.org',
      'ok3@example.org',
      'ok4@example.org',
    ])
      results.push(await t.send(message(to)));
    await t.close();
    expect(results.map((r) => (r.ok ? 'ok' : `${r.kind} ${r.smtpCode}`))).toEqual([
      'ok',
      'permanent 550',
      'permanent 554',
      'temporary 451',
      'temporary 452',
      'ok',
    ]);
    expect(s.connections).toBe(1);
    // A refused recipient leaves the transaction open: RSET before the next MAIL (never a nested MAIL).
    expect(s.commands.filter((c) => c === 'RSET').length).toBe(2);
    expect(s.commands.filter((c) => c.startsWith('MAIL')).length).toBe(6);
    // A server that says 354 anyway gets an empty message, and the next one goes through.
    const lenient = await scripted({
      lenient: true,
      rcpt: (to) => (to.startsWith('gone') ? '550 5.1.1 no' : '250 ok'),
    });
    const l = smtpTransport({ url: lenient.url, concurrency: 1 });
    expect(await l.send(message('gone@example.org'))).toMatchObject({ ok: false, kind: 'permanent', smtpCode: 550 });
    expect(await l.send(message('ok@example.org'))).toMatchObject({ ok: true });
    await l.close();
    expect(lenient.chunks.some((c) => c.startsWith('.\r\n'))).toBe(true);
    expect(lenient.messages).toEqual(['', message('ok@example.org').raw.toString()]);
  });

  it('a 421 fails that message as temporary with its code; the next one opens a new connection', async () => {
    const s = await scripted({ mail: (n) => (n === 2 ? '421 4.3.2 shutting down' : '250 ok') });
    const t = smtpTransport({ url: s.url, concurrency: 1 });
    const a = await t.send(message('a1@example.org'));
    const b = await t.send(message('a2@example.org'));
    const c = await t.send(message('a3@example.org'));
    await t.close();
    expect([a.ok, b.ok, c.ok]).toEqual([true, false, true]);
    expect(b).toMatchObject({ kind: 'temporary', smtpCode: 421 });
    expect(s.connections).toBe(2);
  });

  it('a dropped connection is a temporary ECONNECTION; a silent server times out (ETIMEDOUT)', async () => {
    const s = await scripted({ dropAt: 1 });
    const t = smtpTransport({ url: s.url, concurrency: 1 });
    expect(await t.send(message('d1@example.org'))).toMatchObject({
      ok: false,
      kind: 'temporary',
      errorCode: 'ECONNECTION',
    });
    expect(await t.send(message('d2@example.org'))).toMatchObject({ ok: true });
    await t.close();
    const mute = await scripted({ end: () => undefined });
    const m = smtpTransport({ url: mute.url, concurrency: 1, timeouts: { socketMs: 300 } });
    expect(await m.send(message('m@example.org'))).toMatchObject({
      ok: false,
      kind: 'temporary',
      errorCode: 'ETIMEDOUT',
    });
    await m.close();
    const silent = await scripted({ greeting: false });
    const g = smtpTransport({ url: silent.url, concurrency: 1, timeouts: { greetingMs: 300 } });
    expect(await g.send(message('g@example.org'))).toMatchObject({
      ok: false,
      kind: 'temporary',
      errorCode: 'ETIMEDOUT',
    });
    await g.close();
  });

  it('leaves a server without PIPELINING, or one offering STARTTLS, to nodemailer', async () => {
    const plain = await scripted({ ehlo: ehlo('8BITMIME') });
    const t = smtpTransport({ url: plain.url, concurrency: 1 });
    expect(await t.send(message('p@example.org'))).toMatchObject({ ok: true });
    await t.close();
    // nodemailer waits for each reply: MAIL FROM and RCPT TO never share a write.
    expect(plain.chunks.some((c) => c.includes('MAIL FROM') && c.includes('RCPT TO'))).toBe(false);
    expect(plain.messages).toHaveLength(1);
    const tls = await scripted({ ehlo: ehlo('PIPELINING', 'STARTTLS') });
    const u = smtpTransport({ url: tls.url, concurrency: 1 });
    await u.send(message('t@example.org'));
    await u.close();
    // nodemailer asked to upgrade (and this server cannot); Gazette's client never sends in the clear here.
    expect(tls.commands).toContain('STARTTLS');
    expect(tls.commands.some((c) => c.startsWith('MAIL FROM'))).toBe(false);
  });
});
