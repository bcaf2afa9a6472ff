import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { type BuildCache, contentHash } from '../cache/build-cache.js';
import type { Diagnostic, EmailImage } from '../types.js';
import { type ImageFacts, type ImageSource, loadSharp, readImage } from './facts.js';
import { type Copy, storedCopy, storedFacts } from './stored.js';

/** Where the email copies of local images go, under dist/ and under publication.url. */
export const EMAIL_IMAGE_DIR = 'assets/email';
/** Default per-issue budget for the images an email loads (bytes). */
export const IMAGE_BUDGET_BYTES = 1_000_000;
/** Images narrower than the column keep their size; wider ones are shown at the column width. */
const COLUMN_PX = 600;

export interface EmailImagesResult {
  html: string;
  images: EmailImage[];
  diagnostics: Diagnostic[];
  /**
   * Every local path the email's images name, with what was there: a content hash, `absent` or
   * `outside` (a link out of content/). The persistent cache replays an issue only while each
   * still answers the same (src/cache/issue-cache.ts).
   */
  inputs: ImageInput[];
}

export interface ImageInput {
  rel: string;
  state: string;
}

/**
 * Email copies of the local images an email shows: `<img src="<publication.url>/...">` whose path
 * names a file under content/ is resized to twice its display width (sharp, never enlarged),
 * re-encoded as JPEG or PNG (what every mail client shows; never WebP or AVIF), stripped of all
 * metadata (EXIF, GPS, XMP), named by a hash of its bytes, and given width and height. Other
 * images (remote, missing) are left as they are; missing ones are the image checks' business.
 */
export async function emailImages(
  html: string,
  o: { root: string; publicationUrl: string; file: string; budgetBytes?: number; cache?: BuildCache },
): Promise<EmailImagesResult> {
  const inputs: ImageInput[] = [];
  const base = `${o.publicationUrl.replace(/\/+$/, '')}/`;
  const images = new Map<string, EmailImage>();
  const diagnostics: Diagnostic[] = [];
  const tags = [...html.matchAll(/<img\b[^>]*>/gi)];
  const replacements: [number, number, string][] = [];
  for (const m of tags) {
    const tag = m[0];
    const src = attr(tag, 'src');
    if (!src?.startsWith(base)) continue;
    const rel = safeRel(src.slice(base.length));
    if (!rel || rel.startsWith(`${EMAIL_IMAGE_DIR}/`)) continue;
    const file = path.join(o.root, 'content', ...rel.split('/'));
    const local = await localImage(o.root, rel, o.cache);
    inputs.push({ rel, state: local.state });
    if (!local.source) continue;
    let facts: ImageFacts;
    try {
      const source = local.source;
      facts = await storedFacts(source, o.cache, () => source.facts());
    } catch {
      continue; // not an image: left to the image and link checks
    }
    if (!facts.width) continue;
    if (facts.format === 'svg') {
      // Vector: no copy to make, but its declared size is known, so the email still gets one.
      if (attr(tag, 'width') !== undefined) continue;
      const w = Math.min(facts.width, COLUMN_PX);
      const sized = setAttr(
        setAttr(tag, 'width', String(w)),
        'height',
        String(Math.round((w * facts.height) / facts.width)),
      );
      replacements.push([m.index!, m.index! + tag.length, sized]);
      continue;
    }
    const declared = Number(attr(tag, 'width'));
    const displayWidth = Math.min(declared > 0 ? declared : facts.width, COLUMN_PX, facts.width);
    const displayHeight = Math.round((displayWidth * facts.height) / facts.width);
    const copy = await emailCopy(local.source, rel, facts, displayWidth, o.cache);
    const url = `${base}${copy.path}`;
    images.set(copy.path, {
      ...copy,
      source: path.relative(o.root, file).split(path.sep).join('/'),
      display: { width: displayWidth, height: displayHeight },
    });
    let next = setAttr(tag, 'src', url);
    next = setAttr(next, 'width', String(displayWidth));
    next = setAttr(next, 'height', String(displayHeight));
    replacements.push([m.index!, m.index! + tag.length, next]);
  }
  let out = html;
  for (const [start, end, text] of replacements.reverse()) out = out.slice(0, start) + text + out.slice(end);

  const list = [...images.values()];
  const total = list.reduce((n, i) => n + i.after, 0);
  const budget = o.budgetBytes ?? IMAGE_BUDGET_BYTES;
  if (total > budget) {
    const heaviest = [...list].sort((a, b) => b.after - a.after)[0]!;
    diagnostics.push({
      code: 'image/weight-budget',
      severity: 'warning',
      file: o.file,
      line: 1,
      message: `the email loads ${kb(total)} of images, over the ${kb(budget)} budget (heaviest: ${heaviest.source}, ${kb(heaviest.after)})`,
      hint: 'Use fewer or smaller images, or crop them; readers on phone data pay for every byte before the email shows.',
    });
  }
  return { html: out, images: list, diagnostics, inputs };
}

