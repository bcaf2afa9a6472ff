// A relay with latency and almost no CPU cost, for the workers figure: answers each message's end
// of DATA after --delay ms, as a real relay's queue write would. smtp-server parses every byte in
// JavaScript (about 1.5 ms of CPU per 30 KB message here), so with four senders on two cores the
// sink, not the senders, set the rate; this one only looks for the end-of-data line.
// Speaks EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, with PIPELINING (replies stay in order).
// Prints {"port":N} when listening (and {"delivered":N} every --progress N deliveries); on SIGTERM writes one JSON line per delivery to --out
// ({t, messageId}) and exits. Bounded by --time-limit seconds.
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const opt = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const delay = Number(opt('delay', '20'));
const out = opt('out', '');
const timeLimit = Number(opt('time-limit', '900'));
const progressEvery = Number(opt('progress', '0'));
const deliveries = [];
const END = Buffer.from('\r\n.\r\n');

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let inData = false;
  let fresh = false; // right after the 354: an empty message is just ".\r\n"
  let pending = Buffer.alloc(0);
  let head = '';
  // Replies in order, even when one of them waits (the end of DATA).
  let chain = Promise.resolve();
  const reply = (text, wait = 0) => {
    chain = chain.then(
      () =>
        new Promise((resolve) => {
          const send = () => {
            if (!socket.destroyed) socket.write(`${text}\r\n`);
            resolve();
          };
          if (wait > 0) setTimeout(send, wait);
          else send();
        }),
    );
  };
  const command = (line) => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO') reply('250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800');
    else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP')
      reply('250 ok');
    else if (verb === 'DATA') {
      inData = true;
      fresh = true;
      head = '';
      reply('354 go ahead');
    } else if (verb === 'QUIT') {
      reply('221 bye');
      chain = chain.then(() => socket.end());
    } else reply('502 not implemented');
  };
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (inData) {
        // "\r\n.\r\n" may straddle chunks; the 354 means DATA starts right after a line break.
        const probe = pending.indexOf(END);
        const atStart = fresh && pending.length >= 3 && pending.subarray(0, 3).toString() === '.\r\n';
        if (fresh || head.length < 4096) head += pending.subarray(0, 4096).toString('latin1');
        fresh = false;
        if (probe < 0 && !atStart) {
          pending = pending.subarray(Math.max(0, pending.length - 4));
          return;
        }
        pending = atStart ? pending.subarray(3) : pending.subarray(probe + END.length);
        inData = false;
        const messageId = /^message-id:\s*(\S+)/im.exec(head)?.[1];
        reply('250 queued', delay);
        chain = chain.then(() => {
          deliveries.push({ t: Date.now(), messageId });
          if (progressEvery && deliveries.length % progressEvery === 0)
            process.stdout.write(`${JSON.stringify({ delivered: deliveries.length })}\n`);
        });
        continue;
      }
      const eol = pending.indexOf('\r\n');
      if (eol < 0) return;
      const line = pending.subarray(0, eol).toString('latin1');
      pending = pending.subarray(eol + 2);
      command(line);
    }
  });
  socket.on('error', () => {});
  reply('220 sink ESMTP');
});

const stop = () => {
  if (out) writeFileSync(out, deliveries.map((d) => JSON.stringify(d)).join('\n') + (deliveries.length ? '\n' : ''));
  process.exit(0);
};
process.on('SIGTERM', stop);
setTimeout(stop, timeLimit * 1000).unref();
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
