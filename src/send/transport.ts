import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GazetteError } from '../util/errors.js';
import type { OutgoingMessage } from './message.js';
import { BulkConnection, type BulkTarget } from './smtp-bulk.js';
import { BulkPool } from './smtp-pool.js';
import { dataPieces } from './smtp-wire.js';
import { classify, DKIM_HEADERS } from './classify.js';

export { classify, CONNECTION_CODES, DKIM_HEADERS } from './classify.js';

// Transports are an interface (nodemailer's json/stream transports are the model): the SMTP pool
// for real sends, an .eml writer for dry runs. Failures are classified by reply code and error
// code, never by message text.

export type Delivery =
  | { ok: true; response: string }
  | { ok: false; kind: 'permanent' | 'temporary' | 'fatal'; smtpCode?: number; errorCode?: string; response: string };

export interface Transport {
  /** Where messages go, for the confirmation prompt and the summary. */
  readonly description: string;
  send(message: OutgoingMessage): Promise<Delivery>;
  /** Waits for in-flight messages, then closes connections. */
  close(): Promise<void>;
}

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SmtpOptions {
  url: string;
  /** Where the URL came from, for errors: "--smtp" or "SMTP_URL" (default). */
  option?: string;
  concurrency: number;
  dkim?: DkimSettings;
  /** Defaults: 30 s to connect, 30 s for the greeting, 120 s of silence in a session. */
  timeouts?: { connectionMs?: number; greetingMs?: number; socketMs?: number };
}

export function smtpTransport(options: SmtpOptions): Transport {
  const option = options.option ?? 'SMTP_URL';
  checkUserinfo(options.url, option);
  let u: URL;
  try {
    u = new URL(options.url);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`unsupported protocol ${u.protocol}`);
  } catch (cause) {
    throw new GazetteError(`${option} is not a valid smtp:// or smtps:// URL`, {
      code: 'config/smtp-url',
      field: option,
      cause,
      hint: 'Write it as smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; URL-encode special characters in the password.',
    });
  }
  const host = `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  const target = bulkTarget(u, options.timeouts);
  let dkim: Promise<((raw: Buffer) => Promise<Buffer>) | undefined> | undefined;
  const signer = () => (dkim ??= options.dkim ? dkimSigner(options.dkim) : Promise.resolve(undefined));
  const viaNodemailer = async (): Promise<Transport> =>
    (await import('./smtp-nodemailer.js')).nodemailerTransport(options, host);
  // The first message decides: a plain server that offers PIPELINING (and no STARTTLS, which
  // nodemailer would upgrade to) gets Gazette's own client (smtp-bulk.ts); anything else, and
  // every smtps://, authenticated or tuned (?query) URL, nodemailer's pool.
  const pick = async (): Promise<Transport> => {
    if (!target) return viaNodemailer();
    const first = await BulkConnection.open(target);
    if (first.extensions.includes('PIPELINING') && !first.extensions.includes('STARTTLS'))
      return bulkTransport(new BulkPool(target, options.concurrency, first), host, await signer());
    await first.quit();
    return viaNodemailer();
  };
  let chosen: Promise<Transport> | undefined;
  return {
    description: host,
    async send(message) {
      const p = (chosen ??= pick());
      let t: Transport;
      try {
        t = await p;
      } catch (err) {
        // The server did not answer: this message fails (and is retried); the next one asks again.
        if (chosen === p) chosen = undefined;
        return classify(err);
      }
      return t.send(message);
    },
    async close() {
      const t = await chosen?.catch(() => undefined);
      await t?.close();
    },
  };
}

/** Where Gazette's own client may connect: plain smtp:// without credentials or options. */
function bulkTarget(u: URL, timeouts: SmtpOptions['timeouts'] = {}): BulkTarget | undefined {
  if (
    u.protocol !== 'smtp:' ||
    u.username ||
    u.password ||
    u.search ||
    process.env.GAZETTE_SMTP_CLIENT === 'nodemailer'
  )
    return undefined;
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    // nodemailer's default for a plain connection.
    port: Number(u.port) || 587,
    connectionTimeoutMs: timeouts.connectionMs ?? 30_000,
    greetingTimeoutMs: timeouts.greetingMs ?? 30_000,
    socketTimeoutMs: timeouts.socketMs ?? 120_000,
  };
}

/** nodemailer's DKIM signer, the message collected back into bytes. */
async function dkimSigner(settings: DkimSettings): Promise<(raw: Buffer) => Promise<Buffer>> {
  const { default: DKIM } = await import('nodemailer/lib/dkim');
  const dkim = new DKIM({ ...settings, headerFieldNames: DKIM_HEADERS });
  return async (raw) => {
    const chunks: Buffer[] = [];
    for await (const c of dkim.sign(raw) as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  };
}

function bulkTransport(pool: BulkPool, description: string, sign?: (raw: Buffer) => Promise<Buffer>): Transport {
  return {
    description,
    async send(message) {
      try {
        // A signature is nodemailer's text: its line ends are checked like any other message's.
        const data = sign ? dataPieces(await sign(message.raw)) : dataPieces(message.raw, message.crlf);
        const response = await pool.send(message.envelope.from, message.envelope.to, data);
        return { ok: true, response };
      } catch (err) {
        return classify(err);
      }
    },
    close: () => pool.close(),
  };
}

/**
 * An `@`, `/` or `#` left unencoded in the user or password ends the user part early, and the
 * rest is taken for the host ("getaddrinfo ENOTFOUND ss"): say which character and its escape.
 */
