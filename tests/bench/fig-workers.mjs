// Several senders on one list, against PostgreSQL (127.0.0.1:5432, a database of its own per
// configuration): 1, 2 and 4 `gazette send` workers (after one `gazette build` of the root, as a user
// sends) against a sink that takes 20 ms per message
// (a real relay's latency), messages/s over the sending phase as the sink saw it; the journal's
// claim+complete rows/s; with --full, each worker's peak RSS at 100k and 1M rows (the 1M list
// loaded whole, then stopped after 100k deliveries).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { CLI, ISSUE_SLUG, makeRoot, REPO, removeRoot, writeRecipients } from './fixtures.mjs';
import { runNode } from './spawn.mjs';
import { emit, flag, progress, row } from './stats.mjs';

const quick = flag('quick');
const full = flag('full');
const MESSAGES = quick ? 1200 : 6000;
const ADMIN = process.env.GAZETTE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-0123456789abcdef';

async function admin(sql) {
  const c = new pg.Client({ connectionString: ADMIN, connectionTimeoutMillis: 2000 });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function database(tag) {
  const name = `gz_bench_${tag}_${process.pid}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** tests/bench/latency-sink.mjs: a relay that answers each message after `delay` ms. */
async function sink(delay, out, onDelivered) {
  const child = spawn(
    process.execPath,
    [
      path.join(REPO, 'tests/bench/latency-sink.mjs'),
      ...['--delay', String(delay), '--out', out, '--time-limit', '1800', '--progress', '10000'],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve) => lines.once('line', resolve));
  lines.on('line', (l) => onDelivered?.(JSON.parse(l).delivered));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // The sink writes its deliveries when it stops.
  return { port: JSON.parse(first).port, stop: () => (child.kill('SIGTERM'), exited) };
}

/** SIGTERM to the `gazette send` processes (not their GNU time wrapper) whose command line names `csv`. */
function stopSenders(csv) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node' && cmdline.includes(csv))
        process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone already
    }
  }
}

function deliveries(file) {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

/**
 * Messages/s over the steady part of the run: deliveries between the 10th and the 90th percentile.
 * Whole-span rates charge N workers for their staggered process starts (each cold start is ~0.7 s
 * against a 4-second run), which measures start-up, not how the journal lets workers share a list.
 */
function steadyRate(t) {
  if (t.length < 20) return Number.NaN;
  const a = Math.floor(t.length * 0.1);
  const b = Math.floor(t.length * 0.9);
  return (b - a) / ((t[b] - t[a]) / 1000);
}

/**
 * n workers on one list of `messages` rows. `stopAfter`: the workers are stopped (SIGTERM, a clean
 * stop) once the sink has that many deliveries: the whole list is loaded by then, so the peak RSS
 * of a 1M-row list is measured without sending a million messages.
 */
async function workers(n, messages, { delay = 20, env: extraEnv = {}, stopAfter } = {}) {
  const db = await database(`w${n}`);
  const root = makeRoot(5);
  const out = path.join(root, 'deliveries.jsonl');
  const csv = path.join(root, 'recipients.csv');
  const s = await sink(delay, out, (k) => stopAfter && k >= stopAfter && stopSenders(csv));
  try {
    writeRecipients(csv, messages);
    // As a user sends: build (and deploy) first; every worker then reads the issue from the
    // build cache instead of rendering it at once on the same two cores (docs/sending.md).
    const built = await runNode([CLI, 'build', '--root', root, '--quiet'], { env: { GAZETTE_SECRET: SECRET } });
    if (built.code !== 0) throw new Error(`gazette build failed: ${built.stderr}`);
    const args = [CLI, 'send', '--issue', ISSUE_SLUG, '--to', csv, '--root', root];
    args.push('--smtp', `smtp://127.0.0.1:${s.port}`, '--concurrency', '5', '--yes');
    const env = { GAZETTE_SECRET: SECRET, GAZETTE_DATABASE_URL: db.url, ...extraEnv };
    const runs = await Promise.all(Array.from({ length: n }, () => runNode(args, { env, timeoutMs: 1_800_000 })));
    for (const r of runs) if (r.code !== 0) progress(`worker exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    await s.stop();
    const got = deliveries(out);
    const t = got.map((d) => d.t).sort((a, b) => a - b);
    const distinct = new Set(got.map((d) => d.messageId)).size;
    const seconds = t.length > 1 ? (t[t.length - 1] - t[0]) / 1000 : Number.NaN;
    return {
      delivered: t.length,
      distinct,
      rate: steadyRate(t),
      spanRate: t.length / seconds,
      peakRssMb: runs.map((r) => (r.peakRssKb ?? 0) / 1024),
    };
  } finally {
    s.stop();
    removeRoot(root);
    await db.drop();
  }
}

/** The journal alone: load, then claim 100 + record sent + flush until done, from `k` workers. */
async function claimComplete(rowsN, k) {
  const db = await database(`cc${k}`);
  const { openStore } = await import('../../lib/store/open.js');
  const stores = await Promise.all(Array.from({ length: k }, () => openStore({ root: '.', url: db.url })));
  try {
    const j0 = stores[0].journal;
    const { loadId } = await j0.enterRun('bench', { owner: 'w0', host: 'b', pid: 0, source: 'bench' }, 600_000);
    for (let i = 0; i < rowsN; i += 1000) {
      const batch = [];
      for (let r = i; r < Math.min(rowsN, i + 1000); r++)
        batch.push({
          email: `r${r}@b.example`,
          ascii: `r${r}@b.example`,
          fields: {},
          line: r + 2,
          messageId: `<${r}@b>`,
        });
      await j0.addRecipients('bench', loadId, batch);
    }
    await j0.finishLoad(loadId);
    const t0 = performance.now();
    await Promise.all(
      stores.map(async ({ journal }, w) => {
        for (;;) {
          const rows = await journal.claim('bench', loadId, `w${w}`, 100, 600_000);
          if (rows.length === 0) break;
          for (const r of rows) journal.record(r, { state: 'sent', response: '250 ok' });
          await journal.flush();
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const sent = (await j0.counts('bench', loadId)).sent;
    return { sent, rate: sent / seconds };
  } finally {
    for (const s of stores) await s.close();
    await db.drop();
  }
}

const rows = [];
let available = true;
try {
  await admin('SELECT 1');
} catch {
  available = false;
  progress(`PostgreSQL does not answer at ${ADMIN}: worker figures skipped`);
}
if (available) {
  const rates = {};
  for (const n of [1, 2, 4]) {
    const r = await workers(n, MESSAGES);
    rates[n] = r.rate;
    progress(
      `${n} worker(s): ${r.delivered} delivered, ${r.rate.toFixed(0)} msg/s steady, ${r.spanRate.toFixed(0)} over the whole span`,
    );
    const x = row({
      id: `workers-${n}`,
      figure: `${n} worker${n > 1 ? 's' : ''}, sink 20 ms/message, 5 connections each`,
      gazette: { median: r.rate, min: r.rate, max: r.rate, n: 1, unit: 'msg/s' },
      goal: n === 4 ? '>= 3.5x one worker' : '-',
      note: `${r.delivered} of ${MESSAGES} delivered (${r.distinct} distinct Message-IDs); 10th-90th percentile of deliveries (${r.spanRate.toFixed(0)} msg/s first to last)${n > 1 ? `; ${(r.rate / rates[1]).toFixed(2)}x one worker` : ''}`,
    });
    if (n === 4) x.pass = r.rate >= rates[1] * 3.5 && r.delivered === MESSAGES && r.distinct === MESSAGES;
    rows.push(x);
  }
  for (const k of [1, 4]) {
    const r = await claimComplete(quick ? 5000 : 20_000, k);
    progress(`claim+complete, ${k} worker(s): ${r.rate.toFixed(0)} rows/s`);
    rows.push(
      row({
        id: `pg-claim-${k}`,
        figure: `PostgreSQL journal claim+complete, ${k} worker${k > 1 ? 's' : ''} (batches of 100)`,
        gazette: { median: r.rate, min: r.rate, max: r.rate, n: 1, unit: 'rows/s' },
        goal: '-',
        note: `${r.sent} rows`,
      }),
    );
  }
  if (full)
    for (const n of [100_000, 1_000_000]) {
      // A sink with no delay: this measures memory, not latency. The 1M list is loaded whole,
      // then sent until 100k deliveries (as many as the whole 100k run), then stopped.
      const stopAfter = n > 100_000 ? 100_000 : undefined;
      const r = await workers(2, n, { delay: 0, stopAfter });
      const peak = Math.max(...r.peakRssMb);
      progress(`RSS at ${n}: ${r.peakRssMb.map((m) => m.toFixed(0)).join(', ')} MB`);
      rows.push(
        row({
          id: `workers-rss-${n}`,
          figure: `peak RSS per worker, 2 workers, ${n / 1000}k rows`,
          gazette: { median: peak, min: Math.min(...r.peakRssMb), max: peak, n: r.peakRssMb.length, unit: 'MB' },
          goal: 'flat in list size',
          note: `${r.delivered} delivered${stopAfter ? ' (stopped after the list was loaded and 100k sent)' : ''}`,
        }),
      );
    }
}
emit(rows);
