import net from 'node:net';
import { type BulkTarget, ehloName, type Reply, type SmtpError, smtpError } from './smtp-error.js';

export type { BulkTarget, SmtpError } from './smtp-error.js';

// Gazette's own SMTP client for the bulk path: plain connections to a server that offers
// PIPELINING (RFC 2920). Each message is two writes: MAIL FROM, RCPT TO and DATA together, then,
// after the 354, the message's DATA bytes (already dot-stuffed, smtp-wire.ts) with the final dot
// in one write. Errors carry nodemailer's codes and the reply code (`responseCode`), so
// transport.ts classifies them as it classifies nodemailer's. Everything else (TLS, STARTTLS,
// AUTH, servers without PIPELINING) stays with nodemailer: see smtpTransport.

/** One message for a connection (queued by smtp-pool.ts). */
export interface Job {
  from: string;
  to: string;
  /** The DATA bytes (smtp-wire.ts dataPieces), written in one go. */
  data: Buffer[];
  resolve(response: string): void;
  reject(err: SmtpError): void;
}

const is2xx = (r: Reply) => r.code >= 200 && r.code < 300;

export class BulkConnection {
  /** The EHLO reply's extension keywords, upper case. */
  extensions: string[] = [];
  private partial = '';
  private lines: string[] = [];
  private waiters: ((r: Reply | SmtpError) => void)[] = [];
  private failure?: SmtpError;
  private ended?: Promise<void>;
  /** An envelope was written and its 354 has not been handled: the next one waits. */
  private open = false;
  private readonly waiting: Job[] = [];
  private jobs = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A socket error never goes unheard: it fails what waits and ends the connection.
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(smtpError(err.message, err.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : 'ESOCKET')),
    );
    socket.on('close', () => this.fail(smtpError('Connection closed unexpectedly', 'ECONNECTION')));
  }

  /** Connects, reads the greeting and says EHLO; rejects with an SmtpError. */
  static open(t: BulkTarget): Promise<BulkConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: t.host, port: t.port });
      const c = new BulkConnection(socket);
      const connectTimer = setTimeout(() => {
        c.fail(smtpError('Connection timeout', 'ETIMEDOUT'));
        socket.destroy();
      }, t.connectionTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        socket.setTimeout(t.greetingTimeoutMs);
      });
      socket.on('timeout', () => {
        c.fail(smtpError('Timeout', 'ETIMEDOUT'));
        socket.destroy();
      });
      const setup = async () => {
        const greeting = await c.next();
        if (greeting.code !== 220)
          throw smtpError(`Invalid greeting. response=${greeting.text}`, 'EPROTOCOL', greeting);
        socket.setTimeout(t.socketTimeoutMs);
        const ehlo = await c.command(`EHLO ${ehloName()}`);
        // No EHLO means no PIPELINING: the caller hands the server to nodemailer.
        c.extensions = is2xx(ehlo)
          ? ehlo.text
              .split(/\r?\n/)
              .slice(1)
              .map((l) =>
                l
                  .replace(/^\d{3}[ -]/, '')
                  .trim()
                  .split(/[\s=]/)[0]!
                  .toUpperCase(),
              )
          : [];
        return c;
      };
      setup().then(resolve, (err: SmtpError) => {
        clearTimeout(connectTimer);
        socket.destroy();
        reject(err);
      });
    });
  }

  /** Still usable for another message. */
  get usable(): boolean {
    return !this.failure && !this.ended && !this.socket.destroyed;
  }

  /** Messages given to this connection and not answered yet. */
  get load(): number {
    return this.jobs;
  }

  /**
   * One message, pipelined: MAIL FROM, RCPT TO and DATA in one write, and after the 354 the DATA
   * bytes in one write together with the next message's envelope when one waits (RFC 2920 lets
   * the message content open a group). Resolves the server's final reply text; rejects with an
   * SmtpError whose responseCode is the refusing reply's (MAIL FROM, RCPT TO, DATA or the end of
   * data).
   */
  send(from: string, to: string, data: Buffer[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const job: Job = { from, to, data, resolve, reject };
      this.jobs++;
      if (this.failure) this.finish(job, this.failure);
      else if (this.open) this.waiting.push(job);
      else this.socket.write(this.envelope(job), 'latin1');
    });
  }

  /** Registers the job's three replies and returns its envelope commands. */
  private envelope(job: Job): string {
    this.open = true;
    const replies = Promise.all([this.next(), this.next(), this.next()]);
    replies.then(
      (r) => this.ready(job, r as [Reply, Reply, Reply]),
      (err: SmtpError) => this.finish(job, err),
    );
    return `MAIL FROM:<${job.from}>\r\nRCPT TO:<${job.to}>\r\nDATA\r\n`;
  }

  private ready(job: Job, [mail, rcpt, ready]: [Reply, Reply, Reply]): void {
    const refused = !is2xx(mail) ? mail : !is2xx(rcpt) ? rcpt : ready.code !== 354 ? ready : undefined;
    // Replies come in order, so what ends this transaction is written before the next envelope.
    let out: string | Buffer[] = '';
    let end: Promise<Reply> | undefined;
    if (!refused) {
      end = this.next();
      out = job.data;
    } else if (ready.code === 354) {
      // A server may say 354 after refusing every recipient: an empty message ends it.
      this.next().catch(() => undefined);
      out = '.\r\n';
    } else if (is2xx(mail)) {
      // MAIL was taken, so a transaction is open: RSET before the next MAIL.
      this.next().catch(() => undefined);
      out = 'RSET\r\n';
    }
    this.open = false;
    const next = this.waiting.shift();
    if (this.usable) {
      this.socket.cork();
      if (typeof out === 'string') {
        if (out) this.socket.write(out);
      } else for (const piece of out) this.socket.write(piece);
      if (next) this.socket.write(this.envelope(next), 'latin1');
      this.socket.uncork();
    } else if (next) this.finish(next, this.failure ?? smtpError('Connection closed', 'ECONNECTION'));
    if (refused) {
      const command = refused === mail ? 'MAIL FROM' : refused === rcpt ? 'RCPT TO' : 'DATA';
      const what =
        refused === mail
          ? 'Mail command failed'
          : refused === rcpt
            ? "Can't send mail - all recipients were rejected"
            : 'Data command failed';
      this.finish(job, smtpError(`${what}: ${refused.text}`, 'EENVELOPE', refused, command));
      return;
    }
    end!.then(
      (r) => this.finish(job, is2xx(r) ? r.text : smtpError(`Message failed: ${r.text}`, 'EMESSAGE', r, 'DATA')),
      (err: SmtpError) => this.finish(job, err),
    );
  }

  private finish(job: Job, outcome: string | SmtpError): void {
    this.jobs--;
    if (typeof outcome === 'string') job.resolve(outcome);
    else job.reject(outcome);
  }

  /** QUIT, then waits (at most `ms`) for the server to close. */
  quit(ms = 2000): Promise<void> {
    if (this.ended) return this.ended;
    const closed = new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, ms);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.ended = closed;
    if (!this.failure && !this.socket.destroyed) {
      this.next().then(
        () => this.socket.end(),
        () => undefined,
      );
      this.write('QUIT\r\n');
    }
    return closed;
  }

  close(): void {
    this.ended ??= Promise.resolve();
    this.socket.destroy();
  }

  private async command(line: string): Promise<Reply> {
    const reply = this.next();
    this.write(`${line}\r\n`);
    return reply;
  }

  private write(s: string): void {
    if (!this.socket.destroyed) this.socket.write(s, 'latin1');
  }

  /** The next reply, in order; rejects once the connection failed. */
  private next(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.waiters.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
    });
  }

  private onData(chunk: Buffer): void {
    const text = this.partial + chunk.toString('utf8');
    let from = 0;
    for (let eol = text.indexOf('\n'); eol >= 0; eol = text.indexOf('\n', from)) {
      const line = text.slice(from, eol).replace(/\r$/, '');
      from = eol + 1;
      this.lines.push(line);
      // "250-..." continues a reply, "250 ..." (or a bare "250") ends it.
      if (line.length > 3 && line[3] === '-') continue;
      const reply: Reply = { code: Number.parseInt(line.slice(0, 3), 10) || 0, text: this.lines.join('\n') };
      this.lines = [];
      const waiter = this.waiters.shift();
      if (!waiter) {
        // A 421 out of turn: the server is closing the connection on us.
        this.fail(
          smtpError(`Unexpected response: ${reply.text}`, reply.code === 421 ? 'ECONNECTION' : 'EPROTOCOL', reply),
        );
        this.socket.destroy();
        return;
      }
      if (reply.code === 421) {
        // Service not available: this reply ends the session, whatever command it answers.
        waiter(reply);
        this.fail(smtpError(`Server terminates connection: ${reply.text}`, 'ECONNECTION', reply));
        this.socket.destroy();
        return;
      }
      waiter(reply);
    }
    this.partial = text.slice(from);
    if (this.partial.length > 64 * 1024) {
      this.fail(smtpError('Server response exceeds maximum allowed size', 'EPROTOCOL'));
      this.socket.destroy();
    }
  }

  private fail(err: SmtpError): void {
    this.failure ??= err;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(this.failure);
    for (const job of this.waiting.splice(0)) this.finish(job, this.failure);
  }
}
