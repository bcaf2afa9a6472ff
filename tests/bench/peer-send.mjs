// The send peer: a bare nodemailer pool (5 connections) sending COUNT copies of one prebuilt
// message (composed once, the same email for everyone) to the sink, with a sliding window of
// in-flight sends. Usage: node tests/bench/peer-send.mjs --port P --count N --html F --text F [--window W]
// Prints {"sent":N,"failed":N,"ms":T} (T from the first send to the last reply).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    count: { type: 'string', default: '5000' },
    html: { type: 'string' },
    text: { type: 'string' },
    connections: { type: 'string', default: '5' },
    window: { type: 'string' },
  },
});
const count = Number(values.count);
const connections = Number(values.connections);
// In-flight messages: twice the connections by default, as `gazette send` keeps.
const WINDOW = Number(values.window ?? connections * 2);

const from = 'The Gazelle <newsletter@thegazelle.org>';
const raw = await new MailComposer({
  from,
  to: 'reader@bench.example',
  subject: 'Bench digest',
  html: readFileSync(values.html, 'utf8'),
  text: readFileSync(values.text, 'utf8'),
  headers: {
    'List-Unsubscribe': '<https://www.thegazelle.org/newsletter/unsubscribe>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
})
  .compile()
  .build();

const transport = nodemailer.createTransport({
  pool: true,
  host: '127.0.0.1',
  port: Number(values.port),
  secure: false,
  ignoreTLS: true,
  maxConnections: connections,
  maxMessages: Infinity,
  disableFileAccess: true,
  disableUrlAccess: true,
});

let next = 0;
let sent = 0;
let failed = 0;
let firstError;
const t0 = performance.now();
async function worker() {
  while (next < count) {
    const i = next++;
    try {
      await transport.sendMail({
        envelope: { from: 'newsletter@thegazelle.org', to: [`reader${i}@bench.example`] },
        raw,
      });
      sent++;
    } catch (err) {
      failed++;
      firstError ??= `${err.code ?? ''} ${err.message}`;
    }
  }
}
await Promise.all(Array.from({ length: WINDOW }, worker));
const ms = performance.now() - t0;
transport.close();
process.stdout.write(`${JSON.stringify({ sent, failed, ms, ...(firstError ? { firstError } : {}) })}\n`);