function checkUserinfo(url: string, option: string): void {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)@[^@/?#]*(?:[/?#].*)?$/i.exec(url);
  // Without an `@`, or with one that ends the first segment, there is nothing to check.
  const userinfo = m?.[1];
  if (!userinfo) return;
  const bad = [...new Set(userinfo.match(/[@/#?]/g) ?? [])];
  if (bad.length === 0) return;
  const escapes: Record<string, string> = { '@': '%40', '/': '%2F', '#': '%23', '?': '%3F' };
  throw new GazetteError(
    `the user or password in ${option} holds ${bad.map((c) => `"${c}"`).join(', ')} unencoded, so the server name cannot be read`,
    {
      code: 'config/smtp-url',
      field: option,
      hint: `Percent-encode them in the password: ${bad.map((c) => `${c} as ${escapes[c]}`).join(', ')} (e.g. smtp://user:p%40ss@host:587; in a shell: node -p 'encodeURIComponent(process.argv[1])' 'p@ss').`,
    },
  );
}

/** DKIM settings from the environment; undefined when DKIM_DOMAIN is not set. */
export function dkimFromEnv(env: NodeJS.ProcessEnv, root: string): DkimSettings | undefined {
  const domainName = env.DKIM_DOMAIN;
  if (!domainName) return undefined;
  const keySelector = env.DKIM_SELECTOR ?? '';
  let privateKey = env.DKIM_PRIVATE_KEY ?? '';
  const keyFile = env.DKIM_PRIVATE_KEY_FILE;
  if (!privateKey && keyFile) {
    try {
      privateKey = readFileSync(path.resolve(root, keyFile), 'utf8');
    } catch (cause) {
      throw new GazetteError(`cannot read DKIM_PRIVATE_KEY_FILE ${keyFile}`, {
        code: 'config/dkim',
        field: 'DKIM_PRIVATE_KEY_FILE',
        hint: 'Point it at the PEM private key of your DKIM selector.',
        cause,
      });
    }
  }
  if (!keySelector || !privateKey.includes('PRIVATE KEY')) {
    throw new GazetteError('DKIM_DOMAIN is set but DKIM_SELECTOR or the private key is missing', {
      code: 'config/dkim',
      field: keySelector ? 'DKIM_PRIVATE_KEY' : 'DKIM_SELECTOR',
      hint: 'Set DKIM_SELECTOR and DKIM_PRIVATE_KEY (PEM text) or DKIM_PRIVATE_KEY_FILE, or unset DKIM_DOMAIN to send unsigned.',
    });
  }
  return { domainName, keySelector, privateKey };
}

/** Writes one `.eml` per message into `dir`: touches no server. */
export function emlTransport(dir: string): Transport {
  let made: Promise<unknown> | undefined;
  return {
    description: `.eml files in ${dir}`,
    async send(message) {
      // Each file holds an address and its personalized email: owner only.
      made ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await made;
      // File names come from addresses: keep a safe subset and add a hash so that two
      // addresses that sanitize alike never share a file.
      const safe = message.email
        .replace(/[^a-z0-9@._+-]/g, '_')
        .replace(/^\.+/, '_')
        .slice(0, 100);
      const hash = createHash('sha256').update(message.email).digest('hex').slice(0, 8);
      await writeFile(path.join(dir, `${safe}-${hash}.eml`), message.raw, { mode: 0o600 });
      return { ok: true, response: 'written' };
    },
    async close() {},
  };
}
