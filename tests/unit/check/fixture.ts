import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIssue } from '../../../src/pipeline/build.js';
import { checkIssue, type CheckOptions } from '../../../src/check/index.js';
import type { Diagnostic } from '../../../src/types.js';

export const SAMPLE = fileURLToPath(new URL('../../..', import.meta.url));
export const FEATURE = 'kazakhstan-abraham-accords';
export const DIGEST = 'weekly-digest-2025-11-21';
export const FEATURE_ARTICLE = 'content/articles/kazakhstan-joins-abraham-accords.md';

export interface Fixture {
  root: string;
  /** Replaces text in a file of the root (must occur). */
  edit(file: string, from: string | RegExp, to: string): Promise<void>;
  write(file: string, text: string): Promise<void>;
  read(file: string): Promise<string>;
  check(issue?: string, options?: CheckOptions): Promise<Diagnostic[]>;
  cleanup(): Promise<void>;
}

/** A temporary root holding a copy of the sample publication's content/. */
export async function sampleFixture(): Promise<Fixture> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-check-'));
  await cp(path.join(SAMPLE, 'content'), path.join(root, 'content'), { recursive: true });
  const fixture: Fixture = {
    root,
    async edit(file, from, to) {
      const abs = path.join(root, file);
      const text = await readFile(abs, 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`fixture: ${String(from)} not found in ${file}`);
      await writeFile(abs, next);
    },
    async write(file, text) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), text);
    },
    read: (file) => readFile(path.join(root, file), 'utf8'),
    async check(issue = FEATURE, options = {}) {
      const result = await buildIssue({ root, issue });
      const errors = result.diagnostics.filter(
        (d) => d.severity === 'error' && !d.code.startsWith('size/') && !d.code.startsWith('html/'),
      );
      if (errors.length) throw new Error(`fixture does not build: ${JSON.stringify(errors)}`);
      return checkIssue(result.issues[0]!, { content: result.content! }, options);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  return fixture;
}

/** A built-in template, to override in a fixture with a small change. */
export function builtinTemplate(name: string): Promise<string> {
  return readFile(path.join(SAMPLE, 'templates', name), 'utf8');
}

export function codes(ds: Diagnostic[], prefix = ''): string[] {
  return ds.filter((d) => d.severity !== 'info' && d.code.startsWith(prefix)).map((d) => d.code);
}

export function only(ds: Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}
