import { spawn } from 'node:child_process';
import path from 'node:path';
import { type CommandIo, displayPath } from './io.js';
import { parseCommandArgs } from './args.js';
import { GazetteError } from '../util/errors.js';
import { readSubscriberSample } from '../preview/subscribers.js';

const USAGE = 'gazette preview [--root DIR] [--port N] [--host ADDR] [--open] [--subscribers FILE.csv]';

const HELP = `${USAGE}

Serves a live preview of every issue on http://127.0.0.1:3000/ (the next free port if it is taken)
and rebuilds it whenever a file under content/ or templates/ changes; open pages reload by
themselves. --subscribers offers the first 50 rows of a CSV in "View as". --host 0.0.0.0 makes
the preview reachable from other machines; it then answers only browsers that opened the URL it
prints, which carries a token for this run.
`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      root: { type: 'string', default: '.' },
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      open: { type: 'boolean', default: false },
      subscribers: { type: 'string' },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port!) || port > 65535)
    throw new GazetteError(`--port "${values.port}" is not a port number`, {
      code: 'cli/usage',
      hint: 'Use a number from 1024 to 65535, or 0 for any free port.',
    });
  const root = path.resolve(io.cwd, values.root!);
  const subscribers = values.subscribers ? await readSubscriberSample(path.resolve(io.cwd, values.subscribers)) : [];
  const log = (line: string) => io.stdout.write(`[${new Date().toTimeString().slice(0, 8)}] ${line}\n`);
  const { startPreview } = await import('../preview/server.js'); // after the cheap checks: it loads MJML
  const server = await startPreview({ root, port, host: values.host, subscribers, log, env: io.env });

  const r = server.session.result;
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const lines = [
    `Gazette preview: ${server.url}`,
    `  ${r.issues.length} issue${r.issues.length === 1 ? '' : 's'} built${errors ? `, ${errors} error${errors === 1 ? '' : 's'} (shown in the page)` : ''}; watching ${displayPath(io, root)}/content/ and templates/. Press Ctrl+C to stop.`,
  ];
  if (port !== 0 && server.port !== port) lines.push(`  (port ${port} was busy; using ${server.port})`);
  if (values.host !== '127.0.0.1' && values.host !== 'localhost')
    lines.push(
      `  note: listening on ${values.host}; only a browser that opened the URL above (it carries this run's token) gets in.`,
    );
  io.stdout.write(lines.join('\n') + '\n');
  if (values.open) openBrowser(server.url);

  // Runs until main() (or a test) aborts the signal: SIGINT or SIGTERM.
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    if (io.signal?.aborted) return stop();
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  return 0;
}

/** Best effort: the page works without it, and the URL is printed anyway. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this system.
  }
}
