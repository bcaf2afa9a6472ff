import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import { GazetteError } from '../util/errors.js';
import type { OutgoingMessage } from './message.js';

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
}

/** Errors that mean "the server or the network is in trouble", not "this address". */
export const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EPROTOCOL',
]);
/**
 * Replies that refuse the session, not an address (530 authentication required, 534 mechanism
 * too weak, 535 bad credentials, 538 encryption required): every message would get the same.
 */
const SESSION_REPLIES = new Set([530, 534, 535, 538]);
/** Configuration errors: every further message would fail the same way, so the run stops. */
const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);

export function classify(err: unknown): Delivery & { ok: false } {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const response = (e.response ?? e.message ?? String(err)).slice(0, 500);
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const errorCode = typeof e.code === 'string' ? e.code : undefined;
  if ((errorCode && FATAL_CODES.has(errorCode)) || (smtpCode !== undefined && SESSION_REPLIES.has(smtpCode)))
    return { ok: false, kind: 'fatal', smtpCode, errorCode: errorCode ?? 'EAUTH', response };
  if (smtpCode !== undefined && smtpCode >= 500) return { ok: false, kind: 'permanent', smtpCode, errorCode, response };
  if (smtpCode !== undefined && smtpCode >= 400) return { ok: false, kind: 'temporary', smtpCode, errorCode, response };
  // Refused before it reached the server: this address or message will never go through.
  if (errorCode === 'EENVELOPE' || errorCode === 'EMESSAGE')
    return { ok: false, kind: 'permanent', errorCode, response };
  // A dropped or refused connection, a timeout, the pool closing under us, or anything unknown:
  // retried (boundedly) rather than given up on.
  return { ok: false, kind: 'temporary', errorCode: errorCode ?? 'ECONNECTION', response };
}

export function smtpTransport(options: SmtpOptions): Transport {
  const option = options.option ?? 'SMTP_URL';
  checkUserinfo(options.url, option);
  let host: string;
  try {
    const u = new URL(options.url);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`unsupported protocol ${u.protocol}`);
    host = `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch (cause) {
    throw new GazetteError(`${option} is not a valid smtp:// or smtps:// URL`, {
      code: 'config/smtp-url',
      field: option,
      cause,
      hint: 'Write it as smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; URL-encode special characters in the password.',
    });
  }
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.concurrency,
    // Keep connections for the whole run: reconnecting every 100 messages costs a handshake each.
    maxMessages: Number.MAX_SAFE_INTEGER,
    // Gazette retries a dropped message itself, with backoff and a bound; the pool must not
    // re-queue it on its own (nodemailer re-queued forever before maxRequeues existed).
    maxRequeues: 0,
    disableFileAccess: true,
    disableUrlAccess: true,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  });
  // Messages go straight to nodemailer's SMTP pool (connections, reconnects, error codes are all
  // its own), skipping the Mailer's per-message MailComposer, MIME tree and stream plumbing that
  // a prebuilt `raw` message does not need: the bytes are written to the connection as they are.
  const pool = (transporter as unknown as { transporter: RawPool }).transporter;
  const dkim = options.dkim ? new DKIM({ ...options.dkim, headerFieldNames: DKIM_HEADERS }) : undefined;
  return {
    description: host,
    send(message) {
      const to = message.envelope.to;
      const from = message.envelope.from;
      const mail: RawMail = {
        data: {},
        message: {
          getEnvelope: () => ({ from, to: [to] }),
          messageId: () => message.messageId,
          getHeader: (key) => (key.toLowerCase() === 'message-id' ? message.messageId : undefined),
          createReadStream: () => (dkim ? dkim.sign(message.raw) : message.raw),
        },
      };
      return new Promise<Delivery>((resolve) => {
        pool.send(mail, (err, info) => {
          if (err) return resolve(classify(err));
          // A refused recipient is classified by its own reply code, like any other failure.
          const refused = info?.rejectedErrors?.[0];
          if (refused) return resolve(classify(refused));
          if (!info || info.rejected.length > 0)
            return resolve({ ok: false, kind: 'temporary', errorCode: 'EENVELOPE', response: String(info?.response) });
          resolve({ ok: true, response: String(info.response) });
        });
      });
    },
    async close() {
      // nodemailer's pool close() drops its sockets without a word; a relay logs that as a lost
      // client. Say QUIT on every idle connection and wait (briefly) for the server's goodbye.
      // A connection frees itself one turn after its last reply (setImmediate in the pool).
      await new Promise((r) => setImmediate(r));
      const idle = (pool as unknown as { _connections?: PooledConnection[] })._connections ?? [];
      await Promise.all(
        idle
          .filter((c) => c.connection && !c.queueEntry)
          .map(
            (c) =>
              new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, 2000);
                c.connection!.once('end', () => {
                  clearTimeout(timer);
                  resolve();
                });
                c.available = false;
                c.connection!.quit();
              }),
          ),
      );
      transporter.close();
    },
  };
}

/** One of nodemailer's pooled connections (smtp-pool/pool-resource). */
interface PooledConnection {
  available: boolean;
  /** The message it is delivering, if any. */
  queueEntry?: unknown;
  connection?: { quit(): void; once(event: 'end', listener: () => void): void };
}

/** What nodemailer's SMTP pool reads from a queued message (a MailMessage in Mailer's hands). */
interface RawMail {
  data: Record<string, never>;
  message: {
    getEnvelope(): { from: string; to: string[] };
    messageId(): string;
    getHeader(key: string): string | undefined;
    /** SMTPConnection.send takes a Buffer as well as a stream. */
    createReadStream(): Buffer | Readable;
  };
}

interface RawPool {
  send(
    mail: RawMail,
    callback: (
      err: Error | null,
      info?: { response: unknown; rejected: unknown[]; rejectedErrors?: unknown[] },
    ) => void,
  ): void;
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

/** Signed headers: the RFC 6376 set plus both List-Unsubscribe headers (RFC 8058 requires them signed). */
const DKIM_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';

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
