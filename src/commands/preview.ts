import { spawn } from 'node:child_process';
import path from 'node:path';
import { type CommandIo, displayPath } from './io.js';
import { parseCommandArgs, portOption } from './args.js';
import { readSubscriberSample } from '../preview/subscribers.js';
import { sessionErrors } from '../preview/summary.js';

const USAGE = 'gazette preview [--root DIR] [--port N] [--host ADDR] [--open] [--subscribers FILE.csv] [--verbose]';

const HELP = `${USAGE}

Serves a live preview of every issue on http://127.0.0.1:3000/ (the next free port if it is taken)
and rebuilds it whenever a file under content/ or templates/ changes; open pages reload by
themselves. --subscribers offers the first 50 rows of a CSV in "View as". --host 0.0.0.0 makes
the preview reachable from other machines; it then answers only browsers that opened the URL it
prints, which carries a token for this run. The terminal groups information notes one line per
code with a count (the page lists each); --verbose logs each note.
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
      verbose: { type: 'boolean', short: 'v', default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const port = portOption(values.port!);
  const root = path.resolve(io.cwd, values.root!);
  const subscribers = values.subscribers ? await readSubscriberSample(path.resolve(io.cwd, values.subscribers)) : [];
  const log = (line: string) => io.stdout.write(`[${new Date().toTimeString().slice(0, 8)}] ${line}\n`);
  const { startPreview } = await import('../preview/server.js'); // after the cheap checks: it loads MJML
  const server = await startPreview({
    root,
    port,
    host: values.host,
    subscribers,
    log,
    env: io.env,
    verbose: values.verbose,
  });

  const r = server.session.result;
  const errors = sessionErrors(server.session).length;
  const lines = [
    `Gazette preview: ${server.url}`,
    `  ${r.issues.length} issue${r.issues.length === 1 ? '' : 's'} built${errors ? `, ${errors} error${errors === 1 ? '' : 's'} (listed above and in the page)` : ''}; watching ${displayPath(io, root)}/content/ and templates/. Press Ctrl+C to stop.`,
  ];
  if (port !== 0 && server.port !== port) lines.push(`  (port ${port} was busy; using ${server.port})`);
  if (values.host !== '127.0.0.1' && values.host !== 'localhost')
    lines.push(
      `  note: listening on ${values.host}; only a browser that opened the URL above (it carries this run's token) gets in.`,
    );
  io.stdout.write(lines.join('\n') + '\n');
  if (values.open)
    openBrowser(server.url, io.env.BROWSER, (why) =>
      io.stderr.write(`warning: --open could not open a browser (${why}); open ${server.url} yourself.\n`),
    );

  // Runs until main() (or a test) aborts the signal: SIGINT or SIGTERM.
  await new Promise<void>((resolve) => {
    const stop = () => void server.close().then(resolve);
    if (io.signal?.aborted) return stop();
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  return 0;
}

/**
 * The page works without it and the URL is printed anyway, but a failure is said, not swallowed.
 * $BROWSER (the usual convention) names the opener; else the platform's own.
 */
function openBrowser(url: string, browser: string | undefined, report: (why: string) => void): void {
  let said = false; // 'exit' may follow 'error': say it once
  const fail = (why: string) => !said && ((said = true), report(why));
  const [cmd, args]: [string, string[]] = browser
    ? [browser, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ENOENT' ? `no program "${cmd}"` : `${cmd}: ${err.message}`),
    );
    // Openers return at once; one that exits non-zero did not open anything.
    child.on('exit', (code, signal) => {
      if (code !== 0) fail(`"${cmd}" exited with ${code ?? signal}`);
    });
    child.unref();
  } catch (err) {
    fail(`${cmd}: ${(err as Error).message}`);
  }
}
