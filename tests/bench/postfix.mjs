// A private Postfix instance for the MTA benchmark: Debian's postfix, listening on 127.0.0.1
// only, accepting from loopback and handing every message to the discard transport, so the
// MTA's own queue and delivery are not what is measured. Its own config and queue live in a
// temporary folder; the system's Postfix (if any) is left alone apart from one line in
// /etc/postfix/main.cf that allows the alternate config directory (Postfix requires it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const DIR = '/var/tmp/gazette-bench-postfix';
const SYSTEM_MAIN = '/etc/postfix/main.cf';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Installs postfix from Debian when it is missing and we are root; returns a reason when it cannot. */
function ensureInstalled() {
  if (has('postfix')) return undefined;
  if (process.getuid?.() !== 0 || !has('apt-get'))
    return 'postfix is not installed (and this is not root with apt-get)';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('sh', ['-c', 'echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections'], {
    env,
  });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postfix'], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env });
    const again = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postfix'], { env });
    if (again.status !== 0) return 'apt-get install postfix failed';
  }
  return has('postfix') ? undefined : 'postfix did not install';
}

const MAIN_CF = (port) => `compatibility_level = 3.6
queue_directory = ${DIR}/queue
data_directory = ${DIR}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.localhost
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = discard:bench
local_transport = discard:bench
relay_transport = discard:bench
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
default_process_limit = 100
message_size_limit = 20480000
maillog_file = ${DIR}/maillog
smtpd_banner = bench.localhost ESMTP
# port ${port}
`;

// The services a discard-only instance needs; smtpd listens on loopback alone.
const MASTER_CF = (port) =>
  [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function answers(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('data', (d) => {
        c.destroy();
        resolve(String(d).startsWith('220'));
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Starts the instance; resolves {port, delivered(), stop()} or {skip: reason}. */
export async function startPostfix() {
  const reason = ensureInstalled();
  if (reason) return { skip: reason };
  if (process.getuid?.() !== 0) return { skip: 'a private postfix instance needs root' };
  const port = await freePort();
  spawnSync('postfix', ['-c', DIR, 'stop'], { stdio: 'ignore' });
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(path.join(DIR, 'queue'), { recursive: true });
  mkdirSync(path.join(DIR, 'data'), { recursive: true });
  writeFileSync(path.join(DIR, 'main.cf'), MAIN_CF(port));
  writeFileSync(path.join(DIR, 'master.cf'), MASTER_CF(port));
  const system = existsSync(SYSTEM_MAIN) ? readFileSync(SYSTEM_MAIN, 'utf8') : '';
  if (!system.includes(DIR)) {
    const line = /^alternate_config_directories\s*=.*$/m.exec(system);
    const next = line
      ? system.replace(line[0], `${line[0]} ${DIR}`)
      : `${system}${system && !system.endsWith('\n') ? '\n' : ''}alternate_config_directories = ${DIR}\n`;
    writeFileSync(SYSTEM_MAIN, next.includes('compatibility_level') ? next : `compatibility_level = 3.6\n${next}`);
  }
  try {
    execFileSync('chown', ['postfix', path.join(DIR, 'data')]);
    execFileSync('postfix', ['-c', DIR, 'set-permissions'], { stdio: 'ignore' });
    execFileSync('postfix', ['-c', DIR, 'start'], { stdio: 'ignore' });
  } catch (err) {
    return { skip: `postfix did not start: ${err.message.split('\n')[0]}` };
  }
  if (!(await answers(port, 15_000))) return { skip: 'postfix started but does not answer on 127.0.0.1' };
  const log = path.join(DIR, 'maillog');
  const delivered = () => {
    if (!existsSync(log)) return 0;
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('postfix/discard') && l.includes('status=sent')).length;
  };
  return {
    port,
    delivered,
    /** Waits until the log shows `n` discarded messages (postlogd writes a little behind). */
    async waitFor(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (delivered() < n && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      return delivered();
    },
    stop() {
      spawnSync('postfix', ['-c', DIR, 'stop'], { stdio: 'ignore' });
    },
  };
}
