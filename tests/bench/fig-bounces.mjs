// Bounces processed per second: `gazette bounces --mbox` (in this process, lib/commands) over a
// generated 10,000-message mbox into the SQLite store holding the 10,000 subscribers the reports
// are about. The messages follow RFC 3464 / 5965 like tests/fixtures/bounces: hard bounces with
// the original headers (matched by Message-ID in the journal), hard bounces without them
// (matched by Final-Recipient), delayed ones (soft, counted) and ARF complaints. The second read
// of the same mbox changes nothing (idempotent) and is timed too.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRoot, removeRoot } from './fixtures.mjs';
import { emit, progress, row, summary, timed } from './stats.mjs';

const N = 10_000;
const SECRET = 'bench-secret-0123456789abcdef';
const CRLF = '\r\n';

function report(i, email) {
  const kind = i % 4;
  const id = `<bench-${i}@mx.bench.example>`;
  const head = [
    `Date: Tue, 1 Dec 2026 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    'From: Mail Delivery Subsystem <mailer-daemon@mx.bench.example>',
    'To: newsletter@thegazelle.org',
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
  ];
  if (kind === 3) {
    return [
      ...head,
      'Subject: FW: abuse report',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="f"',
      '',
      '--f',
      'Content-Type: text/plain',
      '',
      'This is an email abuse report.',
      '',
      '--f',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: BenchFBL/1.0',
      'Version: 1',
      `Original-Rcpt-To: ${email}`,
      '',
      '--f',
      'Content-Type: text/rfc822-headers',
      '',
      'From: The Gazelle <newsletter@thegazelle.org>',
      `To: ${email}`,
      'Subject: The Gazelle, this week',
      '',
      '--f--',
      '',
    ].join(CRLF);
  }
  const delayed = kind === 2;
  return [
    ...head,
    `Subject: Delivery Status Notification (${delayed ? 'Delay' : 'Failure'})`,
    'Content-Type: multipart/report; report-type=delivery-status; boundary="d"',
    '',
    '--d',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `Your message to ${email} ${delayed ? 'is delayed' : 'could not be delivered'}.`,
    '',
    '--d',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.bench.example',
    '',
    `Final-Recipient: rfc822; ${email}`,
    `Action: ${delayed ? 'delayed' : 'failed'}`,
    `Status: ${delayed ? '4.4.7' : '5.1.1'}`,
    `Diagnostic-Code: smtp; ${delayed ? '451 4.4.7 try later' : '550 5.1.1 no such user'}`,
    '',
    ...(kind === 0
      ? [
          '--d',
          'Content-Type: text/rfc822-headers',
          '',
          'From: The Gazelle <newsletter@thegazelle.org>',
          `To: ${email}`,
          `Message-ID: <sent-${i}@thegazelle.org>`,
          '',
        ]
      : []),
    '--d--',
    '',
  ].join(CRLF);
}

const root = makeRoot(1);
try {
  const { openSubscriberStores } = await import('../../lib/store/subscriber-store.js');
  const { openDatabase } = await import('../../lib/store/db.js');
  const { run } = await import('../../lib/commands/bounces.js');
  const emails = Array.from({ length: N }, (_, i) => `reader${i}@bounce.bench`);
  const stores = await openSubscriberStores({ root });
  await stores.subscribers.putMany(emails.map((email) => ({ email })));
  await stores.close();
  // The journal rows the Message-ID match looks up (a send wrote them).
  const db = openDatabase(root);
  db.exec('CREATE TABLE IF NOT EXISTS send_journal (id INTEGER PRIMARY KEY, issue TEXT, email TEXT, message_id TEXT)');
  const ins = db.prepare('INSERT INTO send_journal (issue, email, message_id) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < N; i += 4) ins.run('bench', emails[i], `<sent-${i}@thegazelle.org>`);
  })();
  db.close();
  const mbox = path.join(root, 'bounces.mbox');
  writeFileSync(
    mbox,
    emails
      .map((e, i) => `From MAILER-DAEMON Tue Dec  1 10:00:00 2026\n${report(i, e).replace(/^From /gm, '>From ')}\n`)
      .join(''),
    'latin1',
  );
  const read = async () => {
    let stdout = '';
    const io = {
      stdout: { write: (s) => (stdout += s) },
      stderr: { write: () => {} },
      env: { GAZETTE_SECRET: SECRET },
      cwd: root,
    };
    const t = await timed(() => run(['--mbox', mbox, '--root', root], io));
    if (t.value !== 0) throw new Error(`gazette bounces exited ${t.value}`);
    return { ...t, stdout };
  };
  const first = await read();
  const second = await read();
  const rate = (t) => N / (t.wall / 1000);
  progress(
    `first read: ${first.stdout.trim()} ${(first.wall / 1000).toFixed(2)} s = ${rate(first).toFixed(0)}/s (cpu ${(first.cpu / 1000).toFixed(2)} s)`,
  );
  progress(`second read (nothing changes): ${(second.wall / 1000).toFixed(2)} s = ${rate(second).toFixed(0)}/s`);
  const expected = `Read ${N} messages: ${N / 2} hard bounces, ${N / 4} complaints, ${N / 4} soft bounces, 0 unmatched, 0 not a report.`;
  if (first.stdout.trim() !== expected) throw new Error(`unexpected tally: ${first.stdout}`);
  emit([
    row({
      id: 'bounces',
      figure: `gazette bounces --mbox, ${N} generated DSN/ARF reports, SQLite`,
      gazette: summary([rate(first)], 'reports/s'),
      goal: '',
      note: `${(N / (first.cpu / 1000)).toFixed(0)} reports per CPU-second; first read ${(first.wall / 1000).toFixed(2)} s (cpu ${(first.cpu / 1000).toFixed(2)} s); re-read, nothing changes: ${rate(second).toFixed(0)}/s`,
      extra: { first: { wallMs: first.wall, cpuMs: first.cpu }, second: { wallMs: second.wall, cpuMs: second.cpu } },
    }),
  ]);
} finally {
  removeRoot(root);
}
