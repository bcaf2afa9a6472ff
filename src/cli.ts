import type { Command, CommandIo } from './commands/io.js';
import { printError } from './commands/print.js';

// The only module that touches `process`: it hands each command its streams, environment,
// folder and a stop signal (CommandIo), and exits once stdout and stderr have drained.

// Lazy imports: `gazette build` must not load nodemailer, SQLite or the browser.
/**
 * `stoppable`: the first SIGINT/SIGTERM aborts io.signal (the command stops cleanly), a second one
 * quits. `compiles`: the command may compile MJML and gets a compile worker (src/render/mjml-engine.ts),
 * started before the command even loads when `compiles` says it surely will (otherwise at the first
 * issue that is not in the build cache).
 */
const COMMANDS: Record<
  string,
  { load: () => Promise<{ run: Command }>; summary: string; stoppable?: true; compiles?: (argv: string[]) => boolean }
> = {
  build: {
    load: () => import('./commands/build.js'),
    summary: 'build every issue (or --issue SLUG) into dist/',
    compiles: (argv) => argv.includes('--no-cache'),
  },
  check: {
    load: () => import('./commands/check.js'),
    summary: 'lint an issue the way mail clients and providers will see it',
    compiles: () => true,
  },
  preview: {
    load: () => import('./commands/preview.js'),
    summary: 'live-reloading preview on 127.0.0.1',
    stoppable: true,
  },
  send: {
    load: () => import('./commands/send.js'),
    summary: 'send an issue to a CSV list over SMTP, journaled and resumable',
    stoppable: true,
  },
  serve: {
    load: () => import('./commands/serve.js'),
    summary: 'serve the web archive and the one-click unsubscribe endpoint',
    stoppable: true,
  },
  suppress: {
    load: () => import('./commands/suppress.js'),
    summary: 'add, remove, list or import suppressed addresses',
  },
  bounces: {
    load: () => import('./commands/bounces.js'),
    summary: 'read bounce (DSN) and complaint (ARF) reports into the suppression list',
  },
  subscribers: {
    load: () => import('./commands/subscribers.js'),
    summary: 'list, add, remove, import, export or forget subscribers',
  },
  screenshot: {
    load: () => import('./commands/screenshot.js'),
    summary: 'PNGs of the email at 375 and 600 px, light and dark',
  },
  new: { load: () => import('./commands/new.js'), summary: 'scaffold a new article or issue' },
  init: { load: () => import('./commands/init.js'), summary: 'create a new publication root (never overwrites)' },
};

export const USAGE = `Usage: gazette <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

Every command takes --root DIR (default: the current folder). Run \`gazette <command> --help\`
for its options, and see README.md for the manual.`;

export async function main(argv: string[]): Promise<void> {
  const stop = new AbortController();
  const io: CommandIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: touching process.stdin opens it, and only a prompt needs it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    signal: stop.signal,
    snapshot: snapshotBlob(process.execArgv),
  };
  // `gazette check | head`: the reader left. Like other CLIs, finish quietly instead of dying on
  // an unhandled EPIPE with a stack trace halfway through (a build still writes dist/).
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') process.exitCode = 1;
    });
  const name = argv[0];
  const command = name ? COMMANDS[name] : undefined;
  if (command?.stoppable) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
      stop.abort();
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  }
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (command?.compiles && !wantsHelp) {
    io.mjml = (await import('./render/mjml-engine.js')).mjmlWorker();
    if (command.compiles(argv)) io.mjml?.start();
  }
  const code = await run(argv, io);
  await io.mjml?.close();
  // Exit only once everything written has reached the pipe: process.exit() drops what a slow
  // reader (`gazette check --format json | cat`) has not taken yet. Exiting explicitly keeps a
  // stray handle from holding a finished command alive.
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** The blob of `node --snapshot-blob FILE` (src/snapshot/launch.ts starts build and check so). */
function snapshotBlob(execArgv: string[]): string | undefined {
  const at = execArgv.indexOf('--snapshot-blob');
  return at >= 0 ? execArgv[at + 1] : execArgv.find((a) => a.startsWith('--snapshot-blob='))?.slice(16);
}

/** Runs one command line with the given io and returns the exit code; never exits. */
export async function run(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE + '\n');
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    const { gazetteVersion } = await import('./cache/persistent.js');
    io.stdout.write(gazetteVersion() + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const { closest } = await import('./load/validate.js');
    const near = closest(name, Object.keys(COMMANDS));
    io.stderr.write(
      `gazette: unknown command "${name}"${near ? `; did you mean "gazette ${near}"?` : ''}\n\n${USAGE}\n`,
    );
    return 1;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest, io);
  } catch (err) {
    printError(err, io);
    return 1;
  }
}

/** Resolves once every chunk written so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // A write callback runs after all earlier writes were flushed (or failed: EPIPE).
    stream.write('', () => resolve());
  });
}
