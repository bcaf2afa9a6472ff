import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gz } from '../helpers/run.js';
import { ISSUE, makeRoot, REPO, SECRET } from '../helpers/send.js';

// Issue 17's "Commands and messages", in-process: suggestions, refusals, partial success and the
// one mapping of SMTP outcomes to exit codes (a real smtp-server on 127.0.0.1).

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeRoot({}));
});
afterAll(async () => cleanup());

const env = { GAZETTE_SECRET: SECRET };

async function smtp(
  options: SMTPServerOptions,
): Promise<{ url: (auth?: string) => string; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        cb();
      });
    },
    ...options,
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    url: (auth) => `smtp://${auth ? `${auth}@` : ''}127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('did you mean', () => {
  it('suggests the command for a typo', async () => {
    const r = await gz(['sned']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "sned"; did you mean "gazette send"?');
  });

  it('suggests the option for a typo', async () => {
    const r = await gz(['check', '--root', root, '--strcit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unknown option '--strcit'; did you mean --strict\?/);
    const far = await gz(['check', '--root', root, '--zzzzzz']);
    expect(far.stderr).not.toContain('did you mean');
  });
});

describe('gazette suppress', () => {
  it('refuses a --root without content/ and creates nothing there', async () => {
    const typo = path.join(root, 'no-such-root');
    for (const args of [['add', 'a@example.org'], ['list']]) {
      const r = await gz(['suppress', ...args, '--root', typo]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('is not a publication root: it has no content/ folder');
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('says how many were imported and which lines were skipped, and exits 2 for partial success', async () => {
    const file = path.join(root, 'partial.csv');
    await writeFile(file, 'email\nok1@example.org\nnot-an-address\nok2@example.org\n');
    const r = await gz(['suppress', 'import', file, '--root', root]);
    expect(r.stdout).toMatch(
      /^Imported 2 new suppressed addresses, skipped 1 \(line 3: address "not-an-address" .*\)\.\n$/,
    );
    expect(r.code).toBe(2);
    const clean = path.join(root, 'clean.csv');
    await writeFile(clean, 'email\nok3@example.org\n');
    expect((await gz(['suppress', 'import', clean, '--root', root])).code).toBe(0);
  });
});

describe('gazette send messages', () => {
  const send = (...args: string[]) => ['send', '--root', root, '--issue', ISSUE, ...args];

  it('detects an unencoded @ in the password and names --smtp, not SMTP_URL', async () => {
    const r = await gz(send('--test', 'me@example.org', '--smtp', 'smtp://user:p@ss@127.0.0.1:2525'), { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--smtp holds "@" unencoded');
    expect(r.stderr).toContain('@ as %40');
    expect(r.stderr).not.toContain('SMTP_URL');
    const fromEnv = await gz(send('--test', 'me@example.org'), {
      env: { ...env, SMTP_URL: 'smtp://user:pa#ss@127.0.0.1:2525' },
    });
    expect(fromEnv.stderr).toContain('SMTP_URL holds "#" unencoded');
    expect(fromEnv.stderr).toContain('# as %23');
  });

  it('--test sends to several addresses, comma-separated or repeated', async () => {
    const s = await smtp({ authOptional: true });
    try {
      const r = await gz(send('--test', 'a@example.org,b@example.org', '--test', 'c@example.org', '--smtp', s.url()), {
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.match(/Sent a test copy/g)).toHaveLength(3);
      expect(s.received.sort()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
    } finally {
      await s.close();
    }
  });

  it('maps SMTP outcomes to one set of exit codes: 530 and 535 refuse the session (1), 550 refuses an address (2)', async () => {
    const auth = await smtp({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      onAuth: (_a, _s, cb) => cb(new Error('bad credentials')),
    });
    const required = await smtp({
      authOptional: false,
      allowInsecureAuth: true,
      onAuth: (_a, _s, cb) => cb(null, { user: 'x' }),
    });
    const refuse = await smtp({
      authOptional: true,
      onRcptTo: (a, _s, cb) =>
        a.address.startsWith('no') ? cb(Object.assign(new Error('no such user'), { responseCode: 550 })) : cb(),
    });
    try {
      const r535 = await gz(send('--test', 'me@example.org', '--smtp', auth.url('user:wrong')), { env });
      expect(r535.stderr).toMatch(/\(535\)|EAUTH/);
      expect(r535.code).toBe(1);
      const r530 = await gz(send('--test', 'me@example.org', '--smtp', required.url()), { env });
      expect(r530.stderr).toMatch(/\(530\)|EAUTH/);
      expect(r530.code).toBe(1);
      const r550 = await gz(send('--test', 'yes@example.org,no@example.org', '--smtp', refuse.url()), { env });
      expect(r550.stderr).toContain('no@example.org failed (550)');
      expect(r550.code).toBe(2);
    } finally {
      await Promise.all([auth.close(), required.close(), refuse.close()]);
    }
  });

  it('--dry-run works without GAZETTE_SECRET and says its links are signed with a fixed secret', async () => {
    const list = path.join(root, 'dry.csv');
    await writeFile(list, 'email,name\nd1@example.org,D\n');
    const out = path.join(root, 'dry-out');
    const r = await gz(send('--to', list, '--dry-run', out, '--yes'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('fixed dry-run secret');
    expect(await readdir(out)).toHaveLength(1);
    // A real send still refuses without it.
    const real = await gz(send('--to', list, '--smtp', 'smtp://127.0.0.1:1', '--yes'));
    expect(real.code).toBe(1);
    expect(real.stderr).toContain('GAZETTE_SECRET');
  });
});

describe('docs/exit-codes.md', () => {
  it('has a row for every command that `gazette --help` lists', async () => {
    const help = (await gz(['--help'])).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toContain('send');
    const table = await readFile(path.join(REPO, 'docs/exit-codes.md'), 'utf8');
    const rows = table.split('\n').filter((l) => l.startsWith('| `gazette '));
    for (const c of commands)
      expect(
        rows.some((r) => r.includes(`\`gazette ${c}`)),
        c,
      ).toBe(true);
  });
});
