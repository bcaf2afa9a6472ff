import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseCommandArgs } from '../cli.js';
import { envFileWarning } from '../util/env.js';
import { GazetteError } from '../util/errors.js';
import { createGazetteHandler } from '../server/handler.js';
import { createServeServer } from '../server/listen.js';

const USAGE = 'gazette serve [--root DIR] [--port N] [--host HOST]';

export async function run(argv: string[]): Promise<number> {
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
    process.stdout.write(
      `${USAGE}\n\nServes <root>/dist (the archive, web versions and feed) and the one-click unsubscribe\nendpoint at the path of publication.unsubscribeUrl. Listens on 127.0.0.1:8080 by default;\n--port 0 picks a free port. Needs GAZETTE_SECRET (environment or <root>/.env).\n`,
    );
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port!) || port > 65535) {
    throw new GazetteError(`invalid --port "${values.port}"`, {
      code: 'cli/usage',
      field: 'port',
      hint: 'Give a port number from 0 to 65535 (0 picks a free one).',
    });
  }
  const root = path.resolve(values.root!);
  const dist = path.join(root, 'dist');
  const envWarning = envFileWarning(root);
  if (envWarning) process.stderr.write(envWarning);
  const handler = await createGazetteHandler({
    root,
    log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
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
  const stop = () => {
    process.off('SIGINT', stop).off('SIGTERM', stop);
    server.close(() => handler.close());
    server.closeAllConnections();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const host = values.host!.includes(':') ? `[${values.host}]` : values.host;
  // One write, after the signal handlers are in place: whoever reads the banner may stop us at once.
  process.stdout.write(
    `Gazette is serving ${path.relative(process.cwd(), dist) || dist} at http://${host}:${actual}/\n` +
      `  unsubscribe endpoint: http://${host}:${actual}${handler.unsubscribePath}\n` +
      (handler.subscribePath ? `  sign-up endpoint: http://${host}:${actual}${handler.subscribePath}\n` : '') +
      (existsSync(dist) ? '' : `  note: ${dist} does not exist yet; run \`gazette build\` to publish the archive.\n`),
  );
  return 0;
}
