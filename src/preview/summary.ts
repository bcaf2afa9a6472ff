import { noteLines } from '../diagnostics/notes.js';
import type { Diagnostic } from '../types.js';
import { formatDiagnostic } from '../util/errors.js';
import type { BuildEvent, PreviewSession } from './session.js';

const MAX_SHOWN = 5;

/** Every error the preview knows of (build, load and checks), each once. */
export function sessionErrors(session: PreviewSession): Diagnostic[] {
  return sessionFindings(session, 'error');
}

/** Every finding of a severity the preview knows of, each once. */
export function sessionFindings(session: PreviewSession, severity: Diagnostic['severity']): Diagnostic[] {
  const seen = new Set<string>();
  const all = [...session.result.diagnostics, ...session.slugs().flatMap((slug) => session.diagnosticsOf(slug))];
  return all.filter((d) => {
    if (d.severity !== severity) return false;
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

/**
 * What the terminal says after a rebuild: the counts, where each error is, and the information
 * notes: grouped one line per code, printed again only when the groups change (a save that
 * changes nothing about them adds no lines), or each note with `verbose`.
 */
export function rebuildLines(
  session: PreviewSession,
  e: BuildEvent,
  state: { verbose?: boolean; lastNotes?: string },
): string[] {
  const found = sessionErrors(session);
  const n = session.result.issues.length;
  const changed = Object.keys(e.changed);
  const lines = [
    `rebuilt in ${e.ms} ms: ${n} issue${n === 1 ? '' : 's'}${found.length ? `, ${found.length} error${found.length === 1 ? '' : 's'}` : ''}${changed.length ? `; changed: ${changed.join(', ')}` : ''}`,
    ...errorLines(found),
  ];
  const notes = sessionFindings(session, 'info');
  if (state.verbose) {
    for (const d of notes)
      lines.push(
        ...formatDiagnostic(d)
          .split('\n')
          .map((l) => `  ${l}`),
      );
    return lines;
  }
  const grouped = noteLines(notes).map((l) => `  ${l}`);
  const key = grouped.join('\n');
  if (key !== state.lastNotes) lines.push(...grouped);
  state.lastNotes = key;
  return lines;
}
