import type { IncomingMessage, ServerResponse } from 'node:http';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { isSenderOnly } from '../output/public.js';
import { loadEnv } from '../util/env.js';
import { DiagnosticsError } from '../util/errors.js';
import { loadPublication } from '../load/index.js';
import { openDatabase } from '../store/db.js';
import { SuppressionList } from '../store/suppression.js';
import { checkSecret } from '../util/secret.js';
import { secretFromEnv } from '../util/token.js';
import type { Publication } from '../types.js';
import { methodNotAllowed, send } from './http.js';
import { page } from './pages.js';
import { resolveStatic, sendFile } from './static.js';
import { handleUnsubscribe } from './unsubscribe.js';
import { databaseUrl, openSubscriberStores, type SubscriberStores } from '../store/subscriber-store.js';
import { smtpTransport, type Transport } from '../send/transport.js';
import { handleConfirm } from './confirm.js';
import { BuildCache } from '../cache/build-cache.js';
import { handleSubscribe, type Limits, type SubscribeOptions } from './subscribe.js';
import { PROVIDERS, type WebhookConfig, webhookConfigFromEnv, webhookHandler } from './webhooks.js';

export interface GazetteHandlerOptions {
  /** Folder holding content/; the suppression list is <root>/.gazette/journal.sqlite. */
  root: string;
  /** The built site (default <root>/dist). */
  dist?: string;
  /** Key of the unsubscribe tokens (default: GAZETTE_SECRET from the env or <root>/.env); held to the secret policy. */
  secret?: string;
  /** Publication settings (default: read from <root>/content). */
  publication?: Publication;
  /** Largest accepted request body, bytes (default 4096). */
  bodyLimit?: number;
  /** Give up on a request body after this long, ms (default 10000). */
  bodyTimeoutMs?: number;
  /** Where unsubscribes are reported (addresses masked). Default: nowhere. */
  log?: (line: string) => void;
  /** Sends the sign-up confirmations (default: SMTP_URL from the env or <root>/.env). */
  transport?: Transport;
  /** The subscriber store's database (default: GAZETTE_DATABASE_URL, else SQLite in <root>/.gazette/). */
  database?: string;
  /** Behind your own reverse proxy: take the client IP from X-Forwarded-For (default false). */
  trustProxy?: boolean;
  /** Other origins whose pages may post the sign-up form (the publication's and this server's always may). */
  subscribeOrigins?: string[];
  /** Confirmation links live this long, ms (default 48 h). */
  confirmTtlMs?: number;
  /** Rate limits (tests and benchmarks replace them). */
  limits?: Limits;
  /** Provider webhooks at <base>/webhooks/ses|postmark|mailgun|resend (default: their secrets from the env or <root>/.env). */
  webhooks?: WebhookConfig;
}

export interface GazetteHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The path the unsubscribe endpoint answers on (from publication.unsubscribeUrl). */
  readonly unsubscribePath: string;
  /** The path sign-ups are posted to (from publication.subscribeUrl), if any. */
  readonly subscribePath?: string;
  /** The provider webhooks configured, as paths (`/webhooks/ses`, ...). */
  readonly webhookPaths: string[];
  /** Resolves when the sign-ups answered so far have been stored and mailed. */
  settled(): Promise<void>;
  /** Closes the database. */
  close(): void;
}

/**
 * A Node `(req, res)` handler: the built archive, web versions and feed from dist/, and the
 * one-click unsubscribe endpoint at the path of `publication.unsubscribeUrl`. `gazette serve`
 * runs it; a publication can also mount it in its own `http` server (see README).
 * Paths are accepted with or without the base path of `publication.url`, so a reverse proxy may
 * forward them either way.
 */
