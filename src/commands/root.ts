import { existsSync } from 'node:fs';
import path from 'node:path';
import { GazetteError } from '../util/errors.js';
import { type CommandIo, displayPath } from './io.js';

/**
 * The publication root a command works on, refused when it has no content/ folder: a typo in
 * --root must not quietly create an empty journal or suppression list somewhere else.
 */
export function publicationRoot(io: Pick<CommandIo, 'cwd'>, rootArg: string): string {
  const root = path.resolve(io.cwd, rootArg);
  if (!existsSync(path.join(root, 'content'))) {
    throw new GazetteError(`${displayPath(io, root)} is not a publication root: it has no content/ folder`, {
      code: 'content/missing',
      file: displayPath(io, root),
      hint: 'Run gazette in the folder that has content/, or pass it with --root DIR. Nothing was changed.',
    });
  }
  return root;
}
