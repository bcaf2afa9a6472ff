import type { Diagnostic } from '../types.js';

/**
 * Budgets every data block Gazette parses (YAML and TOML front-matter, publication.yml) shares, so
 * no dialect is the weak one. Front-matter is a few hundred bytes; 64 KiB is far beyond real use
 * and far below what makes a parser slow.
 */
export const MAX_DATA_BYTES = 64 * 1024;
/** YAML aliases expanded per file (the `yaml` package counts nested expansions). */
export const MAX_YAML_ALIASES = 100;

/** A diagnostic when a data block is over the size budget, else undefined. */
export function overDataBudget(src: string, file: string, lineOffset: number, dialect: string): Diagnostic | undefined {
  const bytes = Buffer.byteLength(src, 'utf8');
  if (bytes <= MAX_DATA_BYTES) return undefined;
  return {
    code: 'content/data-too-large',
    severity: 'error',
    message: `${dialect} block is ${Math.round(bytes / 1024)} KiB, over the ${MAX_DATA_BYTES / 1024} KiB limit`,
    file,
    line: 1 + lineOffset,
    hint: 'Front-matter holds a few fields; move long text into the body and data into separate files.',
  };
}
