import { BulkConnection, type BulkTarget, type Job, type SmtpError } from './smtp-bulk.js';

// Up to `max` BulkConnections to one server, each given one message at a time. A connection
// could take the next envelope right behind a message's data (RFC 2920), but a server that leaves
// Nagle on (the Postfix of tests/bench/postfix.mjs answered a tenth of its messages 40-55 ms late so) then holds its "250 250 354" until our delayed ACK of its "250
// queued", up to 40 ms a message; the next envelope goes out on the 250 instead, which carries
// that ACK. A message waits for a connection with room; one is opened while messages wait and fewer than `max` exist. A connection that
// failed is dropped (its messages fail with its error and the send loop retries them); the next
// message opens a new one. close() waits for the messages in flight, then says QUIT on each.

const DEPTH = 1;

export class BulkPool {
  private conns: BulkConnection[] = [];
  private readonly queue: Job[] = [];
  private opening = 0;
  private busy = 0;
  private drained?: () => void;
  private closing = false;

  constructor(
    private readonly target: BulkTarget,
    private readonly max: number,
    first?: BulkConnection,
  ) {
    if (first) this.conns.push(first);
  }

  send(from: string, to: string, data: Buffer[]): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ from, to, data, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    this.conns = this.conns.filter((c) => {
      if (c.usable || c.load > 0) return true;
      c.close();
      return false;
    });
    // An idle connection first, then a new one, then a place behind a message in flight.
    for (const c of this.conns) if (this.queue.length && c.usable && c.load === 0) this.run(c, this.queue.shift()!);
    while (this.queue.length > this.opening && this.conns.length + this.opening < this.max) this.connect();
    for (let depth = 1; depth < DEPTH; depth++)
      for (const c of this.conns)
        if (this.queue.length > this.opening && c.usable && c.load === depth) this.run(c, this.queue.shift()!);
  }

  private connect(): void {
    this.opening++;
    BulkConnection.open(this.target).then(
      (c) => {
        this.opening--;
        this.conns.push(c);
        this.pump();
        this.settled();
      },
      (err: SmtpError) => {
        this.opening--;
        // As nodemailer's pool: the connection that could not open fails the message it was for.
        this.queue.shift()?.reject(err);
        this.pump();
        this.settled();
      },
    );
  }

  private run(c: BulkConnection, job: Job): void {
    this.busy++;
    c.send(job.from, job.to, job.data).then(
      (response) => this.done(() => job.resolve(response)),
      (err: SmtpError) => this.done(() => job.reject(err)),
    );
  }

  private done(answer: () => void): void {
    this.busy--;
    answer();
    this.pump();
    this.settled();
  }

  private settled(): void {
    if (this.busy === 0 && this.opening === 0 && this.queue.length === 0) this.drained?.();
  }

  /** Waits for what is in flight, then QUIT on every connection (at most 2 s each). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.busy || this.opening || this.queue.length)
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    await Promise.all(this.conns.splice(0).map((c) => (c.usable ? c.quit() : (c.close(), undefined))));
  }
}
