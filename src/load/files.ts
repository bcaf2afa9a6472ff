import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { BuildCache } from '../cache/build-cache.js';
import { GazetteError } from '../util/errors.js';
import { SLUG_RULE } from '../scaffold/slug.js';
import type { Diagnostic } from '../types.js';
import { MAX_CONTENT_BYTES, readTextFile, type TextFile } from './read.js';

// Finding and reading content files: paths relative to the root, slugs from file names.

export type Read = (abs: string) => TextFile | undefined;

/** readTextFile with paths relative to the root; a GazetteError becomes a diagnostic. */
export function reader(root: string, diagnostics: Diagnostic[], cache?: BuildCache): Read {
  return (abs) => {
    try {
      return readTextFile(abs, path.relative(root, abs).split(path.sep).join('/'), MAX_CONTENT_BYTES, cache);
    } catch (err) {
      if (err instanceof GazetteError) diagnostics.push(err.toDiagnostic());
      else throw err;
      return undefined;
    }
  };
}

export function readIfExists(
  abs: string,
  read: Read,
  diagnostics: Diagnostic[],
  file: string,
  hint: string,
): TextFile | undefined {
  if (!existsSync(path.dirname(abs))) {
    diagnostics.push({
      code: 'content/missing',
      severity: 'error',
      message: 'no content/ folder in this root',
      file: 'content',
      hint: 'Run gazette in a folder that has content/, or pass --root DIR.',
    });
    return undefined;
  }
  if (!existsSync(abs)) {
    diagnostics.push({ code: 'content/missing', severity: 'error', message: `${file} is missing`, file, hint });
    return undefined;
  }
  return read(abs);
}

export async function listMarkdown(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries
    .filter((e) => MARKDOWN_FILE.test(e) && !path.basename(e).startsWith('.') && !path.basename(e).startsWith('_'))
    .map((e) => path.join(dir, e))
    .sort();
}

/** Jekyll names posts `.markdown`; everyone else `.md`. */
const MARKDOWN_FILE = /\.(?:md|markdown)$/;

/** The file name without its extension; dots inside stay (`go1.26.md` is `go1.26`). */
export function slugOf(abs: string): string {
  return path.basename(abs).replace(MARKDOWN_FILE, '').normalize('NFC');
}

export function checkSlug(slug: string, file: string, seen: Map<string, string>): Diagnostic | undefined {
  if (!SLUG_RULE.test(slug)) {
    return {
      code: 'content/bad-slug',
      severity: 'error',
      message: `file name "${slug}" cannot be used as a slug`,
      file,
      line: 1,
      hint: 'Name the file with letters, digits, dashes and dots (not first or last), e.g. campus-arts-festival.md.',
    };
  }
  const key = slug.toLowerCase();
  const first = seen.get(key);
  if (first) {
    return {
      code: 'content/duplicate-slug',
      severity: 'error',
      message: `slug "${slug}" is already used by ${first}`,
      file,
      line: 1,
      hint: 'Slugs must be unique (ignoring case) across subfolders; rename one of the files.',
    };
  }
  seen.set(key, file);
  return undefined;
}