export async function createGazetteHandler(options: GazetteHandlerOptions): Promise<GazetteHandler> {
  const root = path.resolve(options.root);
  const dist = path.resolve(root, options.dist ?? 'dist');
  // The same policy as the CLI's: an empty or guessable secret lets anyone forge tokens.
  const secret = options.secret === undefined ? secretFromEnv(loadEnv(root)) : checkSecret(options.secret, 'secret');
  const publication = options.publication ?? publicationOf(root);
  const basePath = new URL(publication.url).pathname.replace(/\/+$/, '');
  const unsubscribePath = new URL(publication.unsubscribeUrl).pathname.replace(/(.)\/+$/, '$1');
  const unsubscribePaths = new Set([unsubscribePath]);
  if (basePath && unsubscribePath.startsWith(basePath + '/'))
    unsubscribePaths.add(unsubscribePath.slice(basePath.length));

  const db = openDatabase(root);
  const unsubscribe = {
    publication,
    secret,
    suppressions: new SuppressionList(db),
    bodyLimit: options.bodyLimit ?? 4096,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000,
    log: options.log ?? (() => {}),
  };

  const env = loadEnv(root);
  const stores = await openSubscriberStores({ root, url: databaseUrl(options.database, env) });
  const unsubscribeWithStore = { ...unsubscribe, subscribers: stores.subscribers };
  const subscribe = publication.subscribeUrl
    ? subscribeOptions(root, publication, secret, env, stores, options, unsubscribe.log)
    : undefined;
  const webhooks = webhookHandler(
    { ...webhookConfigFromEnv(env), ...options.webhooks },
    { stores, secret, log: unsubscribe.log },
  );
  const subscribePaths = new Set<string>();
  const confirmPaths = new Set<string>();
  let subscribePath: string | undefined;
  if (subscribe) {
    subscribePath = new URL(publication.subscribeUrl!).pathname.replace(/(.)\/+$/, '$1');
    for (const p of [
      subscribePath,
      basePath && subscribePath.startsWith(basePath + '/') ? subscribePath.slice(basePath.length) : '',
    ]) {
      if (!p) continue;
      subscribePaths.add(p);
      confirmPaths.add(`${p.replace(/\/$/, '')}/confirm`);
    }
  }

  const notFound = (req: IncomingMessage, res: ServerResponse) =>
    send(req, res, {
      status: 404,
      body: page({ publication, title: 'Page not found', body: [`<a href="${basePath}/">All issues</a>`] }),
    });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url ?? '/');
    if (!url) return send(req, res, { status: 400, body: 'Bad request\n', type: 'text/plain; charset=utf-8' });
    const pathname = url.pathname.replace(/(.)\/+$/, '$1');
    if (unsubscribePaths.has(pathname)) return handleUnsubscribe(req, res, url, unsubscribeWithStore);
    if (subscribe && subscribePaths.has(pathname)) return handleSubscribe(req, res, subscribe);
    if (subscribe && confirmPaths.has(pathname)) return handleConfirm(req, res, url, subscribe);
    const hook = /^(.*)\/webhooks\/([a-z]+)$/.exec(pathname);
    if (hook && (hook[1] === '' || hook[1] === basePath) && webhooks.has(hook[2]!))
      return webhooks.handle(req, res, hook[2]);
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req, res, 'GET, HEAD');
    let local = url.pathname;
    if (basePath && (local === basePath || local.startsWith(basePath + '/')))
      local = local.slice(basePath.length) || '/';
    const target = await resolveStatic(dist, local);
    if (!target) return notFound(req, res);
    // email.html (merge tags), email.txt, issue.json (diagnostics, paths) and screenshots are for
    // the sender: same 404 as a missing file, so their existence is not revealed either.
    if (
      target.kind === 'file' &&
      isSenderOnly(
        path
          .relative(await realpath(dist), target.file)
          .split(path.sep)
          .join('/'),
      )
    )
      return notFound(req, res);
    if (target.kind === 'redirect')
      return send(req, res, { status: 301, body: '', headers: { Location: target.location } });
    sendFile(req, res, target);
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      unsubscribe.log(`error: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent)
        send(req, res, { status: 500, body: 'Internal error\n', type: 'text/plain; charset=utf-8' });
      else res.destroy();
    });
  }) as GazetteHandler;
  Object.defineProperty(handler, 'unsubscribePath', { value: unsubscribePath });
  Object.defineProperty(handler, 'subscribePath', { value: subscribePath });
  Object.defineProperty(handler, 'webhookPaths', {
    value: PROVIDERS.filter((p) => webhooks.has(p)).map((p) => `${basePath}/webhooks/${p}`),
  });
  handler.settled = async () => {
    while (subscribe?.pending.size) await Promise.allSettled([...subscribe.pending]);
  };
  handler.close = () => {
    db.close();
    void handler.settled().then(async () => {
      await stores.close();
      await subscribe?.closeTransport();
    });
  };
  return handler;
}

/** The request target as a URL; origin-form only (`/path?query`), as servers behind a proxy get. */
function requestUrl(target: string): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  try {
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

/** Only publication.yml: a broken article must not keep the unsubscribe endpoint down. */
function publicationOf(root: string): Publication {
  const { publication, diagnostics } = loadPublication(root);
  if (!publication)
    throw new DiagnosticsError(`cannot read the publication settings in ${path.join(root, 'content')}`, diagnostics);
  return publication;
}

function subscribeOptions(
  root: string,
  publication: Publication,
  secret: string,
  env: NodeJS.ProcessEnv,
  stores: SubscriberStores,
  options: GazetteHandlerOptions,
  log: (line: string) => void,
): SubscribeOptions & { pending: Set<Promise<unknown>>; closeTransport(): Promise<void> } {
  let transport = options.transport;
  const pending = new Set<Promise<unknown>>();
  const subscribeUrl = new URL(publication.subscribeUrl!);
  const confirmUrl = new URL(subscribeUrl.href);
  confirmUrl.pathname = `${confirmUrl.pathname.replace(/\/+$/, '')}/confirm`;
  return {
    root,
    publication,
    secret,
    stores,
    pending,
    transport: () => {
      // Created on the first sign-up: serving the archive needs no SMTP.
      if (!transport && env.SMTP_URL) transport = smtpTransport({ url: env.SMTP_URL, concurrency: 1 });
      return transport;
    },
    closeTransport: async () => {
      if (transport && transport !== options.transport) await transport.close();
    },
    confirmUrl: confirmUrl.href,
    bodyLimit: options.bodyLimit ?? 4096,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000,
    log,
    trustProxy: options.trustProxy ?? false,
    origins: new Set([new URL(publication.url).origin, subscribeUrl.origin, ...(options.subscribeOrigins ?? [])]),
    track: (p) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    },
    ttlMs: options.confirmTtlMs,
    limits: options.limits,
    cache: new BuildCache(),
  };
}
