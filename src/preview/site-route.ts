import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { siteFiles } from '../output/site.js';
import { decodeSegments } from '../server/paths.js';
import { rewriteAssetUrls } from './frame.js';
import { notFound, reply } from './reply.js';
import type { PreviewSession } from './session.js';
import { contentType, readInside } from './static.js';

/** Where the preview shows the public site of the root: the archive, the feed, the web pages. */
export const SITE_PREFIX = '/archive/';
const TEXT = 'text/plain; charset=utf-8';

/**
 * `/archive/...`: the site `gazette build` would write (index.html, feed.xml, issues/<slug>/,
 * articles/<slug>/), made from the preview's last build, so the archive and the feed can be
 * looked at before publishing. Relative links inside it keep working under the prefix.
 */
export function siteRoute(root: string, session: PreviewSession) {
  let cache: { version: number; files: Map<string, string | Uint8Array> } | undefined;

  async function files(): Promise<Map<string, string | Uint8Array> | undefined> {
    const content = session.result.content;
    if (!content) return undefined;
    if (cache?.version !== session.version) {
      const list = await siteFiles(content, session.result.issues);
      cache = { version: session.version, files: new Map(list.map((f) => [f.path, f.contents])) };
    }
    return cache.files;
  }

  /** `encoded`: the URL path segments after /archive, still percent-encoded ('' after a final slash). */
  return async function serveSite(res: ServerResponse, encoded: readonly string[]): Promise<void> {
    if (!encoded.length) return reply(res, 301, TEXT, '', { location: SITE_PREFIX });
    await session.settled();
    // A folder is its index.html, as on a static host.
    const trailing = encoded.at(-1) === '';
    const names = trailing ? encoded.slice(0, -1) : encoded;
    const parts = names.length ? decodeSegments(names) : [];
    if (!parts) return notFound(res);
    if (parts[0] === 'assets') {
      const file = await readInside(path.join(root, 'content', 'assets'), names.slice(1));
      return file ? reply(res, 200, contentType(file.file), file.body, { 'cache-control': 'no-cache' }) : notFound(res);
    }
    const site = await files();
    if (!site)
      return reply(
        res,
        503,
        TEXT,
        'The archive and the feed are made from a build without errors: fix the errors listed on / first.\n',
      );
    const rel = [...parts, ...(trailing ? ['index.html'] : [])].join('/');
    const body = site.get(rel);
    if (body === undefined)
      return site.has(`${rel}/index.html`)
        ? reply(res, 301, TEXT, '', { location: `${SITE_PREFIX}${names.join('/')}/` })
        : notFound(res);
    // feed.xml as XML a browser shows (application/atom+xml is often downloaded instead).
    const type = rel.endsWith('.xml') ? 'application/xml; charset=utf-8' : contentType(rel);
    const { url } = session.result.content!.publication;
    // Images of the public site load from the preview (content/assets and the email copies).
    const out =
      typeof body === 'string'
        ? type.startsWith('text/html')
          ? rewriteAssetUrls(body, url)
          : body
        : Buffer.from(body);
    reply(res, 200, type, out, { 'content-security-policy': "script-src 'none'; frame-ancestors 'self'" });
  };
}
