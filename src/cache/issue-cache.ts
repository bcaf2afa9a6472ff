import path from 'node:path';
import { type ImageInput, localImage } from '../images/email.js';
import { compileFill } from '../render/merge.js';
import type { TemplateFile } from '../render/theme-files.js';
import type { Content, Diagnostic, EmailImage, IssueSource, RenderedIssue } from '../types.js';
import { type BuildCache, contentHash } from './build-cache.js';
import type { PersistentCache } from './persistent.js';

/** One issue rendered, before its checks run (their findings are stored apart: see checksKey). */
export type RenderedPart = Omit<RenderedIssue, 'diagnostics'>;

export interface RenderOutcome {
  rendered?: RenderedPart;
  /** Findings of compose, template, MJML and images (with `issue` set). */
  diagnostics: Diagnostic[];
  /** The local image paths the email names and what was there (see EmailImagesResult.inputs). */
  inputs: ImageInput[];
}

/** The rendered texts, stored as raw bytes beside the entry's JSON (PersistentCache.putWithTexts), in this order. */
const TEXTS = ['mjml', 'html', 'text', 'webHtml'] as const;

interface Entry {
  /** Images by the hash of their bytes, stored apart (PersistentCache.putBlob). */
  rendered: Omit<RenderedPart, 'fill' | 'images' | (typeof TEXTS)[number]> & {
    images: (Omit<EmailImage, 'contents'> & { blob: string })[];
  };
  diagnostics: Diagnostic[];
  inputs: ImageInput[];
}

/**
 * The key of one issue's entry: the hash of every input it is rendered from. The tool stamp
 * (Gazette's, Node's and the rendering libraries' versions), the content hashes of
 * publication.yml, the issue file and each article it carries, and their parsed values (which
 * also covers the synthetic sources of the article pages), and every theme file (built-in and the
 * root's overrides, name and content). Local images are not known before rendering: the entry
 * lists them and `replay` checks each one (see there).
 */
export function issueKey(
  persistent: PersistentCache,
  cache: BuildCache,
  content: Content,
  source: IssueSource,
  templates: TemplateFile[],
): string {
  const hashOf = (file: string) => cache.hashOf(path.join(content.root, ...file.split('/'))) ?? null;
  const articles = source.articles.map((slug) => {
    const a = content.articles.get(slug);
    return a ? [a, hashOf(a.file)] : [slug, null];
  });
  return contentHash(
    JSON.stringify({
      stamp: persistent.stamp,
      publication: [content.publication, hashOf(content.publication.file)],
      source: [source, hashOf(source.file)],
      articles,
      templates: templates.map((t) => [t.name, t.file, contentHash(t.source)]),
    }),
  );
}

/**
 * The key of the check findings of the render stored under `key`, with what else they read. The
 * render is made from `key`'s inputs and the local images it names (`inputs`, which `key` does
 * not cover): an image replaced or fixed re-renders the email (new width, src), so its findings
 * must not be the ones of the render before.
 */
export function checksKey(key: string, checkId: string, inputs: ImageInput[]): string {
  return contentHash(`checks ${key} ${checkId} ${JSON.stringify(inputs)}`);
}

/** The entry of `key` as a render, when it is whole and every image it names is unchanged. */
export async function replay(
  persistent: PersistentCache,
  key: string,
  content: Content,
  cache: BuildCache,
): Promise<RenderOutcome | undefined> {
  const stored = persistent.getWithTexts(key);
  if (stored?.texts.length !== TEXTS.length) return undefined;
  const entry = stored.value as Entry | undefined;
  if (!entry?.rendered || !Array.isArray(entry.inputs) || !Array.isArray(entry.diagnostics)) return undefined;
  const [mjml, html, text, webHtml] = stored.texts as [string, string, string, string];
  if (!Array.isArray(entry.rendered.images) || entry.rendered.images.some((i) => typeof i.blob !== 'string'))
    return undefined;
  for (const input of entry.inputs)
    if ((await localImage(content.root, input.rel, cache)).state !== input.state) return undefined;
  const { rendered } = entry;
  const images: EmailImage[] = [];
  for (const { blob, ...image } of rendered.images) {
    // Read once per build however many issues show it (the BuildCache keeps the last 200 blobs).
    const contents = await cache.textAsync('blob', blob, 200, () => persistent.getBlob(blob));
    if (!contents) return undefined;
    images.push({ ...image, contents });
    cache.emailImages.set(image.path, contents);
  }
  return {
    rendered: {
      ...rendered,
      mjml,
      html,
      text,
      webHtml,
      // The same publication object as the rest of the build (its hash is part of the key).
      issue: { ...rendered.issue, publication: content.publication },
      fill: { html: compileFill(html, 'html'), text: compileFill(text, 'text') },
      images,
    },
    diagnostics: entry.diagnostics,
    inputs: entry.inputs,
  };
}

/** Stores a render under `key` (nothing for a render that failed: it is made again next time). */
export async function record(persistent: PersistentCache, key: string, outcome: RenderOutcome): Promise<void> {
  if (!outcome.rendered) return;
  const { fill: _fill, images, mjml, html, text, webHtml, ...rest } = outcome.rendered;
  const stored: Entry['rendered']['images'] = [];
  for (const { contents, ...image } of images ?? [])
    stored.push({ ...image, blob: await persistent.putBlob(contents) });
  const entry: Entry = {
    rendered: { ...rest, images: stored },
    diagnostics: outcome.diagnostics,
    inputs: outcome.inputs,
  };
  await persistent.putWithTexts(key, entry, [mjml, html, text, webHtml]);
}
