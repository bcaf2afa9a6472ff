import path from 'node:path';
import type { BuildCache } from '../cache/build-cache.js';
import type { Diagnostic, Publication } from '../types.js';
import { parseCached } from './cache.js';
import { readIfExists, type Read } from './files.js';
import { KNOWN_KEYS, publicationSchema } from './schema.js';
import { validate } from './validate.js';
import { missingImage } from '../images/local.js';
import { parseYaml } from './yaml.js';

export function readPublication(
  root: string,
  read: Read,
  diagnostics: Diagnostic[],
  cache?: BuildCache,
): { publication?: Publication; found: boolean } {
  const pubPath = path.join(root, 'content', 'publication.yml');
  const pubFile = readIfExists(
    pubPath,
    read,
    diagnostics,
    'content/publication.yml',
    'Create content/publication.yml with name, url, from, address and unsubscribeUrl (see README, "Content reference").',
  );
  if (!pubFile) return { found: false };
  const { yd, v, parsed } = parseCached(cache, 'publication', pubFile, () => {
    const { parsed, diagnostics: yd } = parseYaml(pubFile.text, pubFile.file, 0);
    return {
      yd,
      parsed,
      v: parsed ? validate(publicationSchema, parsed, pubFile.file, KNOWN_KEYS.publication) : undefined,
    };
  });
  diagnostics.push(...yd);
  if (!v) return { found: true };
  diagnostics.push(...v.diagnostics);
  if (!v.value) return { found: true };
  const publication: Publication = { ...v.value, file: pubFile.file };
  // Checked on every load (not cached with the parse): the file may appear or go at any time.
  // Located only when missing: a field's line needs the slower YAML parser (load/yaml.ts).
  const missing =
    publication.logo && missingImage(publication.logo.src, root, { file: pubFile.file, field: 'logo.src' });
  if (missing) diagnostics.push({ ...missing, ...parsed?.locate(['logo', 'src']), field: 'logo.src' });
  // The logo is referenced from emails: make it absolute like every other image.
  if (publication.logo)
    publication.logo = { ...publication.logo, src: new URL(publication.logo.src, publication.url + '/').href };
  return { publication, found: true };
}
