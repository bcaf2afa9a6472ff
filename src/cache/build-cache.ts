import { createHash } from 'node:crypto';
import type { MjmlEngine } from '../render/mjml-engine.js';
import type { PersistentCache } from './persistent.js';

/**
 * Everything a build may reuse from an earlier build, in one object the caller owns: the preview
 * session keeps one for its whole run (a save rebuilds only what the save changed), `gazette
 * build` makes one per run, and two caches never share anything. Nothing in src/ keeps build state
 * at module level (tests/unit/build-cache.test.ts greps for it).
 *
 * One staleness rule: a file is the same when its bytes hash the same (SHA-256). Every input file
 * (content, templates, images) is read whole on every build and hashed; an unchanged hash hands
 * back the very object the last build made from it, so the later stages (parse, compose, compile)
 * can key their tables by that object, or by the exact text they consume. Nothing is keyed by
 * mtime, which coarse or restored clocks (git checkout, rsync, a save within the same tick) can
 * leave unchanged when the bytes did change.
 */
export class BuildCache {
  /** What the build did, for tests and `--verbose`-style reporting. */
  readonly stats = {
    /** MJML documents compiled (a hit in either cache is not counted). */
    mjmlCompiles: 0,
    /** Issues served whole from the persistent cache. */
    persistentHits: 0,
    /** Issues the persistent cache did not have (or had in a stale, corrupt or partial entry). */
    persistentMisses: 0,
    /** Images resized and re-encoded. */
    imageEncodes: 0,
  };

  /** The on-disk cache under `.gazette/cache/`, when the caller asked for one. */
  persistent?: PersistentCache;

  /** Where MJML is compiled: the command's compile worker (main() starts it); none: in-process. */
  mjml?: MjmlEngine;

  /** Input files by absolute path: their hash, the name they were read as, the object made from their bytes, and the build that read them. */
  private readonly files = new Map<string, { hash: string; name: string; value: unknown; build: number }>();
  /** Counts builds through this cache (see beginBuild). */
  private build = 0;
  /** Values derived from one object (a parsed file, a composed article), by kind. */
  private readonly derived = new Map<string, WeakMap<object, { key: string; value: unknown }>>();
  /** Values derived from exact text (rendered Markdown, compiled MJML, a compiled theme), by kind. */
  private readonly byText = new Map<string, Map<string, unknown>>();
  /** Email copies of images made by builds through this cache, by path under dist/. */
  readonly emailImages = new Map<string, Buffer>();

  /**
   * The value made from a file's bytes: `make` runs when the file is new or its hash changed;
   * otherwise the same object as last time comes back. `hashOf` answers for it afterwards.
   */
  file<T>(absPath: string, name: string, bytes: Uint8Array, make: () => T): T {
    const hash = contentHash(bytes);
    const hit = this.files.get(absPath);
    if (hit && hit.hash === hash && hit.name === name) {
      hit.build = this.build;
      return hit.value as T;
    }
    const value = make();
    this.files.set(absPath, { hash, name, value, build: this.build });
    return value;
  }

  /**
   * Starts a build: files are read and hashed again from now on, each at most once per build (an
   * image shown by 200 issues is hashed once, not 200 times). `buildIssue` calls it.
   */
  beginBuild(): void {
    this.build++;
  }

  /** The value made from a file already read (as `name`) during this build, if it was. */
  readThisBuild<T>(absPath: string, name: string): T | undefined {
    const hit = this.files.get(absPath);
    return hit && hit.build === this.build && hit.name === name ? (hit.value as T) : undefined;
  }

  /** The content hash of a file this cache has read, if it has. */
  hashOf(absPath: string): string | undefined {
    return this.files.get(absPath)?.hash;
  }

  /** A value derived from `from` (an object this cache handed out) and `key` (anything else it depends on). */
  derive<T>(kind: string, from: object, key: string, make: () => T): T {
    let table = this.derived.get(kind);
    if (!table) this.derived.set(kind, (table = new WeakMap()));
    const hit = table.get(from);
    if (hit && hit.key === key) return hit.value as T;
    const value = make();
    table.set(from, { key, value });
    return value;
  }

  /**
   * A value made from exact text, kept for the last `max` distinct texts of its kind. `make` may
   * return undefined (a failure), which is never kept.
   */
  text<T>(kind: string, text: string, max: number, make: () => T): T {
    const slot = this.slot<T>(kind, text);
    return slot.has() ? slot.get() : slot.keep(make(), max);
  }

  /** Same as `text`, for values made asynchronously. */
  async textAsync<T>(kind: string, text: string, max: number, make: () => Promise<T>): Promise<T> {
    const slot = this.slot<T>(kind, text);
    return slot.has() ? slot.get() : slot.keep(await make(), max);
  }

  private slot<T>(kind: string, text: string) {
    let table = this.byText.get(kind) as Map<string, T> | undefined;
    if (!table) this.byText.set(kind, (table = new Map()));
    const t = table;
    // Long texts (MJML documents, article bodies) are keyed by their hash, not kept twice.
    const key = text.length > 256 ? contentHash(text) : text;
    return {
      has: () => t.has(key),
      get: () => t.get(key) as T,
      keep(value: T, max: number): T {
        if (value === undefined) return value;
        if (t.size >= max) t.delete(t.keys().next().value!);
        t.set(key, value);
        return value;
      },
    };
  }
}

export function contentHash(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
