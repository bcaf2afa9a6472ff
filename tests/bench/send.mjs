#!/usr/bin/env node
// Send benchmark (DESIGN.md section 8). Prints one JSON object:
//   gazette:   `gazette send` msgs/s, 5,000 recipients, 5 connections, journal + personalization on
//   nodemailer: a bare nodemailer pool (5 connections) sending the same issue as a prebuilt
//              message (html + text + headers given to sendMail, which composes MIME per message)
//   ratio:     gazette / nodemailer
//   rss:       peak RSS of the sender for 10k and 100k rows (process.resourceUsage().maxRSS)
// Both talk to tests/helpers/smtp-sink.mjs answering instantly. Needs lib/ (npm run build:ts).
//   node tests/bench/send.mjs [--n 5000] [--rss 10000,100000]
import { fork, spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const N = Number(opt('n', '5000'));
const RSS_SIZES = opt('rss', '10000,100000').split(',').filter(Boolean).map(Number);
const ISSUE = 'weekly-digest-2025-11-21';
const SECRET = 'bench-secret-0123456789abcdef';

async function startSink() {
  const child = fork(path.join(REPO, 'tests/helpers/smtp-sink.mjs'), ['--time-limit', '900'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let count = 0;
  const port = await new Promise((resolve) =>
    child.on('message', (m) => (m.type === 'listening' ? resolve(m.port) : m.type === 'delivery' && count++)),
  );
  return { port, count: () => count, stop: () => child.kill('SIGTERM') };
}

async function makeRoot() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-bench-'));
  await cp(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  await writeFile(path.join(root, '.env'), `GAZETTE_SECRET=${SECRET}\n`);
  return root;
}

async function writeList(root, n) {
  const file = path.join(root, `list-${n}.csv`);
  const lines = ['email,name,city'];
  for (let i = 0; i < n; i++) lines.push(`reader${i}@example.org,Reader ${i},Abu Dhabi`);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

/** Runs `gazette send` in a child that reports its own peak RSS on exit. */
function runGazette(root, list, port) {
  const probe = `import { writeSync } from 'node:fs'; process.on('exit', () => { try { writeSync(3, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }) + '\\n'); } catch {} });`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'data:text/javascript,' + encodeURIComponent(probe),
        path.join(REPO, 'bin/gazette.js'),
        'send',
        '--root',
        root,
        '--issue',
        ISSUE,
        '--to',
        list,
        '--smtp',
        `smtp://127.0.0.1:${port}`,
        '--yes',
        '--concurrency',
        '5',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        env: { ...process.env, GAZETTE_SECRET: SECRET },
      },
    );
    let out = '';
    let err = '';
    let rss = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdio[3].on('data', (d) => (rss += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`gazette send exited ${code}: ${err.slice(-500)}`));
      const sent = Number(/sent:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const m = /in ([\d.]+) s/.exec(out);
      resolve({
        sent,
        wallSeconds: seconds,
        sendSeconds: m ? Number(m[1]) : undefined,
        maxRssMB: rss ? Math.round(JSON.parse(rss).maxRSS / 1024) : undefined,
      });
    });
  });
}

/** The baseline: nodemailer's pool with the same issue, composed by nodemailer for every message. */
async function runNodemailer(root, n, port) {
  const { buildIssue } = await import(path.join(REPO, 'lib/index.js'));
  const built = await buildIssue({ root, issue: ISSUE });
  const r = built.issues[0];
  const transporter = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
    ignoreTLS: true,
  });
  const message = {
    from: { name: r.issue.publication.name, address: r.issue.publication.from.address },
    replyTo: r.issue.publication.replyTo,
    subject: r.issue.title,
    html: r.html,
    text: r.text,
    list: {
      unsubscribe: r.issue.publication.unsubscribeUrl,
      id: { url: 'the-gazelle.thegazelle.org', comment: r.issue.publication.name },
    },
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await transporter.sendMail({ ...message, to: `reader${i}@example.org` });
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  const seconds = (performance.now() - started) / 1000;
  transporter.close();
  return { sent: n, seconds };
}

const root = await makeRoot();
const sink = await startSink();
try {
  const list = await writeList(root, N);
  // Warm-up run for both (JIT, page cache), then the measured runs.
  await runNodemailer(root, 200, sink.port);
  const base = await runNodemailer(root, N, sink.port);
  const g = await runGazette(root, list, sink.port);
  const result = {
    recipients: N,
    connections: 5,
    gazette: {
      msgsPerSecond: Math.round(g.sent / (g.sendSeconds ?? g.wallSeconds)),
      wallSeconds: +g.wallSeconds.toFixed(2),
      includesBuildAndJournalLoad: true,
      maxRssMB: g.maxRssMB,
    },
    nodemailer: { msgsPerSecond: Math.round(base.sent / base.seconds) },
    rss: {},
  };
  result.ratio = +(result.gazette.msgsPerSecond / result.nodemailer.msgsPerSecond).toFixed(2);
  for (const size of RSS_SIZES) {
    const file = await writeList(root, size);
    const run = await runGazette(root, file, sink.port);
    result.rss[size] = {
      maxRssMB: run.maxRssMB,
      msgsPerSecond: Math.round(run.sent / (run.sendSeconds ?? run.wallSeconds)),
    };
  }
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  sink.stop();
  await rm(root, { recursive: true, force: true });
}
