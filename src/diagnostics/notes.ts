import type { Diagnostic } from '../types.js';
import { codeInfo } from './catalogue.js';

// A clean issue carries about a hundred information notes (mostly caniemail's "partly supported"
// remarks). Listed one by one they bury the errors and warnings above them, so terminals show one
// line per code with a count; `--verbose` lists each note, as the preview page always does.

export interface NoteGroup {
  code: Diagnostic['code'];
  count: number;
  /** What the code means, from the catalogue, cut to its first clause. */
  about: string;
}

/** The info notes grouped by code, most frequent first (then by code, for a stable order). */
export function groupNotes(diagnostics: readonly Diagnostic[]): NoteGroup[] {
  const counts = new Map<Diagnostic['code'], number>();
  for (const d of diagnostics) if (d.severity === 'info') counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return [...counts]
    .map(([code, count]) => ({ code, count, about: firstClause(codeInfo(code).title) }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** One line per code: `info: 54 notes [client/partial]: A feature that some target clients support only partly`. */
export function noteLines(diagnostics: readonly Diagnostic[]): string[] {
  const groups = groupNotes(diagnostics);
  if (!groups.length) return [];
  return [
    ...groups.map((g) => `info: ${g.count} note${g.count === 1 ? '' : 's'} [${g.code}]: ${g.about}`),
    '  (--verbose lists each note with its file, line and hint)',
  ];
}

function firstClause(title: string): string {
  const cut = title.search(/;\s|(?<!e\.g|i\.e)\.\s|\.$/);
  return (cut < 0 ? title : title.slice(0, cut)).replace(/\s+/g, ' ').trim();
}
