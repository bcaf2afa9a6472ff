import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verpToken } from '../../src/bounces/apply.js';
import { run } from '../../src/commands/bounces.js';
import { openDatabase } from '../../src/store/db.js';
import { openSubscriberStores } from '../../src/store/subscriber-store.js';
import { REPO } from '../helpers/root.js';
import { DOVECOT, DOVECOT_SKIP, startDovecot } from '../helpers/dovecot.js';
import { storeState } from '../helpers/webhooks.js';

// Reports written to follow RFC 3464 and RFC 5965 byte for byte (CRLF, folded headers, the
// optional third part present or not), read from an mbox and a Maildir into a real SQLite store.

const FIXTURES = path.join(REPO, 'tests/fixtures/bounces');
if (DOVECOT_SKIP) console.warn(DOVECOT_SKIP);
const SECRET = 'bounces-test-secret-0123456789ab';
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'gz-bounces-'));
  const stores = await openSubscriberStores({ root });
  for (const e of ['ada@example.org', 'bob@example.org', 'carol@example.org', 'dan@example.org', 'erin@example.org'])
    await stores.subscribers.put({ email: e });
  await stores.close();
  // The journal's row for Ada's copy: the bounce names her by this Message-ID only.
  const db = openDatabase(root);
  db.exec('CREATE TABLE send_journal (id INTEGER PRIMARY KEY, issue TEXT, email TEXT, message_id TEXT)');
  db.prepare('INSERT INTO send_journal (issue, email, message_id) VALUES (?, ?, ?)').run(
    'issue-1',
    'ada@example.org',
    '<fixture-1.gazette@news.example.org>',
  );
  db.close();
});
afterEach(async () => rm(root, { recursive: true, force: true }));

async function bounces(...argv: string[]) {
  let stdout = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => {} },
    env: { GAZETTE_SECRET: SECRET },
    cwd: root,
  };
  const code = await run([...argv, '--root', root], io);
  return { code, stdout };
}

const state = () => storeState(root);

async function mboxOf(names: string[]): Promise<string> {
  const parts = await Promise.all(names.map((n) => readFile(path.join(FIXTURES, n), 'latin1')));
  const file = path.join(root, 'bounces.mbox');
  await writeFile(
    file,
    parts.map((p) => `From MAILER-DAEMON Tue Dec  1 10:00:02 2026\n${p.replace(/^From /gm, '>From ')}\n`).join(''),
    'latin1',
  );
  return file;
}

const ALL = [
  'dsn-hard-with-headers.eml',
  'dsn-hard-no-original.eml',
  'dsn-delayed-1.eml',
  'dsn-delayed-2.eml',
  'arf-abuse.eml',
  'auto-reply.eml',
];

const EXPECTED = {
  'ada@example.org': 'bounced bounce:dsn:5.1.1',
  'bob@example.org': 'bounced bounce:dsn:5.1.1',
  'carol@example.org': 'confirmed',
  'dan@example.org': 'complained complaint:arf',
  'erin@example.org': 'confirmed',
};

