import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildCache } from '../cache/build-cache.js';
import { LAYOUT_NAME } from '../load/schema.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';

export { BUILTIN_TEMPLATES };

export interface TemplateFile {
  /** Relative to its templates folder, e.g. `partials/footer.mjml.hbs`. */
  name: string;
  /** Path for messages (relative to the root when it is the root's own). */
  file: string;
  source: string;
}

const SUFFIX = '.mjml.hbs';

/**
 * Reads the theme: the root's `templates/` overrides the built-in files one by one (same
 * relative path); anything it lacks falls back to Gazette's own.
 */
export async function readTheme(root: string, cache?: BuildCache): Promise<TemplateFile[]> {
  const byName = new Map<string, TemplateFile>();
  for (const [dir, display] of [
    [BUILTIN_TEMPLATES, (n: string) => path.relative(root, path.join(BUILTIN_TEMPLATES, n)).split(path.sep).join('/')],
    [path.join(root, 'templates'), (n: string) => `templates/${n}`],
  ] as const) {
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const name = entry.split(path.sep).join('/');
      if (!name.endsWith(SUFFIX)) continue;
      const abs = path.join(dir, entry);
      byName.set(name, { name, file: display(name), source: readSource(abs, cache) });
    }
  }
  return [...byName.values()];
}

/**
 * The layouts an issue of this root can name, as build resolves them: the built-in theme's and
 * the root's own `templates/layouts/<name>.mjml.hbs`. `confirm` is the sign-up confirmation
 * email's layout (src/server/confirm-email.ts), not an issue's.
 */
export async function issueLayouts(root: string): Promise<string[]> {
  return (await readTheme(root))
    .filter((f) => f.name.startsWith('layouts/'))
    .map((f) => f.name.slice('layouts/'.length, -SUFFIX.length))
    .filter((name) => name !== 'confirm' && LAYOUT_NAME.test(name));
}

/** A template's source, LF line endings; with a cache, decoded once per content hash. */
function readSource(abs: string, cache: BuildCache | undefined): string {
  const bytes = readFileSync(abs);
  const decode = () => bytes.toString('utf8').replace(/\r\n?/g, '\n');
  return cache ? cache.file(abs, abs, bytes, decode) : decode();
}