/**
 * What a local image path names now: the file's bytes (only files really inside content/: a
 * symlink out of it is never published) and its state for the persistent cache.
 */
export async function localImage(
  root: string,
  rel: string,
  cache?: BuildCache,
): Promise<{ state: string; source?: ImageSource }> {
  const file = path.join(root, 'content', ...rel.split('/'));
  // Synchronous: a few small files per issue, and each asynchronous call's round trip through the
  // thread pool cost more than the read (2-3.5 ms of a 9 ms warm preview rebuild).
  let real: string;
  try {
    real = realpathSync(file);
    const content = realpathSync(path.join(root, 'content'));
    if (!real.startsWith(content + path.sep)) return { state: 'outside' };
  } catch {
    return { state: 'absent' };
  }
  let source: ImageSource;
  try {
    source = await readImage(real, cache);
  } catch {
    return { state: 'absent' };
  }
  return { state: cache?.hashOf(real) ?? contentHash(source.data), source };
}

/** The email copy of an image at a width, made once per content hash and width in a cache. */
async function emailCopy(
  source: ImageSource,
  rel: string,
  facts: ImageFacts,
  displayWidth: number,
  cache?: BuildCache,
): Promise<Copy> {
  const width = Math.min(facts.width, displayWidth * 2);
  const make = () =>
    storedCopy(source, stemOf(rel), width, cache, () => encodeCopy(source.data, rel, facts, width, cache));
  // One table per width: the same image shown at two widths (a feature and a teaser, an issue
  // and the article's page) kept only the last one and re-encoded both on every rebuild.
  const image = await (cache ? cache.derive(`email-copy@${width}`, source, '', make) : make());
  cache?.emailImages.set(image.path, image.contents);
  return image;
}

async function encodeCopy(
  data: Buffer,
  rel: string,
  facts: ImageFacts,
  width: number,
  cache?: BuildCache,
): Promise<Copy> {
  if (cache) cache.stats.imageEncodes++;
  // JPEG stays JPEG; anything with transparency becomes PNG; every other format (WebP, AVIF,
  // HEIC, GIF's first frame, TIFF) becomes JPEG. sharp writes no metadata unless asked to.
  const asPng = facts.format === 'png' ? true : facts.format === 'jpeg' ? false : facts.hasAlpha;
  const sharp = await loadSharp();
  const pipeline = sharp(data).rotate().resize({ width, withoutEnlargement: true });
  const encoded = asPng
    ? await pipeline
        .png({ compressionLevel: 9, palette: true, quality: 90, effort: 4 })
        .toBuffer({ resolveWithObject: true })
    : await pipeline
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80, mozjpeg: true, progressive: true })
        .toBuffer({ resolveWithObject: true });
  const hash = createHash('sha256').update(encoded.data).digest('hex').slice(0, 12);
  const image = {
    path: `${EMAIL_IMAGE_DIR}/${stemOf(rel)}-${hash}.${asPng ? 'png' : 'jpg'}`,
    contents: encoded.data,
    pixels: { width: encoded.info.width, height: encoded.info.height },
    before: facts.bytes,
    after: encoded.data.length,
  };
  return image;
}

/** The copy's name before its hash: the source's file name, safe for a URL. */
function stemOf(rel: string): string {
  return (
    path.posix
      .basename(rel)
      .replace(/\.[^.]+$/, '')
      .replace(/[^\w-]+/g, '-') || 'image'
  );
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  if (!m) return undefined;
  return (m[2] ?? m[3] ?? m[4] ?? '').replaceAll('&amp;', '&');
}

function setAttr(tag: string, name: string, value: string): string {
  const re = new RegExp(`(\\s${name}\\s*=\\s*)("[^"]*"|'[^']*'|[^\\s>]+)`, 'i');
  const v = `"${value.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"`;
  if (re.test(tag)) return tag.replace(re, (_all, pre: string) => `${pre}${v}`);
  return tag.replace(/^<img\b/i, () => `<img ${name}=${v}`);
}

/** A URL path under publication.url as a relative file path, or undefined if it could climb out. */
function safeRel(urlPath: string): string | undefined {
  const clean = urlPath.split(/[?#]/)[0]!;
  let segs: string[];
  try {
    segs = clean.split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segs.some((s) => !s || s.startsWith('.') || /[\\\0]/.test(s))) return undefined;
  return segs.join('/');
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(0)} KB`;
}
