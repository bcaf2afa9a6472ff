import { readFileSync, statSync } from 'node:fs';
import type { BuildCache } from '../cache/build-cache.js';
import { GazetteError } from '../util/errors.js';
import { positionAt } from '../util/lines.js';

/** Content files larger than this are refused: a newsletter article is never a megabyte of text. */
export const MAX_CONTENT_BYTES = 1024 * 1024;

export interface TextFile {
  /** Path relative to the root, for messages. */
  file: string;
  /** UTF-8 text, BOM removed, line endings normalized to \n. */
  text: string;
}

/**
 * Reads a content file as strict UTF-8 with a size cap. Throws GazetteError naming the line. With
 * a cache, a file whose bytes hash as last time comes back as the same object, so later stages can
 * cache by identity.
 */
// Synchronous on purpose: content folders are small, and a build reads them all before doing
// anything else; sync reads cost microseconds where each async one costs a thread-pool round trip.
export function readTextFile(
  absPath: string,
  file: string,
  maxBytes = MAX_CONTENT_BYTES,
  cache?: BuildCache,
): TextFile {
  let st: import('node:fs').BigIntStats;
  try {
    st = statSync(absPath, { bigint: true });
  } catch (cause) {
    throw new GazetteError(`cannot read ${file}`, {
      code: 'content/unreadable',
      file,
      cause,
      hint: 'Check that the file exists and is readable.',
    });
  }
  const size = Number(st.size);
  if (size > maxBytes) {
    throw new GazetteError(`file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for content files`, {
      code: 'content/too-large',
      file,
      line: 1,
      hint: 'Split the file, or move large data (images, tables) out of it and link to it.',
    });
  }
  const bytes = readFileSync(absPath);
  const decode = (): TextFile => ({ file, text: decodeUtf8(bytes, file) });
  return cache ? cache.file(absPath, file, bytes, decode) : decode();
}

export function decodeUtf8(buf: Uint8Array, file: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch (cause) {
    const lossy = new TextDecoder('utf-8').decode(buf);
    const at = lossy.indexOf('\uFFFD');
    const { line, column } = positionAt(lossy, at < 0 ? lossy.length : at);
    throw new GazetteError('file is not valid UTF-8', {
      code: 'content/not-utf8',
      file,
      line,
      column,
      cause,
      hint: 'Re-save the file as UTF-8 (in most editors: "Save with encoding" > UTF-8).',
    });
  }
  // TextDecoder strips a leading BOM already; normalize CRLF and lone CR.
  return text.replace(/\r\n?/g, '\n');
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}
