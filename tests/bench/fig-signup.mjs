// Sign-ups per second: Gazette's handler in this process (one thread, so one core), a real HTTP
// server on 127.0.0.1, the SQLite store, and every confirmation email sent through SMTP_URL to
// the smtp-server sink (tests/bench/sink.mjs). The load comes from a child process (this file
// with --client) holding CONCURRENCY keep-alive connections, each posting a new address as soon
// as its last answer arrives. The run ends when every sign-up is answered, stored and its email
// accepted by the sink; the rate is counted over that whole span. The server's own CPU time per
// sign-up gives the rate one core sustains when the client and the sink run elsewhere.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeRoot, REPO, removeRoot } from './fixtures.mjs';
import { emit, flag, progress, row, summary } from './stats.mjs';

if (flag('client')) await client();
else await main();

async function client() {
  const [port, n, concurrency] = process.argv.slice(process.argv.indexOf('--client') + 1).map(Number);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const offset = Number(process.env.OFFSET ?? 0);
  let next = 0;
  let failed = 0;
  const one = (i) =>
    new Promise((resolve) => {
      const body = `email=reader${i + offset}%40signup.bench&name=Reader+${i + offset}`;
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/subscribe',
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length },
        },
        (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (next < n) await one(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(`${JSON.stringify({ failed })}\n`);
  agent.destroy();
}

async function main() {
  const N = flag('quick') ? 600 : 2000;
  const CONCURRENCY = 32;
  const { createGazetteHandler } = await import('../../lib/server/handler.js');
  const { rateLimit } = await import('../../lib/server/rate-limit.js');

  const sink = spawn(process.execPath, [path.join(REPO, 'tests/bench/sink.mjs'), '--max-seconds', '600'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: sink.stdout });
  const answers = [];
  const waiting = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(JSON.parse(l)) : answers.push(JSON.parse(l))));
  const nextLine = () => new Promise((resolve) => (answers.length ? resolve(answers.shift()) : waiting.push(resolve)));
  const { port: smtpPort } = await nextLine();
  const sinkCount = async () => {
    sink.stdin.write('count\n');
    return (await nextLine()).count;
  };

  const root = makeRoot(1);
  appendFileSync(
    path.join(root, 'content', 'publication.yml'),
    '\nsubscribeUrl: https://www.thegazelle.org/subscribe\n',
  );
  writeFileSync(path.join(root, '.env'), `SMTP_URL=smtp://127.0.0.1:${smtpPort}\n`);
  // The benchmark posts from one IP; per-address limits stay as they are (each address once).
  const big = () => rateLimit(1e9, 60_000, 1e7);
  const handler = await createGazetteHandler({
    root,
    secret: 'bench-secret-0123456789abcdef',
    limits: { ip: big(), addressShort: rateLimit(1, 600_000, 1e7), addressDay: rateLimit(3, 86_400_000, 1e7) },
  });
  const server = createServer({ keepAliveTimeout: 10_000 }, handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = server.address().port;
    const runClient = (n, offset) =>
      new Promise((resolve, reject) => {
        const c = spawn(
          process.execPath,
          [import.meta.filename, '--client', String(port), String(n), String(CONCURRENCY)],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
            env: { ...process.env, OFFSET: String(offset) },
          },
        );
        let out = '';
        c.stdout.on('data', (d) => (out += d));
        c.on('exit', (code) =>
          code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`client exited ${code}`)),
        );
      });
    // Warm-up: the confirmation template compiles on the first sign-up.
    await runClient(20, 0);
    await handler.settled();
    while ((await sinkCount()) < 20) await new Promise((r) => setTimeout(r, 20));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const { failed } = await runClient(N, 20);
    await handler.settled();
    let delivered;
    while ((delivered = await sinkCount()) < N + 20 - failed) await new Promise((r) => setTimeout(r, 20));
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const rate = N / wall;
    const perCore = N / cpuS;
    progress(
      `sign-ups: ${N} in ${wall.toFixed(2)} s = ${rate.toFixed(0)}/s wall; server CPU ${cpuS.toFixed(2)} s = ${perCore.toFixed(0)} sign-ups per CPU-second; ${failed} failed; ${delivered - 20} emails`,
    );
    const r = row({
      id: 'signup',
      figure: `sign-ups /subscribe, ${N} addresses, ${CONCURRENCY} connections, SQLite, confirmation via SMTP`,
      gazette: summary([rate], 'signups/s'),
      goal: '',
      note: `server ${perCore.toFixed(0)} sign-ups per CPU-second (one core); ${failed} failed; every confirmation accepted by the sink`,
      extra: { wallSeconds: wall, serverCpuSeconds: cpuS, perCpuSecond: perCore, failed, emails: delivered - 20 },
    });
    emit([r]);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    handler.close();
    await handler.settled();
    sink.stdin.end();
    removeRoot(root);
  }
}
