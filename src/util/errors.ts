import type { Code, Diagnostic, Severity } from '../types.js';

export interface ErrorDetails {
  /** A code of src/diagnostics/catalogue.ts (a typo fails typecheck). */
  code: Code;
  file?: string;
  line?: number;
  column?: number;
  field?: string;
  hint?: string;
  cause?: unknown;
}

/**
 * Every error Gazette raises on purpose: it carries where (file, line, field), why (code,
 * message, cause) and how to fix it (hint). The CLI prints it as a diagnostic; the cause chain
 * is printed once, under it.
 */
export class GazetteError extends Error {
  readonly code: Code;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
  readonly hint?: string;

  constructor(message: string, details: ErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'GazetteError';
    this.code = details.code;
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
    this.field = details.field;
    this.hint = details.hint;
  }

  toDiagnostic(severity: Severity = 'error'): Diagnostic {
    return compact({
      code: this.code,
      severity,
      message: this.message,
      hint: this.hint,
      file: this.file,
      line: this.line,
      column: this.column,
      field: this.field,
    });
  }
}

/** A stage finished with error diagnostics; thrown by APIs that cannot return a partial result. */
export class DiagnosticsError extends GazetteError {
  readonly diagnostics: Diagnostic[];
  constructor(message: string, diagnostics: Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super(message, { code: first?.code ?? 'gazette/failed', file: first?.file, line: first?.line, hint: first?.hint });
    this.name = 'DiagnosticsError';
    this.diagnostics = diagnostics;
  }
}

export function diagnostic(d: Diagnostic): Diagnostic {
  return compact(d);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `path:line:col: error: message` plus an indented hint line, the way compilers print. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}:${d.line ?? 1}:${d.column ?? 1}: ` : '';
  const field = d.field ? ` (field \`${d.field}\`)` : '';
  let out = `${where}${d.severity}: ${d.message}${field} [${d.code}]`;
  if (d.hint) out += `\n  hint: ${d.hint}`;
  return out;
}

/** The message of an error and of each of its causes, each once. */
export function causeChain(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const msg = cur instanceof Error ? cur.message : String(cur);
    if (!out.includes(msg)) out.push(msg);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return out;
}

function compact<T extends object>(obj: T): T {
  for (const key of Object.keys(obj) as (keyof T)[]) {
    if (obj[key] === undefined) delete obj[key];
  }
  return obj;
}
