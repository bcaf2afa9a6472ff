import { readFileSync } from 'node:fs';
import type { BuildCache } from '../cache/build-cache.js';

/** What Gazette knows about one local image file: the one place that opens images to learn it. */
export interface ImageFacts {
  /** Pixel size as stored (EXIF orientation applied: what a reader sees). */
  width: number;
  height: number;
  /** sharp's format name: jpeg, png, webp, gif, avif, heif, svg, tiff... */
  format: string;
  hasAlpha: boolean;
  bytes: number;
  /** EXIF or XMP metadata present (camera, GPS...). */
  hasMetadata: boolean;
}

/** An image file's bytes and facts; with a cache, the same object while the bytes hash the same. */
export interface ImageSource {
  data: Buffer;
  /** Read from the header on first call, then kept. */
  facts(): Promise<ImageFacts>;
}

/** sharp, loaded the first time an email shows a local image (a build without images never pays for it). */
export async function loadSharp(): Promise<typeof import('sharp').default> {
  return (await import('sharp')).default;
}

/** Reads an image and its header (not its pixels) once per content hash. */
export async function readImage(file: string, cache?: BuildCache): Promise<ImageSource> {
  const seen = cache?.readThisBuild<ImageSource>(file, 'image');
  if (seen) return seen;
  const data = readFileSync(file); // see localImage: small files, read without a thread-pool round trip
  const make = (): ImageSource => {
    let facts: Promise<ImageFacts> | undefined;
    return { data, facts: () => (facts ??= factsOf(data)) };
  };
  return cache ? cache.file(file, 'image', data, make) : make();
}

async function factsOf(data: Buffer): Promise<ImageFacts> {
  const sharp = await loadSharp();
  const m = await sharp(data).metadata();
  const swap = (m.orientation ?? 1) >= 5; // 5-8 rotate by 90 degrees
  return {
    width: (swap ? m.height : m.width) ?? 0,
    height: (swap ? m.width : m.height) ?? 0,
    format: m.format ?? 'unknown',
    hasAlpha: Boolean(m.hasAlpha),
    bytes: data.length,
    hasMetadata: Boolean(m.exif || m.xmp || m.iptc),
  };
}
