import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import { classify, DKIM_HEADERS } from './classify.js';
import type { Delivery, SmtpOptions, Transport } from './transport.js';

// nodemailer's SMTP pool, for every server Gazette's own client (smtp-bulk.ts) does not take:
// TLS (smtps:// and STARTTLS), AUTH, URL options, servers without PIPELINING. Imported only then.

export function nodemailerTransport(options: SmtpOptions, host: string): Transport {
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
    connectionTimeout: options.timeouts?.connectionMs ?? 30_000,
    greetingTimeout: options.timeouts?.greetingMs ?? 30_000,
    socketTimeout: options.timeouts?.socketMs ?? 120_000,
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
