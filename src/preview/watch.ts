import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface RootWatcher {
  close(): void;
}

/** Editor droppings that are not content: swap files, backups, vim's write test. */
const IGNORED = /(^|[/\\])(\.[^/\\]*\.sw[a-p]|[^/\\]*~|4913|\.#[^/\\]*|\.DS_Store)$/;

/**
 * Calls `onChange` (debounced) when anything under `<root>/content` or `<root>/templates` changes.
 * The root itself is watched shallowly so that a templates/ (or content/) folder created or
 * replaced later is picked up; dist/, .gazette/ and node_modules/ are never watched.
 */
export function watchRoot(root: string, onChange: (files: string[]) => void, debounceMs = 40): RootWatcher {
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = (file: string) => {
    if (closed || IGNORED.test(file)) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending];
      pending = new Set();
      onChange(files);
    }, debounceMs);
  };

  const attach = (sub: 'content' | 'templates') => {
    watchers.get(sub)?.close();
    watchers.delete(sub);
    try {
      const w = watch(path.join(root, sub), { recursive: true }, (_event, name) => fire(`${sub}/${name ?? ''}`));
      // The folder was deleted or renamed: stop quietly; the root watcher re-attaches if it returns.
      w.on('error', () => {
        w.close();
        if (watchers.get(sub) === w) watchers.delete(sub);
      });
      watchers.set(sub, w);
    } catch {
      // Not there (yet).
    }
  };

  attach('content');
  attach('templates');
  try {
    const top = watch(root, (_event, name) => {
      if (name === 'content' || name === 'templates') {
        attach(name);
        fire(name);
      }
    });
    top.on('error', () => top.close());
    watchers.set('.', top);
  } catch {
    // The root itself vanished; nothing to watch.
  }

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
