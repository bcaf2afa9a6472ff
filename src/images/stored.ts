import { type BuildCache, contentHash } from '../cache/build-cache.js';
import type { EmailImage } from '../types.js';
import type { ImageFacts, ImageSource } from './facts.js';

// What sharp learns from an image (its facts) and makes of it (an email copy at a width), kept in
// the persistent cache by the hash of the source's bytes: a rebuild in a new process (an edited
// article in an archive, `gazette send` after `gazette build`) neither loads sharp nor encodes an
// image that did not change. Keys carry the tool stamp (sharp's version among it), so a new sharp
// or Gazette encodes again; a copy's bytes live in the blob store, checked against their hash.

export type Copy = Omit<EmailImage, 'display' | 'source'>;

interface StoredCopy {
  path: string;
  pixels: { width: number; height: number };
  before: number;
  after: number;
  blob: string;
}

const sourceHash = (source: ImageSource, cache: BuildCache) =>
  cache.derive('image-source-hash', source, '', () => contentHash(source.data));

export async function storedFacts(
  source: ImageSource,
  cache: BuildCache | undefined,
  measure: () => Promise<ImageFacts>,
): Promise<ImageFacts> {
  const persistent = cache?.persistent;
  if (!cache || !persistent) return measure();
  const key = `image-facts ${persistent.stamp} ${sourceHash(source, cache)}`;
  const found = (await persistent.get(key)) as ImageFacts | undefined;
  if (found && Number.isFinite(found.width) && Number.isFinite(found.height) && typeof found.format === 'string')
    return found;
  const facts = await measure();
  await persistent.put(key, facts);
  return facts;
}

/** The copy of `source` at `width` named after `stem`, from the persistent cache or made now. */
export async function storedCopy(
  source: ImageSource,
  stem: string,
  width: number,
  cache: BuildCache | undefined,
  make: () => Promise<Copy>,
): Promise<Copy> {
  const persistent = cache?.persistent;
  if (!cache || !persistent) return make();
  const key = `image-copy ${persistent.stamp} ${sourceHash(source, cache)} ${width} ${stem}`;
  const found = (await persistent.get(key)) as StoredCopy | undefined;
  if (found && typeof found.blob === 'string' && typeof found.path === 'string') {
    const contents = await persistent.getBlob(found.blob);
    if (contents) {
      const { blob: _blob, ...copy } = found;
      return { ...copy, contents };
    }
  }
  const copy = await make();
  const { contents, ...rest } = copy;
  await persistent.put(key, { ...rest, blob: await persistent.putBlob(contents) } satisfies StoredCopy);
  return copy;
}
