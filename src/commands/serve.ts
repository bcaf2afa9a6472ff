import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandIo } from './io.js';
import { parseCommandArgs, portOption } from './args.js';
import { envFileWarning, loadEnv } from '../util/env.js';
import { GazetteError } from '../util/errors.js';
import { secretFromEnv } from '../util/token.js';
import { webhookConfigFromEnv } from '../server/webhooks.js';
import { createGazetteHandler } from '../server/handler.js';
import { createServeServer } from '../server/listen.js';

const USAGE = 'gazette serve [--root DIR] [--port N] [--host HOST]';

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(
      `${USAGE}\n\nServes <root>/dist (the archive, web versions and feed) and the one-click unsubscribe\nendpoint at the path of publication.unsubscribeUrl. Listens on 127.0.0.1:8080 by default;\n--port 0 picks a free port. Needs GAZETTE_SECRET (environment or <root>/.env). With publication.subscribeUrl it\ntakes sign-ups; with GAZETTE_SES_TOPIC_ARNS, GAZETTE_POSTMARK_WEBHOOK_AUTH, GAZETTE_MAILGUN_SIGNING_KEY or\nGAZETTE_RESEND_WEBHOOK_SECRET, provider bounce webhooks at /webhooks/<provider> (docs/subscribers.md).\n`,
    );
    return 0;
  }
  const port = portOption(values.port!);
  const root = path.resolve(io.cwd, values.root!);
  const dist = path.join(root, 'dist');
  const envWarning = envFileWarning(root);
  if (envWarning) io.stderr.write(envWarning);
  const env = loadEnv(root, io.env);
  const handler = await createGazetteHandler({
    root,
    secret: secretFromEnv(env),
    webhooks: webhookConfigFromEnv(env),
    log: (line) => io.stdout.write(`${new Date().toISOString()} ${line}\n`),
  });

  const server = createServeServer(handler);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host, () => resolve());
    });
  } catch (cause) {
    handler.close();
    throw new GazetteError(`cannot listen on ${values.host}:${port}: ${(cause as Error).message}`, {
      code: 'serve/listen',
      hint:
        (cause as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? 'Another program uses that port: pick another with --port, or --port 0 for a free one.'
          : 'Check --host and --port.',
      cause,
    });
  }
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const host = values.host!.includes(':') ? `[${values.host}]` : values.host;
  // One write, after main() has its signal handlers in place: whoever reads the banner may stop us at once.
  io.stdout.write(
    `Gazette is serving ${path.relative(io.cwd, dist) || dist} at http://${host}:${actual}/\n` +
      `  unsubscribe endpoint: http://${host}:${actual}${handler.unsubscribePath}\n` +
      (handler.subscribePath ? `  sign-up endpoint: http://${host}:${actual}${handler.subscribePath}\n` : '') +
      handler.webhookPaths.map((p) => `  webhook: http://${host}:${actual}${p}\n`).join('') +
      (existsSync(dist) ? '' : `  note: ${dist} does not exist yet; run \`gazette build\` to publish the archive.\n`),
  );
  // Runs until main() (or a test) aborts the signal: SIGINT or SIGTERM.
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => {
        handler.close();
        resolve();
      });
      server.closeAllConnections();
    };
    if (io.signal?.aborted) return stop();
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  return 0;
}
