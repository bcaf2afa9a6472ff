import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A real Dovecot IMAP server for one test file: 127.0.0.1, a free non-privileged port, no TLS,
// one passwd-file user whose Maildir lives in a temporary folder. Dovecot refuses mail access as
// uid 0, so under root the mailbox belongs to `nobody`. It runs under `timeout`, so it stops by
// itself even if the test process dies.

export const DOVECOT = (() => {
  try {
    execFileSync('dovecot', ['--version'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
})();
/** Why the IMAP tests are skipped, in one line (undefined when they run). */
export const DOVECOT_SKIP = DOVECOT
  ? undefined
  : 'dovecot is not installed (apt-get install dovecot-imapd) or not running as root: IMAP test skipped';

export interface Dovecot {
  url: string;
  /** Delivers a raw message into the user's INBOX (new/), as a local delivery agent would. */
  deliver(name: string, raw: Buffer | string): Promise<void>;
  log(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

async function listening(port: number, until: number): Promise<void> {
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('dovecot did not start listening');
}

export async function startDovecot(user = 'bounces', password = 'imap-test-password-0123'): Promise<Dovecot> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gz-dovecot-'));
  await chmod(dir, 0o755);
  const maildir = path.join(dir, 'mail', user);
  for (const sub of ['cur', 'new', 'tmp']) await mkdir(path.join(maildir, sub), { recursive: true });
  const [uid, gid] = [65534, 65534];
  for (const p of [path.join(dir, 'mail'), maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))])
    await chown(p, uid, gid);
  for (const d of ['run', 'state']) await mkdir(path.join(dir, d));
  await writeFile(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}:${uid}:${gid}::${maildir}::\n`);
  const port = await freePort();
  const config = `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dir}/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  await writeFile(path.join(dir, 'dovecot.conf'), config);
  const child: ChildProcess = spawn('timeout', ['120', 'dovecot', '-F', '-c', path.join(dir, 'dovecot.conf')], {
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.once('exit', r));
  await listening(port, Date.now() + 15_000);
  let n = 0;
  return {
    url: `imap://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    async deliver(name, raw) {
      const file = path.join(maildir, 'new', `${Date.now()}.${++n}_${name}.localhost`);
      await writeFile(file, raw);
      await chown(file, uid, gid);
    },
    log: () => readFile(path.join(dir, 'dovecot.log'), 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
