import { stat } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';

export interface RootWatcher {
  /** Resolves once the initial scan is done: changes made after it are seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Editor droppings that are not content: swap files, backups, vim's write test. */
const IGNORED = /(^|[/\\])(\.[^/\\]*\.sw[a-p]|[^/\\]*~|4913|\.#[^/\\]*|\.DS_Store)$/;
const WATCHED = new Set(['content', 'templates']);
/**
 * chokidar drops a file's change events for 50 ms after it emitted one, with no trailing event, so
 * the second half of a truncate-then-write save can go unseen under load. Each event is therefore
 * followed by one look at the file this much later.
 */
const RECHECK_MS = 150;

/**
 * Calls `onChange` (debounced) with root-relative paths when anything under `<root>/content` or
 * `<root>/templates` changes. chokidar rather than Node's recursive fs.watch: on Linux that one
 * loses a file once it is replaced by a rename (atomic saves, `sed -i`, `git checkout`), and
 * chokidar re-attaches to the new inode. The root is watched so that a content/ or templates/
 * folder created or replaced later is picked up; dist/, .gazette/ and node_modules/ are ignored
 * before chokidar descends into them.
 */
export function watchRoot(root: string, onChange: (files: string[]) => void, debounceMs = 40): RootWatcher {
  const base = path.resolve(root);
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const ignored = (abs: string): boolean => {
    const rel = path.relative(base, abs);
    if (rel === '') return false;
    if (rel.startsWith('..') || path.isAbsolute(rel)) return true;
    const top = rel.split(path.sep)[0]!;
    return !WATCHED.has(top) || IGNORED.test(rel);
  };

  const watcher = watch(base, {
    ignoreInitial: true,
    ignored,
    // The loader decides what a symlink may point at; the watcher never follows one out of the root.
    followSymlinks: false,
    ignorePermissionErrors: true,
  });

  const fire = (abs: string) => {
    if (closed) return;
    pending.add(path.relative(base, abs).split(path.sep).join('/'));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending];
      pending = new Set();
      onChange(files);
    }, debounceMs);
  };
  const recheck = async (event: string, abs: string) => {
    const before = await fingerprint(abs);
    setTimeout(async () => {
      if (closed) return;
      const now = await fingerprint(abs);
      // A file replaced in quick succession (git's unlink + create) can be dropped from chokidar's
      // list while it exists again; adding it back (a no-op when still listed) keeps later saves seen.
      if (event === 'unlink' && now !== GONE) watcher.add(abs);
      else if (now === before) return;
      fire(abs);
    }, RECHECK_MS).unref();
  };
  watcher.on('all', (event, file) => {
    if (typeof file !== 'string') return;
    fire(file);
    void recheck(event, file);
  });
  // A vanished folder or an unreadable file must not stop the preview; the next build reports it.
  watcher.on('error', () => {});

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

const GONE = 'gone';

/** Enough of a file's identity to tell that it was written or replaced. */
async function fingerprint(abs: string): Promise<string> {
  try {
    const s = await stat(abs);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return GONE;
  }
}
