import type { Diagnostic } from '../types.js';
import { formatDiagnostic } from '../util/errors.js';
import type { PreviewSession } from './session.js';

const MAX_SHOWN = 5;

/** Every error the preview knows of (build, load and checks), each once. */
export function sessionErrors(session: PreviewSession): Diagnostic[] {
  const seen = new Set<string>();
  const all = [...session.result.diagnostics, ...session.slugs().flatMap((slug) => session.diagnosticsOf(slug))];
  return all.filter((d) => {
    if (d.severity !== 'error') return false;
    const key = JSON.stringify([d.code, d.message, d.file, d.line, d.column, d.field]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** "1 error" is no help in a terminal: where each is (file:line:col) and what, the first few. */
export function errorLines(errors: readonly Diagnostic[], indent = '  '): string[] {
  const lines = errors.slice(0, MAX_SHOWN).map((d) =>
    formatDiagnostic(d)
      .split('\n')
      .map((l) => indent + l)
      .join('\n'),
  );
  if (errors.length > MAX_SHOWN) lines.push(`${indent}... and ${errors.length - MAX_SHOWN} more (listed in the page)`);
  return lines;
}