describe('gazette bounces', () => {
  it('reads an mbox: hard bounces (by Message-ID and without original headers), complaints, soft ones counted', async () => {
    const r = await bounces('--mbox', await mboxOf(ALL));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Read 6 messages: 2 hard bounces, 1 complaint, 2 soft bounces, 0 unmatched, 1 not a report.\n',
    );
    // Ada is matched by her copy's Message-ID, not by the forwarded Final-Recipient.
    expect(await state()).toEqual(EXPECTED);
    const stores = await openSubscriberStores({ root });
    expect(await stores.suppressions.has('ada.lovelace@other.example')).toBe(false);
    await stores.close();
  });

  it('is idempotent, and the third distinct soft bounce in the window stops the address', async () => {
    const file = await mboxOf(ALL);
    await bounces('--mbox', file);
    await bounces('--mbox', file);
    expect(await state()).toEqual(EXPECTED);
    const third = await bounces('--mbox', await mboxOf(['dsn-delayed-3.eml', 'dsn-delayed-1.eml']));
    expect(third.stdout).toContain('(1 reached the limit)');
    expect((await bounces('--mbox', await mboxOf(['dsn-delayed-3.eml']))).stdout).not.toContain('reached');
    expect((await state())['carol@example.org']).toBe('bounced bounce:soft-bounces:3');
  });

  it('reads a Maildir (new/ and cur/) the same way', async () => {
    for (const sub of ['new', 'cur', 'tmp']) await mkdir(path.join(root, 'md', sub), { recursive: true });
    const names = await readdir(FIXTURES);
    for (const [i, n] of ALL.entries())
      await writeFile(
        path.join(root, 'md', i % 2 ? 'cur' : 'new', `${i}.host:2,`),
        await readFile(path.join(FIXTURES, n)),
      );
    expect(names).toContain('dsn-delayed-3.eml');
    const r = await bounces('--maildir', path.join(root, 'md'));
    expect(r.stdout).toContain('Read 6 messages: 2 hard bounces, 1 complaint');
    expect(await state()).toEqual(EXPECTED);
  });

  it.skipIf(!DOVECOT)(
    'reads a real IMAP server (Dovecot): unseen reports, marked seen, so a second run reads none',
    async () => {
      const imap = await startDovecot();
      try {
        for (const n of ALL) await imap.deliver(n.replace(/\W/g, ''), await readFile(path.join(FIXTURES, n)));
        const first = await bounces('--imap', imap.url);
        expect(first.code).toBe(0);
        expect(first.stdout).toBe(
          'Read 6 messages: 2 hard bounces, 1 complaint, 2 soft bounces, 0 unmatched, 1 not a report.\n',
        );
        expect(await state()).toEqual(EXPECTED);
        expect((await bounces('--imap', imap.url)).stdout).toMatch(/^Read 0 messages/);
        // A report arriving later is read on the next run, alone.
        await imap.deliver('late', await readFile(path.join(FIXTURES, 'dsn-delayed-3.eml')));
        expect((await bounces('--imap', imap.url)).stdout).toMatch(/^Read 1 message: .*1 soft bounce/);
        // A wrong password is an error, not an empty mailbox.
        await expect(bounces('--imap', imap.url.replace(/:[^:@]+@/, ':wrong@'))).rejects.toThrow();
        expect(await imap.log()).toContain('Login: user=<bounces>');
      } finally {
        await imap.stop();
      }
    },
  );

  it('matches a VERP return path signed with the secret; a forged one falls back to the report', async () => {
    const base = await readFile(path.join(FIXTURES, 'dsn-hard-no-original.eml'), 'latin1');
    const good = base
      .replace('To: letters@news.example.org', `To: bounces+${verpToken('erin@example.org', SECRET)}@news.example.org`)
      .replace('<dsn-2@', '<dsn-verp@');
    const forged = base
      .replace(
        'To: letters@news.example.org',
        `To: bounces+${verpToken('carol@example.org', 'another-secret-0123456789')}@news.example.org`,
      )
      .replace('<dsn-2@', '<dsn-forged@');
    await writeFile(path.join(root, 'v.mbox'), `From x\n${good}\nFrom y\n${forged}\n`, 'latin1');
    await bounces('--mbox', path.join(root, 'v.mbox'));
    const s = await state();
    expect(s['erin@example.org']).toBe('bounced bounce:dsn:5.1.1');
    expect(s['carol@example.org']).toBe('confirmed');
    expect(s['bob@example.org']).toBe('bounced bounce:dsn:5.1.1');
  });

  it('a complaint outranks an earlier unsubscribe; refuses a missing mailbox with a hint', async () => {
    const stores = await openSubscriberStores({ root });
    await stores.suppressions.add('dan@example.org', 'unsubscribe', 'issue-1');
    await stores.subscribers.setStatus('dan@example.org', 'unsubscribed');
    await stores.close();
    await bounces('--mbox', await mboxOf(['arf-abuse.eml']));
    expect((await state())['dan@example.org']).toBe('complained complaint:arf');
    await expect(bounces('--mbox', path.join(root, 'nope.mbox'))).rejects.toMatchObject({ code: 'bounces/unreadable' });
    await expect(bounces('--mbox', 'x', '--maildir', 'y')).rejects.toMatchObject({ code: 'cli/usage' });
  });
});
