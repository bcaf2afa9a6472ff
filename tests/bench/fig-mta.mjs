// Sending to a real MTA: Debian's Postfix on 127.0.0.1 (tests/bench/postfix.mjs, discard
// transport), three senders in one run, each a whole process with the same 5 connections:
//   gazette send (journal, personalization, one MIME per recipient),
//   a bare nodemailer pool sending one prebuilt message (tests/bench/peer-send.mjs),
//   a raw client: Python smtplib, 5 threads, prebuilt bytes (tests/bench/peer-raw.py).
// Skipped with one line when Postfix cannot be installed or started here.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { buildDigest, CLI, ISSUE_SLUG, makeRoot, REPO, removeRoot, writeRecipients } from './fixtures.mjs';
import { startPostfix } from './postfix.mjs';
import { GNU_TIME, runNode } from './spawn.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

const quick = flag('quick');
const MESSAGES = quick ? 1000 : 2000;
const CONNECTIONS = 5;
const SECRET = 'bench-secret-0123456789abcdef';

function runPython(args) {
  // Under GNU time, as runNode does, for the process's CPU time.
  const timeFile = GNU_TIME ? path.join(os.tmpdir(), `gazette-bench-py-${process.pid}-${Date.now()}`) : undefined;
  return new Promise((resolve) => {
    const t0 = performance.now();
    const [cmd, argv] = timeFile ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, 'python3', ...args]] : ['python3', args];
    const child = spawn(cmd, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => {
      let cpuMs;
      if (timeFile && existsSync(timeFile)) {
        const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
        rmSync(timeFile, { force: true });
      }
      resolve({ code, ms: performance.now() - t0, stdout: out, stderr: err, cpuMs });
    });
    child.on('error', (e) => resolve({ code: -1, ms: 0, stdout: '', stderr: e.message }));
  });
}

async function measure(mta, label, run) {
  const before = mta.delivered();
  const r = await run();
  const delivered = (await mta.waitFor(before + MESSAGES)) - before;
  if (r.code !== 0) progress(`${label} exited ${r.code}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' | ')}`);
  return { ...r, delivered, rate: (delivered / r.ms) * 1000 };
}

const rows = [];
const mta = await startPostfix();
if (mta.skip) {
  process.stderr.write(`  mta: skipped: ${mta.skip}\n`);
  for (const id of ['mta-vs-raw', 'mta-vs-nodemailer'])
    rows.push(row({ id, figure: `send ${MESSAGES} to Postfix`, goal: '', note: `skipped: ${mta.skip}` }));
  emit(rows);
  process.exit(0);
}

const root = makeRoot(5);
const dir = mkdtempSync(path.join(os.tmpdir(), 'gazette-bench-mta-'));
try {
  const { rendered } = await buildDigest(root);
  const files = { html: path.join(dir, 'email.html'), text: path.join(dir, 'email.txt'), eml: path.join(dir, 'm.eml') };
  writeFileSync(files.html, rendered.html);
  writeFileSync(files.text, rendered.text);
  const raw = await new MailComposer({
    from: 'The Gazelle <newsletter@thegazelle.org>',
    to: 'reader@example.org',
    subject: rendered.issue.title,
    html: rendered.html,
    text: rendered.text,
  })
    .compile()
    .build();
  writeFileSync(files.eml, raw);
  const csv = path.join(dir, 'list.csv');
  writeRecipients(csv, MESSAGES);

  // What a user does before sending: build (and deploy) the issue. The build cache it leaves in
  // .gazette/cache/ is what `gazette send` reads.
  const built = await runNode([CLI, 'build', '--root', root, '--quiet'], { env: { GAZETTE_SECRET: SECRET } });
  if (built.code !== 0) throw new Error(`gazette build failed: ${built.stderr}`);
  const gazette = (extra = []) =>
    measure(mta, 'gazette send', async () => {
      // A fresh journal each run: every address is new, as in a real first send.
      for (const f of ['journal.sqlite', 'journal.sqlite-wal', 'journal.sqlite-shm'])
        removeRoot(path.join(root, '.gazette', f));
      return runNode(
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
          `smtp://127.0.0.1:${mta.port}`,
        ].concat(['--concurrency', String(CONNECTIONS), '--yes'], extra),
        { env: { GAZETTE_SECRET: SECRET }, timeoutMs: 600_000 },
      );
    });
  const nodemailer = () =>
    measure(mta, 'nodemailer', () =>
      runNode([
        'tests/bench/peer-send.mjs',
        '--port',
        String(mta.port),
        '--count',
        String(MESSAGES),
        '--html',
        files.html,
        '--text',
        files.text,
        '--connections',
        String(CONNECTIONS),
      ]),
    );
  const rawClient = () =>
    measure(mta, 'raw client', () =>
      runPython(['tests/bench/peer-raw.py', String(mta.port), String(MESSAGES), String(CONNECTIONS), files.eml]),
    );

  await rawClient(); // warm-up: Postfix forks its smtpd and cleanup processes
  const g = [];
  const n = [];
  const p = [];
  const runs = quick ? 2 : 3;
  for (let i = 0; i < runs; i++) {
    g.push(await gazette());
    n.push(await nodemailer());
    p.push(await rawClient());
    progress(
      `mta run ${i + 1}: Gazette ${g.at(-1).rate.toFixed(0)}, nodemailer ${n.at(-1).rate.toFixed(0)}, raw ${p.at(-1).rate.toFixed(0)} msg/s`,
    );
  }
  // The same send with nothing cached: the issue rendered and every check rule run in the send.
  const cold = await gazette(['--no-cache']);
  progress(`mta: Gazette with --no-cache ${cold.rate.toFixed(0)} msg/s`);
  const rate = (xs) =>
    summary(
      xs.map((x) => x.rate),
      'msg/s',
    );
  const allDelivered = g.every((x) => x.delivered === MESSAGES);
  // CPU time per message of each whole process (GNU time): steadier than wall time on a shared machine.
  const cpu = (xs) => {
    const ms = xs.map((x) => x.cpuMs).filter((v) => v !== undefined);
    return ms.length ? `${(summary(ms).median / MESSAGES).toFixed(2)} ms` : '?';
  };
  const cpuNote = `process cpu per message: Gazette ${cpu(g)}, nodemailer ${cpu(n)}, raw ${cpu(p)}`;
  const vsRaw = row({
    id: 'mta-vs-raw',
    figure: `send ${MESSAGES} to Postfix, ${CONNECTIONS} connections, vs raw smtplib`,
    gazette: rate(g),
    peer: rate(p),
    goal: '>= 1.0x',
    note: `delivered ${g.map((x) => x.delivered).join('/')}; after gazette build (build cache); with --no-cache ${cold.rate.toFixed(0)} msg/s (${(cold.rate / rate(p).median).toFixed(2)}x); ${cpuNote}`,
  });
  vsRaw.pass = vsRaw.ratio >= 1.0 && allDelivered;
  const vsNodemailer = row({
    id: 'mta-vs-nodemailer',
    figure: `send ${MESSAGES} to Postfix, ${CONNECTIONS} connections, vs nodemailer pool`,
    gazette: rate(g),
    peer: rate(n),
    goal: '>= 1.5x',
    note: `nodemailer delivered ${n.map((x) => x.delivered).join('/')}; ${cpuNote}`,
  });
  vsNodemailer.pass = vsNodemailer.ratio >= 1.5 && allDelivered;
  rows.push(vsRaw, vsNodemailer);
} finally {
  mta.stop();
  removeRoot(root);
  removeRoot(dir);
}
emit(rows);
