import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { causeChain, DiagnosticsError, formatDiagnostic, GazetteError } from './util/errors.js';
import type { Diagnostic } from './types.js';
import type { CommandIo } from './commands/io.js';

/** A command: parses its own arguments and returns the exit code. Only main() exits. */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;

// Lazy imports: `gazette build` must not load nodemailer, SQLite or the browser.
const COMMANDS: Record<string, { load: () => Promise<{ run: Command }>; summary: string }> = {
  build: { load: () => import('./commands/build.js'), summary: 'build every issue (or --issue SLUG) into dist/' },
  check: {
    load: () => import('./commands/check.js'),
    summary: 'lint an issue the way mail clients and providers will see it',
  },
  preview: { load: () => import('./commands/preview.js'), summary: 'live-reloading preview on 127.0.0.1' },
  send: {
    load: () => import('./commands/send.js'),
    summary: 'send an issue to a CSV list over SMTP, journaled and resumable',
  },
  serve: {
    load: () => import('./commands/serve.js'),
    summary: 'serve the web archive and the one-click unsubscribe endpoint',
  },
  suppress: {
    load: () => import('./commands/suppress.js'),
    summary: 'add, remove, list or import suppressed addresses',
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
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    process.exitCode = name ? 0 : 1;
    return;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(pkg.version + '\n');
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`gazette: unknown command "${name}"\n\n${USAGE}\n`);
    process.exitCode = 1;
    return;
  }
  let code: number;
  const stop = new AbortController();
  // The first Ctrl-C asks the command to stop cleanly; a second one quits at once.
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  if (name === 'send') process.on('SIGINT', onSigint);
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
  };
  try {
    const mod = await command.load();
    code = await mod.run(rest, io);
  } catch (err) {
    printError(err);
    code = 1;
  }
  // Let pending writes flush; exit explicitly so that stray handles never keep a command alive.
  process.exitCode = code;
  if (!['preview', 'serve'].includes(name)) setImmediate(() => process.exit(code));
}

/** parseArgs with friendly errors: unknown options become a GazetteError with a hint. */
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
export type ParsedCommandArgs<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & HelpOption; allowPositionals: true; strict: true }>
>;

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = false,
): ParsedCommandArgs<T> {
  try {
    const help: HelpOption = { help: { type: 'boolean', short: 'h' } };
    return parseArgs({
      args: argv,
      options: { ...options, ...help },
      allowPositionals,
      strict: true,
    }) as ParsedCommandArgs<T>;
  } catch (cause) {
    throw new GazetteError((cause as Error).message, { code: 'cli/usage', hint: usage, cause });
  }
}

/** Prints diagnostics to stderr, paths relative to the current folder so editors can jump to them. */
export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  root: string,
  stream: NodeJS.WritableStream = process.stderr,
): void {
  for (const d of diagnostics) {
    const file = d.file ? path.relative(process.cwd(), path.resolve(root, d.file)) || d.file : undefined;
    stream.write(formatDiagnostic({ ...d, file }) + '\n');
  }
}

export function printError(err: unknown): void {
  if (err instanceof DiagnosticsError) {
    // Every finding with its own message; the error's message says what could not be done.
    for (const d of err.diagnostics.filter((x) => x.severity !== 'info'))
      process.stderr.write(formatDiagnostic(d) + '\n');
    process.stderr.write(`gazette: ${err.message}\n`);
  } else if (err instanceof GazetteError) {
    process.stderr.write(formatDiagnostic(err.toDiagnostic()) + '\n');
    const causes = causeChain(err).slice(1);
    for (const c of causes) process.stderr.write(`  caused by: ${c}\n`);
  } else {
    process.stderr.write(`gazette: ${causeChain(err).join('\n  caused by: ')}\n`);
    if (process.env.GAZETTE_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
