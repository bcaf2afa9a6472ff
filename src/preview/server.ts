import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { buildIssue } from '../pipeline/build.js';
import { formatDiagnostic } from '../util/errors.js';
import { SLUG_RULE } from '../scaffold/slug.js';
import { previewAccess } from './access.js';
import { emptyMergeTags } from './empty-tags.js';
import { emulateScheme, framed, rewriteAssetUrls, textPage } from './frame.js';
import { inboxSnippet } from './inbox.js';
import { listen } from './listen.js';
import { indexPage, issuePage } from './pages.js';
import { decodeSegment, newNonce, notFound, pageHeaders, reply } from './reply.js';
import { emlRoute, sendTestRoute, smtpConfigured, type SendTestContext } from './send-test-route.js';
import { SITE_PREFIX, siteRoute } from './site-route.js';
import { PreviewSession, type BuildEvent } from './session.js';
import { rebuildLines } from './summary.js';
import { contentType, readInside } from './static.js';
import { SAMPLE_SUBSCRIBER, subscriberStats, type PreviewSubscriber } from './subscribers.js';
import { viewer } from './viewer.js';
import { watchRoot, type RootWatcher } from './watch.js';

/** For content-hashed files: the same name is always the same bytes. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

const TEXT = 'text/plain; charset=utf-8';

export interface PreviewOptions {
  root: string;
  /** Default 127.0.0.1. Anything else exposes unsent issues to the network: opt-in only. */
  host?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** How many following ports to try when the port is taken (default 20). */
  portTries?: number;
  /** Rows offered in "View as" (from --subscribers). */
  subscribers?: PreviewSubscriber[];
  /** Watch content/ and templates/ and push reloads (default true; screenshots turn it off). */
  watch?: boolean;
  log?: (line: string) => void;
  /** Log every information note after each build, not one line per code (`--verbose`). */
  verbose?: boolean;
  /** SMTP_URL and GAZETTE_SECRET come from here merged with <root>/.env (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface PreviewServer {
  url: string;
  port: number;
  session: PreviewSession;
  close(): Promise<void>;
}

/** Starts the live preview: builds once, then serves and rebuilds on every change. */
export async function startPreview(options: PreviewOptions): Promise<PreviewServer> {
  const root = path.resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const subscribers = options.subscribers ?? [];
  const session = new PreviewSession(root, { subscribers: subscriberStats(subscribers) });
  const clients = new Set<ServerResponse>();

  const logState = { verbose: options.verbose };
  session.on('build', (e: BuildEvent) => {
    for (const line of rebuildLines(session, e, logState)) log(line);
    const frame = `event: build\ndata: ${JSON.stringify(e)}\n\n`;
    for (const c of clients) c.write(frame);
  });
  await session.rebuild();
  const watcher: RootWatcher | undefined =
    options.watch === false ? undefined : watchRoot(root, () => void session.rebuild(), 20);
  await watcher?.ready;

  const access = previewAccess(host);
  const looks = viewer(root, subscribers, options.env);
  const { pageState, subscriberFor, personalize } = looks;
  const sendContext: SendTestContext = { root, env: options.env, session, viewer: looks, access, log };
  const site = siteRoute(root, session);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`error serving ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      if (!res.headersSent) reply(res, 500, TEXT, 'Internal error in the preview server; see its console.');
      else res.end();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding and other machines: Host check on loopback, the per-run token elsewhere.
    const verdict = access.check(req);
    if (!verdict.ok) {
      if (verdict.status === 303)
        return reply(res, 303, TEXT, '', {
          location: verdict.location,
          'set-cookie': verdict.cookie,
          'cache-control': 'no-store',
        });
      return reply(res, 403, TEXT, verdict.message);
    }
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) return notFound(res);
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    // Segments stay percent-encoded until each is checked on its own, so `..%2f` is never a path.
    const segs = pathname.split('/').slice(1);
    const method = req.method ?? 'GET';
    const isPost = method === 'POST' && segs[0] === 'issues' && segs[2] === 'send-test' && segs.length === 3;
    if (!isPost && method !== 'GET' && method !== 'HEAD')
      return reply(res, 405, TEXT, 'Method not allowed', { allow: 'GET, HEAD' });

    if (pathname === '/') return indexRoute(res);
    if (segs[0] === 'archive') return site(res, segs.slice(1));
    if (pathname === '/feed.xml') return reply(res, 301, TEXT, '', { location: `${SITE_PREFIX}feed.xml` });
    if (pathname === '/events') return eventsRoute(req, res);
    if (segs[0] === 'assets' && segs[1] === 'email' && segs.length === 3) {
      // The email copies of images, made by the last build in this process. Their names carry the
      // hash of their bytes, so the browser keeps them: a save reloads the frames, not the images.
      const copy = session.cache.emailImages.get(`assets/email/${segs[2]}`);
      if (copy) return reply(res, 200, contentType(segs[2]!), copy, { 'cache-control': IMMUTABLE });
    }
    if (segs[0] === 'assets') {
      const file = await readInside(path.join(root, 'content', 'assets'), segs.slice(1));
      if (!file) return notFound(res);
      // Frames reload on every save; revalidating images (304) keeps that fast.
      const etag = `"${file.size.toString(36)}-${Math.round(file.mtimeMs).toString(36)}"`;
      if (req.headers['if-none-match'] === etag)
        return reply(res, 304, contentType(file.file), '', { etag, 'cache-control': 'no-cache' });
      return reply(res, 200, contentType(file.file), file.body, { etag, 'cache-control': 'no-cache' });
    }
    if (segs[0] !== 'issues' || segs.length < 2) return notFound(res);
    const slug = decodeSegment(segs[1]!);
    if (!slug || !SLUG_RULE.test(slug)) return notFound(res);
    const rest = segs.slice(2).join('/');
    if (segs.length === 2)
      return session.view(slug)
        ? reply(res, 301, TEXT, '', { location: `/issues/${encodeURIComponent(slug)}/` })
        : notFound(res);
    switch (rest) {
      case '':
        return pageRoute(res, slug, query);
      case 'frame':
        return frameRoute(res, slug, query);
      case 'email.html':
      case 'email.txt':
      case 'web.html':
        return rawRoute(res, slug, rest);
      case 'test.eml':
        return emlRoute(sendContext, res, slug, query);
      case 'send-test':
        return isPost
          ? sendTestRoute(sendContext, req, res, slug)
          : reply(res, 405, TEXT, 'Use POST', { allow: 'POST' });
      default:
        return notFound(res);
    }
  }

  async function indexRoute(res: ServerResponse): Promise<void> {
    await session.settled();
    const content = session.result.content;
    const rows = session
      .slugs()
      .map((slug) => ({ slug, view: session.view(slug), source: content?.issues.find((i) => i.slug === slug) }));
    const globalDiagnostics = content ? session.result.diagnostics.filter((d) => !d.issue) : session.result.diagnostics;
    const nonce = newNonce();
    const name = content?.publication.name ?? session.view(rows[0]?.slug ?? '')?.publication?.name;
    reply(
      res,
      200,
      'text/html; charset=utf-8',
      indexPage({ publicationName: name, rows, globalDiagnostics, version: session.version, nonce }),
      pageHeaders(nonce),
    );
  }

  function eventsRoute(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 500\nevent: hello\ndata: ${JSON.stringify({ version: session.version })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  }

  async function pageRoute(res: ServerResponse, slug: string, query: URLSearchParams): Promise<void> {
    await session.settled();
    const view = session.view(slug);
    if (!view) return notFound(res);
    const state = pageState(query);
    const r = view.rendered;
    const nonce = newNonce();
    const html = issuePage({
      view: r ? { ...view, diagnostics: [...view.diagnostics, ...emptyMergeTags(r, subscriberFor(state.sub))] } : view,
      state,
      version: session.version,
      nonce,
      subscribers: [
        ['sample', SAMPLE_SUBSCRIBER.label],
        ['raw', 'Merge tags, unfilled'],
        ...subscribers.map((s, i): [string, string] => [String(i), s.label]),
      ],
      snippet: r ? inboxSnippet(personalize(r, state.sub === 'raw' ? 'sample' : state.sub, 'html')) : '',
      smtpConfigured: smtpConfigured(root, options.env),
      buildMs: session.lastBuildMs,
    });
    reply(res, 200, 'text/html; charset=utf-8', html, pageHeaders(nonce));
  }

  async function frameRoute(res: ServerResponse, slug: string, query: URLSearchParams): Promise<void> {
    await session.settled();
    const view = session.view(slug);
    if (!view) return notFound(res);
    const state = pageState(query);
    const part = query.get('part') ?? 'html';
    const r = view.rendered;
    let body: string;
    if (!r)
      body = textPage(
        'Nothing to show yet: this issue has errors (listed beside this frame).\nThe preview updates by itself when they are fixed.',
        state.scheme,
      );
    else if (part === 'text') body = textPage(personalize(r, state.sub, 'text'), state.scheme);
    else {
      const html = part === 'web' ? r.webHtml : personalize(r, state.sub, 'html');
      body = framed(emulateScheme(rewriteAssetUrls(html, r.issue.publication.url), state.scheme));
    }
    reply(res, 200, 'text/html; charset=utf-8', body, {
      'content-security-policy':
        "default-src 'none'; img-src 'self' data: https: http:; style-src 'unsafe-inline' https:; font-src 'self' data: https:; form-action 'none'; frame-ancestors 'self'",
    });
  }

  /** The outputs exactly as `gazette build` writes them, built afresh for this request. */
  async function rawRoute(
    res: ServerResponse,
    slug: string,
    file: 'email.html' | 'email.txt' | 'web.html',
  ): Promise<void> {
    const result = await buildIssue({ root, issue: slug, cache: session.cache });
    const r = result.issues[0];
    if (!r) {
      if (result.diagnostics.some((d) => d.code === 'build/unknown-issue')) return notFound(res);
      const lines = result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      return reply(res, 500, TEXT, `The issue "${slug}" does not build:\n\n${lines.join('\n')}\n`);
    }
    if (file === 'email.txt') return reply(res, 200, TEXT, r.text);
    if (file === 'web.html' && !r.webHtml) return notFound(res);
    reply(res, 200, 'text/html; charset=utf-8', file === 'web.html' ? r.webHtml : r.html, {
      'content-security-policy': "script-src 'none'; frame-ancestors 'self'",
    });
  }

  const port = await listen(server, host, options.port ?? 3000, options.portTries ?? 20);
  access.setPort(port);
  const heartbeat = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 15_000);
  heartbeat.unref();
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/${access.token ? `?token=${access.token}` : ''}`,
    port,
    session,
    async close() {
      await watcher?.close();
      clearInterval(heartbeat);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await session.settled();
    },
  };
}
