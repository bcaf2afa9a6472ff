#!/usr/bin/env node
// A scriptable SMTP sink for tests and benchmarks: a real smtp-server on 127.0.0.1:0.
//
//   node tests/helpers/smtp-sink.mjs [--rules FILE.json] [--out FILE.jsonl] [--raw] [--delay MS] [--time-limit SEC]
//
// Prints {"port": N} as its first stdout line. Every accepted message is recorded as
// {t, from, to, messageId, size, raw?} to --out (JSON lines) and, when started with an IPC
// channel (child_process.fork), sent to the parent as {type: "delivery", ...}.
// Rules script replies per recipient address for its first N attempts ("*": any address, the
// first N attempts over all of them):
//   {"a@x.org": {"reply": 450, "times": 2}, "b@x.org": {"reply": "drop", "at": "data"}, "*": {...}}
// reply: an SMTP code (4xx/5xx) or "drop" (the connection is cut); at: "rcpt" (default) or
// "data"; times: how many attempts get it (default: all). With no rules the sink answers 250 at
// once and keeps nothing but counters: cheap enough for a benchmark. It exits by itself after
// --time-limit seconds (default 120), and when its parent goes away.
import { appendFileSync, readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rules = opt('rules') ? JSON.parse(readFileSync(opt('rules'), 'utf8')) : {};
const out = opt('out');
const keepRaw = args.includes('--raw');
const delay = Number(opt('delay', '0'));
const timeLimit = Number(opt('time-limit', '120'));
const attempts = new Map();

// smtp-server waits 100 ms before its greeting to catch clients that talk too early; a local
// sink has no such clients, and the delay would dominate tests that reconnect often.
SMTPConnection.prototype.init = function init() {
  this._setListeners(() => this.connectionReady());
};

function ruleFor(address, stage) {
  const own = rules[address];
  const rule = own ?? rules['*'];
  if (!rule || (rule.at ?? 'rcpt') !== stage) return undefined;
  // "*" counts attempts over all addresses: "the server fails the next N messages".
  const key = `${stage}:${own ? address : '*'}`;
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  if (rule.times !== undefined && n > rule.times) return undefined;
  return rule;
}

function connectionOf(session) {
  for (const c of server.connections) if (c.session === session || c.id === session.id) return c;
  return undefined;
}

function apply(rule, session, callback) {
  if (rule.reply === 'drop') {
    connectionOf(session)?._socket?.destroy();
    return;
  }
  const err = new Error(`scripted ${rule.reply}`);
  err.responseCode = Number(rule.reply);
  callback(err);
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  logger: false,
  size: 50 * 1024 * 1024,
  maxClients: 200,
  onAuth(auth, _session, callback) {
    callback(null, { user: auth.username || 'anyone' });
  },
  onRcptTo(address, session, callback) {
    const rule = ruleFor(address.address.toLowerCase(), 'rcpt');
    if (rule) return apply(rule, session, callback);
    callback();
  },
  onData(stream, session, callback) {
    const chunks = [];
    let size = 0;
    stream.on('data', (c) => {
      size += c.length;
      if (keepRaw || size - c.length < 4096) chunks.push(c);
    });
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address);
      const rule = ruleFor(to[0]?.toLowerCase(), 'data');
      if (rule) return apply(rule, session, callback);
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.slice(0, text.search(/\r?\n\r?\n/) >>> 0);
      const messageId = /^message-id:\s*(\S+)/im.exec(head)?.[1];
      const record = {
        t: Date.now(),
        from: session.envelope.mailFrom?.address,
        to,
        messageId,
        size,
      };
      if (keepRaw) record.raw = text;
      const finish = () => {
        if (out) appendFileSync(out, JSON.stringify(record) + '\n');
        if (process.send) process.send({ type: 'delivery', ...record });
        callback(null, 'queued');
      };
      if (delay > 0) setTimeout(finish, delay);
      else finish();
    });
  },
});
server.on('error', (err) => {
  // A client that vanished mid-session is expected here (drops, SIGKILLed senders).
  if (process.env.SINK_DEBUG) console.error('sink:', err.message);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address();
  process.stdout.write(JSON.stringify({ port }) + '\n');
  if (process.send) process.send({ type: 'listening', port });
});

const stop = () => server.close(() => process.exit(0));
setTimeout(() => process.exit(0), timeLimit * 1000).unref();
process.on('SIGTERM', stop);
process.on('disconnect', () => process.exit(0));
