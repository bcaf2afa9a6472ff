import { stat } from 'node:fs/promises';
import sharp from 'sharp';

/** What Gazette knows about one local image file: the one place that opens images to learn it. */
export interface ImageFacts {
  /** Pixel size as stored (EXIF orientation applied: what a reader sees). */
  width: number;
  height: number;
  /** sharp's format name: jpeg, png, webp, gif, avif, heif, svg, tiff... */
  format: string;
  hasAlpha: boolean;
  bytes: number;
  mtimeMs: number;
  /** EXIF or XMP metadata present (camera, GPS...). */
  hasMetadata: boolean;
}

const cache = new Map<string, { key: string; facts: ImageFacts }>();

/** Reads an image's header (not its pixels); cached by path, size and modification time. */
export async function imageFacts(file: string): Promise<ImageFacts> {
  const st = await stat(file);
  const key = `${st.size}|${st.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.key === key) return hit.facts;
  const m = await sharp(file).metadata();
  const swap = (m.orientation ?? 1) >= 5; // 5-8 rotate by 90 degrees
  const facts: ImageFacts = {
    width: (swap ? m.height : m.width) ?? 0,
    height: (swap ? m.width : m.height) ?? 0,
    format: m.format ?? 'unknown',
    hasAlpha: Boolean(m.hasAlpha),
    bytes: st.size,
    mtimeMs: st.mtimeMs,
    hasMetadata: Boolean(m.exif || m.xmp || m.iptc),
  };
  cache.set(file, { key, facts });
  return facts;
}
