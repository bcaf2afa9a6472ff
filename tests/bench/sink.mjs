// The SMTP sink of the send benchmark: smtp-server on 127.0.0.1 (port 0 = a free one), no TLS,
// no auth required, accepts every message at once and counts it.
// Prints {"port":N} when listening. Commands on stdin, one per line: `count` answers
// {"count":N,"bytes":B}. Exits on SIGTERM/SIGINT, when stdin closes (the harness is gone), or
// after a hard time limit (--max-seconds, default 900).
import { createInterface } from 'node:readline';
import { SMTPServer } from 'smtp-server';

const maxSeconds = Number(process.argv[process.argv.indexOf('--max-seconds') + 1]) || 900;
let count = 0;
let bytes = 0;

const server = new SMTPServer({
  secure: false,
  hideSTARTTLS: true,
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  logger: false,
  maxClients: 200,
  onData(stream, _session, callback) {
    stream.on('data', (chunk) => (bytes += chunk.length));
    stream.on('end', () => {
      count++;
      callback();
    });
  },
});
server.on('error', (err) => process.stderr.write(`sink: ${err.message}\n`));

const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setTimeout(stop, maxSeconds * 1000).unref();

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.server.address().port })}\n`);
});

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'count') process.stdout.write(`${JSON.stringify({ count, bytes })}\n`);
});
rl.on('close', stop);
