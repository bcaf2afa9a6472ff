import { openSubscriberStores } from '../../src/store/subscriber-store.js';
import { rawRequest, serveRoot, type Served } from './http.js';
import { makeRoot, PUBLICATION } from './root.js';
import type { GazetteHandlerOptions } from '../../src/server/handler.js';

// A served root with a few confirmed subscribers, for the provider webhook tests.

export const WEBHOOK_SECRET = 'webhook-test-secret-0123456789ab';

export interface WebhookRoot {
  root: string;
  served: Served;
  post(provider: string, body: string, headers?: Record<string, string>): ReturnType<typeof rawRequest>;
  /** `status[ reason:source]` of each address. */
  state(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function webhookRoot(emails: string[], options: Partial<GazetteHandlerOptions>): Promise<WebhookRoot> {
  const { root, cleanup } = await makeRoot({ publication: PUBLICATION });
  const url = options.database;
  const stores = await openSubscriberStores({ root, url });
  for (const email of emails) await stores.subscribers.put({ email });
  await stores.close();
  const served = await serveRoot({ root, secret: WEBHOOK_SECRET, ...options });
  return {
    root,
    served,
    post: (provider, body, headers = {}) =>
      rawRequest(served.url, 'POST', `/webhooks/${provider}`, body, { 'Content-Type': 'application/json', ...headers }),
    state: () => storeState(root, url),
    async close() {
      await served.close();
      await cleanup();
    },
  };
}

/** `status[ reason:source]` of each subscriber of the root's store. */
export async function storeState(root: string, url?: string): Promise<Record<string, string>> {
  const s = await openSubscriberStores({ root, url });
  const out: Record<string, string> = {};
  for await (const sub of s.subscribers.list()) {
    const sup = await s.suppressions.get(sub.email);
    out[sub.email] = `${sub.status}${sup ? ` ${sup.reason}:${sup.source}` : ''}`;
  }
  await s.close();
  return out;
}
