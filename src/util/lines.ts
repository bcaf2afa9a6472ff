// Where an offset of a text is, for diagnostics: one definition for the loader, the Markdown
// passes and the check locator. A line ends at LF, CRLF or a lone CR, as the loader reads files
// (load/read.ts folds all three to LF), so a position is the same before and after that folding.

/** 1-based line and column (UTF-16 code units, as editors count) of `offset`, clamped to the text. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let start = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

/** The 1-based line holding `offset`. */
export function lineAt(text: string, offset: number): number {
  return positionAt(text, offset).line;
}
