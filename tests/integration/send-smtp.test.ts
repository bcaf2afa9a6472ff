import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/util/token.js';
import { csvOf, ISSUE, makeRoot, SECRET, startSink, type Sink } from '../helpers/send.js';
import { gz as gazette } from '../helpers/run.js';

// Real smtp-server sink in a child process, real CLI, real SQLite journal.

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot());
});
afterAll(async () => cleanup());

const sinks: Sink[] = [];
async function sink(options: Omit<Parameters<typeof startSink>[0], 'dir'> = {}): Promise<Sink> {
  const s = await startSink({ ...options, dir: root });
  sinks.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(sinks.map((s) => s.stop()));
});

let listNo = 0;
async function list(content: string): Promise<string> {
  const file = path.join(root, `list-${++listNo}.csv`);
  await writeFile(file, content);
  return file;
}

function journalRows(
  issue = ISSUE,
): { email: string; state: string; permanent: number | null; smtp_code: number | null; attempts: number }[] {
  const db = new Database(path.join(root, '.gazette/journal.sqlite'), { readonly: true });
  try {
    return db
      .prepare('SELECT email, state, permanent, smtp_code, attempts FROM send_journal WHERE issue = ?')
      .all(issue) as never;
  } finally {
    db.close();
  }
}

// Generous: each test runs the real CLI (which builds the issue) once or more, on shared machines.
describe('gazette send over SMTP', { timeout: 120_000 }, () => {
  it('delivers exactly one message to every valid address of a messy list, escaping hostile names', async () => {
    const s = await sink();
    const rows: string[] = ['\ufeffemail,name,city'];
    const valid = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const e = `reader${i}@example.org`;
      valid.add(e);
      rows.push(`${i % 7 === 0 ? `  ${e.toUpperCase()}  ` : e},Reader ${i},Abu Dhabi`);
      if (i % 50 === 0) rows.push(`${e.replace('reader', 'READER')},Duplicate ${i},x`);
      if (i % 100 === 0)
        rows.push(
          `"bad${i} @example.org",Spaces,x`,
          `"""quoted ${i}""@example.org",Quoted,x`,
          `a${i}@ex(comment)ample.org,Comment,x`,
          `"x${i}@example.org\r\nBcc: evil@attacker.org",CRLF,x`,
        );
    }
    rows.push(
      '"hostile@example.org","<script>alert(1)</script>",x',
      '"crlf@example.org","Eve\r\nBcc: evil@attacker.org\r\nX-Evil: 1",x',
    );
    valid.add('hostile@example.org').add('crlf@example.org');
    const file = await list(rows.join('\r\n') + '\r\n');
    const r = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      file,
      '--smtp',
      s.url,
      '--yes',
      '--concurrency',
      '5',
    ]);
    expect(r.stderr).toContain('invalid-address');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/invalid:\s+40/);
    expect(r.stdout).toMatch(/duplicates:\s+20/);
    await s.waitFor(valid.size);
    await new Promise((res) => setTimeout(res, 200));
    const to = s.deliveries.flatMap((d) => d.to.map((a) => a.toLowerCase()));
    expect(to.length).toBe(valid.size);
    expect(new Set(to)).toEqual(valid);
    expect(new Set(s.deliveries.map((d) => d.messageId)).size).toBe(valid.size);
    const states = journalRows();
    expect(states.filter((x) => x.state === 'sent').length).toBe(valid.size);
    expect(states.filter((x) => x.state === 'invalid').length).toBe(40);
  }, 120_000); // 1000 messages through a real SMTP server (every kind of bad row 10 times over)

  it('escapes names in HTML, keeps them out of the headers, and signs unsubscribe links', async () => {
    const s = await sink({ raw: true });
    const file = await list(
      'email,name\nhostile@example.org,"<script>alert(1)</script> & Zoë"\ncrlf@example.org,"Eve\r\nBcc: evil@attacker.org\r\nX-Evil: 1"\n',
    );
    const r = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      'weekly-digest-2025-11-21',
      '--to',
      file,
      '--smtp',
      s.url,
      '--yes',
    ]);
    expect(r.code, r.stderr).toBe(0);
    await s.waitFor(2);
    const byTo = new Map(s.deliveries.map((d) => [d.to[0], d]));
    expect([...byTo.keys()].sort()).toEqual(['crlf@example.org', 'hostile@example.org']);
    const hostile = await simpleParser(byTo.get('hostile@example.org')!.raw!);
    expect(hostile.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zoë');
    expect(hostile.html).not.toContain('<script>');
    expect(hostile.text).toContain('<script>alert(1)</script> & Zoë');
    expect(hostile.subject).toBe('This week: Kazakhstan, a winter arts festival and finals');
    const crlf = await simpleParser(byTo.get('crlf@example.org')!.raw!);
    expect(crlf.headers.has('bcc')).toBe(false);
    expect(crlf.headers.has('x-evil')).toBe(false);
    expect(crlf.bcc).toBeUndefined();
    expect((crlf.to as { value: { address: string }[] }).value.map((v) => v.address)).toEqual(['crlf@example.org']);
    expect(crlf.text).toContain('Eve Bcc: evil@attacker.org X-Evil: 1');
    // List headers (RFC 8058) with a token that names this recipient.
    expect(byTo.get('crlf@example.org')!.raw!).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    const lu = String(byTo.get('crlf@example.org')!.raw!.match(/^List-Unsubscribe: ([^]*?)\r\n(?! )/m)![1]);
    const token = new URL(/<(https:[^>]+)>/.exec(lu)![1]!).searchParams.get('token')!;
    expect(verifyToken(token, SECRET)).toEqual({ email: 'crlf@example.org', issue: 'weekly-digest-2025-11-21' });
    expect(lu).toContain('<mailto:unsubscribe@thegazelle.org');
    expect(byTo.get('crlf@example.org')!.raw!).toMatch(/^List-Id: "The Gazelle" <the-gazelle\.thegazelle\.org>\r$/m);
    expect(crlf.html).toContain(`token=${token}`);
  });

  it('retries 421/450/451 and dropped connections until delivered once; records 550 after one try', async () => {
    const emails = Array.from({ length: 60 }, (_, i) => `r${i}@example.org`);
    const rules: Record<string, object> = {
      'r1@example.org': { reply: 450, times: 2 },
      'r2@example.org': { reply: 451, times: 1 },
      'r3@example.org': { reply: 421, times: 1 },
      'r4@example.org': { reply: 'drop', times: 1 },
      'r5@example.org': { reply: 'drop', at: 'data', times: 2 },
      'r6@example.org': { reply: 451, at: 'data', times: 1 },
      'r7@example.org': { reply: 550 },
      'r8@example.org': { reply: 550, at: 'data' },
      'r9@example.org': { reply: 450 },
    };
    const s = await sink({ rules });
    const file = await list(csvOf(emails));
    const args = [
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      file,
      '--smtp',
      s.url,
      '--yes',
      '--retry-delay',
      '20',
      '--max-attempts',
      '4',
      '--concurrency',
      '3',
    ];
    const r = await gazette(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(/failed:\s+2 permanently, 1 temporarily/);
    expect(r.stdout).toMatch(/550: 2/);
    await s.waitFor(emails.length - 3); // replies reach the test by IPC, after the in-process send returns
    const delivered = s.deliveries.flatMap((d) => d.to);
    expect(delivered.sort()).toEqual(
      emails.filter((e) => !['r7@example.org', 'r8@example.org', 'r9@example.org'].includes(e)).sort(),
    );
    const rows = new Map(
      journalRows()
        .filter((x) => x.email.startsWith('r'))
        .map((x) => [x.email, x]),
    );
    expect(rows.get('r7@example.org')).toMatchObject({ state: 'failed', permanent: 1, smtp_code: 550, attempts: 1 });
    expect(rows.get('r8@example.org')).toMatchObject({ state: 'failed', permanent: 1, smtp_code: 550, attempts: 1 });
    expect(rows.get('r9@example.org')).toMatchObject({ state: 'failed', permanent: 0, smtp_code: 450, attempts: 4 });
    expect(rows.get('r1@example.org')).toMatchObject({ state: 'sent', attempts: 3 });

    // A later run retries only the temporary failure, never the sent or the 550 rows.
    const again = await gazette(args);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/already sent: 57/);
    await s.waitFor(57);
    expect(s.deliveries.length).toBe(57);
    expect(journalRows().find((x) => x.email === 'r9@example.org')!.attempts).toBe(8);
  });

  it('pauses, resumable, when the server fails everyone in a row', async () => {
    const s = await sink({ rules: { '*': { reply: 451, times: 12 } } });
    const emails = Array.from({ length: 30 }, (_, i) => `p${i}@example.org`);
    const file = await list(csvOf(emails));
    const args = [
      'send',
      '--root',
      root,
      '--issue',
      'weekly-digest-2025-11-21',
      '--to',
      file,
      '--smtp',
      s.url,
      '--yes',
      // Long enough that no retry falls due before the first five addresses have failed: with
      // 10 ms a loaded machine let retries take the 451s and the run never paused.
      '--retry-delay',
      '2000',
      '--pause-after',
      '5',
      '--concurrency',
      '1',
    ];
    const r = await gazette(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Paused after 5 consecutive failures');
    // Re-runs resume: each may pause again on the scripted 451s or leave a retry waiting (exit 2).
    let last = r;
    for (let i = 0; i < 4 && last.code !== 0; i++) last = await gazette(args);
    expect(last.code, last.stderr).toBe(0);
    await s.waitFor(emails.length);
    expect(s.deliveries.flatMap((d) => d.to).sort()).toEqual([...emails].sort());
  }, 120_000);

  it('keeps no one-second window above --rate', async () => {
    const s = await sink();
    const emails = Array.from({ length: 120 }, (_, i) => `rate${i}@example.org`);
    const r = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      await list(csvOf(emails)),
      '--smtp',
      s.url,
      '--yes',
      '--rate',
      '50',
      '--concurrency',
      '4',
    ]);
    expect(r.code, r.stderr).toBe(0);
    await s.waitFor(120);
    const times = s.deliveries.map((d) => d.t).sort((a, b) => a - b);
    expect(times.length).toBe(120);
    let max = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    expect(max).toBeLessThanOrEqual(50);
  });

  it('signs with DKIM, covering both List-Unsubscribe headers', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dns = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const s = await sink({ raw: true });
    const r = await gazette(
      [
        'send',
        '--root',
        root,
        '--issue',
        ISSUE,
        '--to',
        await list(csvOf(['dkim@example.org'])),
        '--smtp',
        s.url,
        '--yes',
      ],
      {
        env: { DKIM_DOMAIN: 'thegazelle.org', DKIM_SELECTOR: 'gz', DKIM_PRIVATE_KEY: pem },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    await s.waitFor(1);
    const result = await dkimVerify(Buffer.from(s.deliveries[0]!.raw!, 'latin1'), {
      resolver: async (name: string, type: string) => {
        if (name === 'gz._domainkey.thegazelle.org' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${dns}`]];
        throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      },
    });
    const sig = result.results[0]!;
    expect(sig.status.result).toBe('pass');
    const signed = ((sig as { signingHeaders?: { keys?: string } }).signingHeaders?.keys ?? '')
      .toLowerCase()
      .split(': ')
      .join(':');
    expect(signed).toContain('list-unsubscribe');
    expect(signed).toContain('list-unsubscribe-post');
  });

  it('skips suppressed addresses, also ones added while a send runs', async () => {
    const s = await sink({ delay: 20 });
    const emails = Array.from({ length: 40 }, (_, i) => `sup${i}@example.org`);
    expect((await gazette(['suppress', 'add', 'sup0@example.org', '--root', root])).code).toBe(0);
    let added: Promise<unknown> | undefined;
    const r = await gazette(
      [
        'send',
        '--root',
        root,
        '--issue',
        ISSUE,
        '--to',
        await list(csvOf(emails)),
        '--smtp',
        s.url,
        '--yes',
        '--concurrency',
        '1',
      ],
      {
        onStart: () => {
          added = s.waitFor(3).then(() => gazette(['suppress', 'add', 'sup39@example.org', '--root', root]));
        },
      },
    );
    await added;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/suppressed:\s+2/);
    await s.waitFor(38);
    const to = s.deliveries.flatMap((d) => d.to);
    expect(to).not.toContain('sup0@example.org');
    expect(to).not.toContain('sup39@example.org');
    expect(to.length).toBe(38);
  });
});

describe('gazette send without a server', { timeout: 120_000 }, () => {
  it('refuses --test together with --to', async () => {
    const r = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      'x.csv',
      '--test',
      'ed@example.org',
      '--yes',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('leave out --to');
  });

  it('refuses without GAZETTE_SECRET', async () => {
    const { root: bare, cleanup: done } = await makeRoot({});
    try {
      const r = await gazette(['send', '--root', bare, '--issue', ISSUE, '--to', 'x.csv', '--yes']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[config/no-secret]');
    } finally {
      await done();
    }
  });

  it('stops before sending when a merge tag names a missing column', async () => {
    const { root: r2, cleanup: done } = await makeRoot();
    try {
      const issueFile = path.join(r2, 'content/issues', `${ISSUE}.md`);
      await writeFile(
        issueFile,
        (await readFile(issueFile, 'utf8')).replace(
          'Hi {{subscriber.name',
          'From {{subscriber.city}}. Hi {{subscriber.name',
        ),
      );
      const s = await sink();
      await writeFile(path.join(r2, 'l.csv'), 'email,name\na@example.org,A\n');
      const r = await gazette([
        'send',
        '--root',
        r2,
        '--issue',
        ISSUE,
        '--to',
        path.join(r2, 'l.csv'),
        '--smtp',
        s.url,
        '--yes',
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /issues\/kazakhstan-abraham-accords\.md:\d+:1: error: .*subscriber\.city.*\[send\/missing-column\]/,
      );
      expect(s.deliveries.length).toBe(0);
    } finally {
      await done();
    }
  });

  it('reports a CSV without an email column and a malformed CSV with their line', async () => {
    const noEmail = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      await list('name\nx\n'),
      '--yes',
      '--dry-run',
      path.join(root, 'x'),
    ]);
    expect(noEmail.code).toBe(1);
    expect(noEmail.stderr).toMatch(/:1:1: error: the recipient list has no `email` column \[send\/csv-no-email\]/);
    const broken = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      await list('email,name\na@example.org,A\n"b@example.org,B\n'),
      '--yes',
      '--dry-run',
      path.join(root, 'x'),
    ]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('[send/csv-syntax]');
    const missing = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--to',
      path.join(root, 'nope.csv'),
      '--yes',
      '--dry-run',
      path.join(root, 'x'),
    ]);
    expect(missing.stderr).toContain('[send/csv-unreadable]');
  });

  it('--dry-run and --outbox write one .eml per recipient and mark nobody sent; no SMTP at all is exit 1', async () => {
    const { root: r3, cleanup: done } = await makeRoot();
    try {
      await writeFile(path.join(r3, 'l.csv'), csvOf(['a@example.org', 'b@example.org', 'a@EXAMPLE.org', 'no-at-sign']));
      const dir = path.join(r3, 'eml');
      const sendList = (...extra: string[]) =>
        gazette(['send', '--root', r3, '--issue', ISSUE, '--to', path.join(r3, 'l.csv'), ...extra]);
      const r = await sendList('--dry-run', dir);
      expect(r.code, r.stderr).toBe(0);
      const files = await readdir(dir);
      expect(files.length).toBe(2);
      const parsed = await simpleParser(await readFile(path.join(dir, files.find((f) => f.startsWith('a@'))!)));
      expect(parsed.text).toContain('Hi Reader 0,');
      // No SMTP configured and no --outbox: a real send refuses (it used to write files and exit 0).
      const none = await sendList();
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('no SMTP server configured: nothing was sent');
      expect(none.stderr).toContain('--outbox DIR');
      const box = path.join(r3, 'box');
      const outbox = await sendList('--outbox', box);
      expect(outbox.code, outbox.stderr).toBe(0);
      expect((await readdir(box)).length).toBe(2);
      // Nothing was journaled as sent: a real run would send both.
      const db = new Database(path.join(r3, '.gazette/journal.sqlite'), { readonly: true });
      const hasJournal = db.prepare("SELECT name FROM sqlite_master WHERE name = 'send_journal'").get();
      const sent = hasJournal
        ? (db.prepare("SELECT COUNT(*) AS n FROM send_journal WHERE state = 'sent'").get() as { n: number }).n
        : 0;
      db.close();
      expect(sent).toBe(0);
    } finally {
      await done();
    }
  }, 90_000);

  it('--test sends one copy marked as a test, not journaled', async () => {
    const s = await sink({ raw: true });
    const r = await gazette([
      'send',
      '--root',
      root,
      '--issue',
      ISSUE,
      '--test',
      'Editor@Example.org',
      '--smtp',
      s.url,
    ]);
    expect(r.code, r.stderr).toBe(0);
    await s.waitFor(1);
    const m = await simpleParser(s.deliveries[0]!.raw!);
    expect(m.subject).toBe('[TEST] Kazakhstan joins the Abraham Accords: what it means');
    expect(m.headers.get('x-gazette-test')).toBe('yes');
    expect(journalRows().some((x) => x.email === 'editor@example.org')).toBe(false);
    const bad = await gazette(['send', '--root', root, '--issue', ISSUE, '--test', 'not an address', '--smtp', s.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[cli/usage]');
  });
});
