import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { contentHash } from './build-cache.js';

/** Bumped when the entry layout changes; part of every key. */
const FORMAT = 'gazette-cache-3';

/**
 * The build cache on disk (`<root>/.gazette/cache/`, DESIGN §10): one file per rendered issue,
 * named by the hash of every input it was made from (src/cache/issue-cache.ts builds that key).
 * An entry is never updated in place: it is written to a temporary file and renamed, so a reader
 * sees a whole entry or none. Each entry starts with the hash of the rest; an entry that does not
 * match (truncated, edited, written by a crashed build) is treated as absent and rewritten. The
 * cache is an optimization only: any error reading or writing it falls back to building.
 */
export class PersistentCache {
  /** Gazette's version and the versions of everything that shapes the output, part of every key. */
  readonly stamp: string;

  constructor(
    readonly dir: string,
    stamp?: string,
  ) {
    this.stamp = stamp ?? toolStamp();
  }

  private salt?: string;

  /**
   * Entries are named by the key salted with this cache folder's own salt file: its random
   * contents, and its inode number and creation time, which no one can know before the file
   * exists on this disk. Keys alone are hashes of what a repository's author knows (the content,
   * the templates, the tool versions): a `.gazette/cache/` committed with a cloned publication
   * would otherwise be replayed, publishing (and sending) HTML that no file in it holds.
   */
  private file(key: string): string {
    this.salt ??= folderSalt(this.dir);
    const name = contentHash(`${this.salt} ${key}`);
    return path.join(this.dir, name.slice(0, 2), `${name}.json`);
  }

  /**
   * The entry's value, or undefined when there is none or it is not whole. Read synchronously: a
   * rebuild of a large archive replays hundreds of entries one after the other, and each read
   * through the thread pool left the main thread idle for longer than the read itself.
   */
  async get(key: string): Promise<unknown> {
    return this.getWithTexts(key)?.value;
  }

  /**
   * An entry written by putWithTexts: its value and its texts. Texts are stored as their raw
   * bytes after the JSON, not inside it: a rendered issue is mostly HTML, which JSON escapes on
   * every quote and JSON.parse then scans character by character.
   */
  getWithTexts(key: string): { value: unknown; texts: string[] } | undefined {
    let raw: Buffer;
    try {
      raw = readFileSync(this.file(key));
    } catch {
      return undefined;
    }
    // The body is hashed as the bytes read: turning it into a string and back would cost as much
    // again as the hash.
    const nl = raw.indexOf(10);
    if (nl < 0) return undefined;
    const [format, sum] = raw.toString('latin1', 0, nl).split(' ');
    const body = raw.subarray(nl + 1);
    if (format !== FORMAT || sum !== contentHash(body)) return undefined;
    try {
      const end = body.indexOf(10);
      if (end < 0) return undefined;
      const { value, texts } = JSON.parse(body.toString('utf8', 0, end)) as {
        value: unknown;
        texts?: number[];
      };
      let at = end + 1;
      const out: string[] = [];
      for (const bytes of texts ?? []) {
        if (at + bytes > body.length) return undefined;
        out.push(body.toString('utf8', at, at + bytes));
        at += bytes;
      }
      return { value, texts: out };
    } catch {
      return undefined;
    }
  }

  /** Whether an entry file exists (it may still turn out not whole when read). */
  async has(key: string): Promise<boolean> {
    return existsSync(this.file(key));
  }

  /** Writes an entry (temporary file + rename); a failure leaves the cache as it was. */
  async put(key: string, value: unknown): Promise<void> {
    await this.putWithTexts(key, value, []);
  }

  /** put() with texts stored beside the value as raw bytes (getWithTexts reads them back). */
  async putWithTexts(key: string, value: unknown, texts: string[]): Promise<void> {
    const parts = texts.map((t) => Buffer.from(t, 'utf8'));
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify({ value, texts: parts.map((p) => p.length) })}\n`, 'utf8'),
      ...parts,
    ]);
    await writeAtomically(this.file(key), Buffer.concat([Buffer.from(`${FORMAT} ${contentHash(body)}\n`), body]));
  }

  private blobFile(hash: string): string {
    return path.join(this.dir, 'blobs', hash.slice(0, 2), hash);
  }

  /**
   * Bytes stored by their SHA-256 (email image copies, which many issues share and which would
   * bloat every entry): written once, checked against their name when read.
   */
  async getBlob(hash: string): Promise<Buffer | undefined> {
    try {
      const data = readFileSync(this.blobFile(hash));
      return contentHash(data) === hash ? data : undefined;
    } catch {
      return undefined;
    }
  }

  async putBlob(data: Buffer): Promise<string> {
    const hash = contentHash(data);
    if (!(await this.getBlob(hash))) await writeAtomically(this.blobFile(hash), data);
    return hash;
  }
}

function folderSalt(dir: string): string {
  const file = path.join(dir, 'salt');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const st = lstatSync(file);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
      return `${readFileSync(file, 'utf8')} ${st.ino} ${st.birthtimeMs}`;
    } catch (err) {
      try {
        if ((err as NodeJS.ErrnoException).code === 'ENOTFILE') unlinkSync(file);
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, randomBytes(16).toString('hex'), { flag: 'wx' });
      } catch {
        // Another build made it first (read it), or the folder is not writable (see below).
      }
    }
  }
  // No salt file can be kept here: this run's entries are its own.
  return randomBytes(16).toString('hex');
}

async function writeAtomically(target: string, data: string | Buffer): Promise<void> {
  const tmp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch {
    await rm(tmp, { force: true }).catch(() => {});
  }
}

/** The part of a key that names the tool: FORMAT, Node, Gazette and the libraries that shape output and findings. */
export function toolStamp(): string {
  const require = createRequire(import.meta.url);
  const versions = [
    'mjml',
    'handlebars',
    'markdown-it',
    'markdown-it-footnote',
    'sanitize-html',
    'caniemail',
    'htmlparser2',
  ].map((name) => {
    try {
      return `${name}@${(require(`${name}/package.json`) as { version: string }).version}`;
    } catch {
      return `${name}@?`;
    }
  });
  return [
    FORMAT,
    `node@${process.version}`,
    `gazette@${gazetteVersion()}`,
    `sharp@${sharpVersion()}`,
    ...versions,
  ].join(' ');
}

/** Gazette's version, from its package.json. */
export function gazetteVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '?';
  }
}

/** sharp does not export its package.json; its own version export is read when it loads. */
function sharpVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('sharp');
    const pkg = path.join(main.slice(0, main.lastIndexOf(`${path.sep}sharp${path.sep}`)), 'sharp', 'package.json');
    return (require(pkg) as { version: string }).version;
  } catch {
    return '?';
  }
}
