import path from 'node:path';
import { noteLines } from '../diagnostics/notes.js';
import type { Diagnostic } from '../types.js';
import { causeChain, DiagnosticsError, formatDiagnostic, GazetteError } from '../util/errors.js';
import type { CommandIo, OutputStream } from './io.js';

/** Prints diagnostics to stderr, paths relative to io.cwd so editors can jump to them. */
export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  root: string,
  io: Pick<CommandIo, 'cwd'> & { stderr: OutputStream },
  stream: OutputStream = io.stderr,
): void {
  for (const d of diagnostics) {
    const file = d.file ? path.relative(io.cwd, path.resolve(root, d.file)) || d.file : undefined;
    stream.write(formatDiagnostic({ ...d, file }) + '\n');
  }
}

/**
 * Errors and warnings one by one; information notes one line per code with a count, or each
 * one with `--verbose` (src/diagnostics/notes.ts says why).
 */
export function printFindings(
  diagnostics: readonly Diagnostic[],
  root: string,
  io: Pick<CommandIo, 'cwd'> & { stderr: OutputStream },
  verbose: boolean,
): void {
  printDiagnostics(
    diagnostics.filter((d) => verbose || d.severity !== 'info'),
    root,
    io,
  );
  if (!verbose) for (const line of noteLines(diagnostics)) io.stderr.write(`${line}\n`);
}

export function printError(err: unknown, io: Pick<CommandIo, 'stderr' | 'env'>): void {
  const out = io.stderr;
  if (err instanceof DiagnosticsError) {
    // Every finding with its own message; the error's message says what could not be done.
    for (const d of err.diagnostics.filter((x) => x.severity !== 'info')) out.write(formatDiagnostic(d) + '\n');
    out.write(`gazette: ${err.message}\n`);
  } else if (err instanceof GazetteError) {
    out.write(formatDiagnostic(err.toDiagnostic()) + '\n');
    const causes = causeChain(err).slice(1);
    for (const c of causes) out.write(`  caused by: ${c}\n`);
  } else {
    out.write(`gazette: ${causeChain(err).join('\n  caused by: ')}\n`);
    if (io.env.GAZETTE_DEBUG && err instanceof Error) out.write(`${err.stack}\n`);
  }
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
