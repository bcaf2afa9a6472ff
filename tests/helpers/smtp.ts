import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Sink {
  url: string;
  /** Every RCPT TO address, lowercased, in arrival order. */
  rcpt: string[];
  /** Recipients of every message whose DATA was accepted. */
  delivered: string[];
  /** Resolves once `n` messages were accepted. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (free port) that accepts everything and records recipients. */
export async function smtpSink(): Promise<Sink> {
  const rcpt: string[] = [];
  const delivered: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      rcpt.push(address.address.toLowerCase());
      callback();
    },
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        delivered.push(...session.envelope.rcptTo.map((a) => a.address.toLowerCase()));
        for (const w of waiters.splice(0)) {
          if (delivered.length >= w.n) w.resolve();
          else waiters.push(w);
        }
        callback();
      });
    },
  });
  server.on('error', () => {}); // a client dropping its connection must not crash the test
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    rcpt,
    delivered,
    waitFor: (n) =>
      delivered.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
