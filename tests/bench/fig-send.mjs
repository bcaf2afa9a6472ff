// Sending: `gazette send` (journal on, personalization on) against a bare nodemailer pool sending
// one prebuilt message, both with 5 connections to the same local sink; then the sender's peak
// RSS for 10k and 100k recipients. Both senders are whole processes, timed from spawn to exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildDigest, CLI, ISSUE_SLUG, REPO, makeRoot, removeRoot, writeRecipients } from './fixtures.mjs';
import { GNU_TIME, runNode } from './spawn.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const quick = flag('quick');
const MESSAGES = 5000;
const CONNECTIONS = 5;
const RSS_ROWS = quick ? [10_000, 30_000] : [10_000, 100_000];
const RSS_LIMIT_MB = 200;
const SECRET = 'bench-secret-0123456789abcdef';
const NA = 'n/a (send not available)';

/** The sink as a child process; `count()` asks it how many messages it accepted so far. */
async function startSink() {
  const child = spawn(process.execPath, [path.join(REPO, 'tests', 'bench', 'sink.mjs'), '--max-seconds', '900'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.(JSON.parse(l)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const { port } = await next();
  return {
    port,
    async count() {
      const answer = next();
      child.stdin.write('count\n');
      return (await answer).count;
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

/** Whether this build has a real `gazette send` (the placeholder throws cli/not-implemented). */
async function sendAvailable() {
  const r = await runNode([CLI, 'send', '--help']);
  return !/cli\/not-implemented/.test(r.stdout + r.stderr);
}

async function gazetteSend(sink, rows) {
  const root = makeRoot(5);
  try {
    const csv = path.join(root, 'recipients.csv');
    writeRecipients(csv, rows);
    const before = await sink.count();
    const r = await runNode(
      [
        CLI,
        'send',
        '--issue',
        ISSUE_SLUG,
        '--to',
        csv,
        '--root',
        root,
        '--smtp',
        `smtp://127.0.0.1:${sink.port}`,
        '--concurrency',
        String(CONNECTIONS),
        '--yes',
      ],
      {
        env: { GAZETTE_SECRET: SECRET },
        timeoutMs: 600_000,
      },
    );
    const delivered = (await sink.count()) - before;
    if (r.code !== 0) progress(`gazette send exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return { ...r, delivered, rate: (delivered / r.ms) * 1000 };
  } finally {
    removeRoot(root);
  }
}

async function peerSend(sink, files) {
  const before = await sink.count();
  const r = await runNode([
    'tests/bench/peer-send.mjs',
    '--port',
    String(sink.port),
    '--count',
    String(MESSAGES),
    '--html',
    files.html,
    '--text',
    files.text,
    '--connections',
    String(CONNECTIONS),
  ]);
  const delivered = (await sink.count()) - before;
  if (r.code !== 0) throw new Error(`peer-send exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  const report = JSON.parse(r.stdout.trim().split('\n').pop());
  if (report.failed) progress(`peer-send: ${report.failed} failed (${report.firstError})`);
  return { ...r, delivered, rate: (delivered / r.ms) * 1000 };
}

/** The built issue's html and text, written once for the peer (the same message every time). */
async function prebuilt() {
  const root = makeRoot(5);
  try {
    const { rendered } = await buildDigest(root);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gazette-bench-msg-'));
    const files = { html: path.join(dir, 'email.html'), text: path.join(dir, 'email.txt'), dir };
    writeFileSync(files.html, rendered.html);
    writeFileSync(files.text, rendered.text);
    return files;
  } finally {
    removeRoot(root);
  }
}

const cpuNote = (runs) =>
  runs.every((x) => x.cpuMs !== undefined)
    ? (
        summary(
          runs.map((x) => x.cpuMs),
          'ms',
        ).median / 1000
      ).toFixed(1)
    : '?';
const rssNote = (runs) =>
  runs.every((x) => x.peakRssKb)
    ? (
        summary(
          runs.map((x) => x.peakRssKb),
          'KB',
        ).median / 1024
      ).toFixed(0)
    : '?';

const rows = [];
const available = await sendAvailable();
const sink = await startSink();
const files = await prebuilt();
try {
  const runs = quick ? 2 : 3;
  const g = [];
  const p = [];
  await peerSend(sink, files); // warm-up: disk cache, sink JIT
  for (let i = 0; i < runs; i++) {
    if (available) g.push(await gazetteSend(sink, MESSAGES));
    p.push(await peerSend(sink, files));
    progress(
      `send run ${i + 1}: ${available ? `Gazette ${g.at(-1).rate.toFixed(0)} msg/s (${g.at(-1).delivered} delivered), ` : ''}peer ${p.at(-1).rate.toFixed(0)} msg/s`,
    );
  }
  const peerRate = summary(
    p.map((x) => x.rate),
    'msg/s',
  );
  const peerRss = p.every((x) => x.peakRssKb)
    ? summary(
        p.map((x) => x.peakRssKb / 1024),
        'MB',
      )
    : undefined;
  const send = row({
    id: 'send-5000',
    figure: `send ${MESSAGES} messages, ${CONNECTIONS} connections`,
    gazette: available
      ? summary(
          g.map((x) => x.rate),
          'msg/s',
        )
      : null,
    peer: peerRate,
    goal: '>= 0.90x (aim 1.5x)',
    note: available
      ? `delivered ${g.map((x) => x.delivered).join('/')}; process cpu ${cpuNote(g)} vs ${cpuNote(p)} s; peak RSS ${rssNote(g)} vs ${rssNote(p)} MB`
      : NA,
    extra: {
      peerPeakRssMb: peerRss,
      gazetteRuns: g.map(({ ms, delivered, code, peakRssKb, cpuMs }) => ({ ms, delivered, code, peakRssKb, cpuMs })),
      peerRuns: p.map(({ ms, delivered, peakRssKb, cpuMs }) => ({ ms, delivered, peakRssKb, cpuMs })),
    },
  });
  if (available) send.pass = send.ratio >= 0.9 && g.every((x) => x.delivered === MESSAGES);
  rows.push(send);

  const rss = [];
  for (const n of RSS_ROWS) {
    if (!available || !GNU_TIME) {
      rows.push(
        row({
          id: `rss-${n}`,
          figure: `sender peak RSS, ${n / 1000}k recipients`,
          goal: `<= ${RSS_LIMIT_MB} MB, flat`,
          note: available ? 'n/a (GNU time not installed)' : NA,
        }),
      );
      continue;
    }
    const r = await gazetteSend(sink, n);
    const mb = r.peakRssKb / 1024;
    rss.push(mb);
    const x = row({
      id: `rss-${n}`,
      figure: `sender peak RSS, ${n / 1000}k recipients`,
      gazette: { median: mb, min: mb, max: mb, n: 1, unit: 'MB' },
      goal: `<= ${RSS_LIMIT_MB} MB, flat`,
      note: `${r.delivered} delivered in ${(r.ms / 1000).toFixed(1)} s${rss.length > 1 ? `; ${(mb / rss[0]).toFixed(2)}x the ${RSS_ROWS[0] / 1000}k run` : ''}`,
    });
    // "Flat": ten times the recipients may not cost more than a quarter more memory.
    x.pass = mb <= RSS_LIMIT_MB && (rss.length === 1 || mb <= rss[0] * 1.25) && r.delivered === n;
    rows.push(x);
    progress(`RSS ${n}: ${mb.toFixed(0)} MB`);
  }
} finally {
  sink.stop();
  removeRoot(files.dir);
}
emit(rows);
