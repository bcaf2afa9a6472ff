import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/pipeline/build.js';
import { buildSite, sampleRoot } from '../helpers/site.js';

const GPS_IFD_TAG = Buffer.from([0x25, 0x88]); // 0x8825, little-endian as sharp writes EXIF

let root: string;
let cleanup: () => Promise<void>;
let photoBytes: number;

beforeAll(async () => {
  ({ root, cleanup } = await sampleRoot());
  // A phone photo: 4000 px wide, high quality, camera and GPS in its EXIF.
  const photo = await sharp({
    create: {
      width: 4000,
      height: 3000,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 120, sigma: 50 },
    },
  })
    .jpeg({ quality: 95 })
    .withExif({
      IFD0: { Make: 'PhoneCo', Model: 'X1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '24/1 31/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '54/1 26/1 0/1' },
    })
    .toBuffer();
  photoBytes = photo.length;
  expect((await sharp(photo).metadata()).exif?.includes(GPS_IFD_TAG)).toBe(true);
  await writeFile(path.join(root, 'content/assets/phone-photo.jpg'), photo);
  // Its dark-mode version (image.dark): the same photo darker, with the same EXIF and GPS.
  await writeFile(
    path.join(root, 'content/assets/phone-photo-night.jpg'),
    await sharp(photo)
      .modulate({ brightness: 0.4 })
      .withExif({ IFD0: { Make: 'PhoneCo' } })
      .jpeg()
      .toBuffer(),
  );
  const article = path.join(root, 'content/articles/finals-week-slow-down.md');
  const text = await readFile(article, 'utf8');
  await writeFile(
    article,
    text.replace(
      /^title:/m,
      'image:\n  src: assets/phone-photo.jpg\n  dark: assets/phone-photo-night.jpg\n  alt: The library at night\ntitle:',
    ),
  );
  await buildSite(root);
}, 120_000);
afterAll(() => cleanup());

const dist = (p: string) => path.join(root, 'dist', p);

describe('email images', () => {
  it('a phone photo goes out resized to twice its display width, as JPEG, without EXIF or GPS, under a hashed name', async () => {
    const html = await readFile(dist('weekly-digest-2025-11-21/email.html'), 'utf8');
    const tag = /<img\b[^>]*phone-photo[^>]*>/.exec(html)?.[0];
    expect(tag).toBeDefined();
    const src = /src="https:\/\/www\.thegazelle\.org\/(assets\/email\/phone-photo-[0-9a-f]{12}\.jpg)"/.exec(tag!)?.[1];
    expect(src, tag).toBeDefined();
    const width = Number(/\swidth="(\d+)"/.exec(tag!)?.[1]);
    const height = Number(/\sheight="(\d+)"/.exec(tag!)?.[1]);
    expect(width).toBeGreaterThan(0);
    expect(height).toBe(Math.round((width * 3000) / 4000));
    const copy = await readFile(dist(src!));
    const meta = await sharp(copy).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(width * 2);
    expect(meta.exif).toBeUndefined(); // no EXIF at all: no camera, no GPS
    expect(copy.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect(copy.length).toBeLessThan(photoBytes / 4);
    // The web version shows the same copy.
    expect(await readFile(dist('weekly-digest-2025-11-21/web.html'), 'utf8')).toContain(src);
  });

  it('the sample images shrink and stay PNG; the issue records before and after bytes', async () => {
    const summary = JSON.parse(await readFile(dist('kazakhstan-abraham-accords/issue.json'), 'utf8')) as {
      images: { source: string; path: string; before: number; after: number }[];
    };
    expect(summary.images.length).toBeGreaterThan(0);
    for (const i of summary.images) {
      if (!i.source.endsWith('.png')) continue;
      expect(i.path).toMatch(/\.png$/);
      expect(i.after, i.source).toBeLessThan(i.before);
      expect((await stat(dist(i.path))).size).toBe(i.after);
    }
    const files = await readdir(dist('assets/email'));
    expect(files.some((f) => /\.(webp|avif)$/.test(f))).toBe(false);
  });

  it('image.dark: the light image by default, the dark one hidden inline and swapped in under prefers-color-scheme: dark', async () => {
    const html = await readFile(dist('weekly-digest-2025-11-21/email.html'), 'utf8');
    const light = /<td[^>]*class="gz-img-light"[^>]*>[\s\S]*?<img\b[^>]*src="([^"]+)"/.exec(html);
    expect(light?.[1]).toMatch(/\/assets\/email\/phone-photo-[0-9a-f]{12}\.jpg$/);
    const dark =
      /<div class="gz-img-d" style="display:none;mso-hide:all;max-height:0;overflow:hidden">[\s\S]*?(<img\b[^>]*>)/.exec(
        html,
      );
    expect(dark, 'the dark image, hidden by default').not.toBeNull();
    const darkSrc = /src="https:\/\/www\.thegazelle\.org\/(assets\/email\/phone-photo-night-[0-9a-f]{12}\.jpg)"/.exec(
      dark![1]!,
    )?.[1];
    expect(darkSrc, dark![1]).toBeDefined();
    expect(html.indexOf(light![1]!)).toBeLessThan(html.indexOf(darkSrc!)); // the light one comes first
    // The swap, in the dark-mode rules of the head.
    const media = /@media \(prefers-color-scheme: dark\) \{[\s\S]*?\n\s*\}\s*\n/.exec(html)?.[0] ?? '';
    expect(media).toMatch(/\.gz-img-light \{ display: none !important; \}/);
    expect(media).toMatch(/\.gz-img-dark \.gz-img-d \{ display: block !important;/);
    // Through the same pipeline as the light image: twice the display width, no EXIF.
    const copy = await readFile(dist(darkSrc!));
    const meta = await sharp(copy).metadata();
    expect(meta.width).toBe(Number(/\swidth="(\d+)"/.exec(dark![1]!)?.[1]) * 2);
    expect(meta.exif).toBeUndefined();
    expect(copy.includes(Buffer.from('PhoneCo'))).toBe(false);
    // An issue without dark images carries no swap rules.
    expect(await readFile(dist('kazakhstan-abraham-accords/email.html'), 'utf8')).not.toContain('gz-img-light');
  });

  it('an issue over its image budget gets a finding', async () => {
    const big = await sharp({
      create: {
        width: 1200,
        height: 1200,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 120 },
      },
    })
      .png({ compressionLevel: 0 })
      .toBuffer();
    for (const n of [1, 2, 3, 4]) await writeFile(path.join(root, `content/assets/noise-${n}.jpg`), big);
    const article = path.join(root, 'content/articles/kazakhstan-joins-abraham-accords.md');
    const text = await readFile(article, 'utf8');
    await writeFile(
      article,
      `${text}\n\n${[1, 2, 3, 4].map((n) => `![noise ${n}](assets/noise-${n}.jpg)`).join('\n\n')}\n`,
    );
    const result = await buildIssue({ root, issue: 'kazakhstan-abraham-accords' });
    const found = result.diagnostics.filter((d) => d.code === 'image/weight-budget');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/noise-\d\.jpg/);
  });
});
