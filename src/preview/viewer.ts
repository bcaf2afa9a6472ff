import type { RenderedIssue } from '../types.js';
import { optionalSecret, signToken, unsubscribeUrl } from '../util/token.js';
import { SCHEMES, type Scheme } from './frame.js';
import type { PageState, Tab, View } from './pages.js';
import { SAMPLE_SUBSCRIBER, type PreviewSubscriber } from './subscribers.js';

/** Signs the preview's unsubscribe links when GAZETTE_SECRET is not set; never valid on a real server. */
const DEV_SECRET = 'gazette-preview-only-dev-secret';

export interface Viewer {
  pageState(query: URLSearchParams): PageState;
  subscriberFor(sub: string): PreviewSubscriber | undefined;
  personalize(r: RenderedIssue, sub: string, kind: 'html' | 'text'): string;
  unsubscribeFor(r: RenderedIssue, email: string): string;
}

/** The page state of a query and the email as the chosen "View as" subscriber gets it. */
export function viewer(root: string, subscribers: readonly PreviewSubscriber[], env?: NodeJS.ProcessEnv): Viewer {
  return { pageState, subscriberFor, personalize, unsubscribeFor };

  function pageState(query: URLSearchParams): PageState {
    const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T =>
      allowed.includes(query.get(key) as T) ? (query.get(key) as T) : fallback;
    const sub = query.get('sub') ?? 'sample';
    return {
      tab: pick<Tab>('tab', ['html', 'text', 'web'], 'html'),
      view: pick<View>('view', ['both', 'mobile', 'desktop'], 'both'),
      scheme: pick<Scheme>('scheme', SCHEMES, 'light'),
      sub: sub === 'raw' || (/^\d{1,3}$/.test(sub) && Number(sub) < subscribers.length) ? sub : 'sample',
    };
  }

  function subscriberFor(sub: string): PreviewSubscriber | undefined {
    if (sub === 'raw') return undefined;
    return sub === 'sample' ? SAMPLE_SUBSCRIBER : (subscribers[Number(sub)] ?? SAMPLE_SUBSCRIBER);
  }

  /** The email as one subscriber gets it: merge tags filled, escaped (no MJML run). */
  function personalize(r: RenderedIssue, sub: string, kind: 'html' | 'text'): string {
    const source = kind === 'html' ? r.html : r.text;
    const s = subscriberFor(sub);
    if (!s) return source;
    return r.fill[kind].fill(s.fields, unsubscribeFor(r, s.email));
  }

  function unsubscribeFor(r: RenderedIssue, email: string): string {
    const token = signToken(
      { email: email || SAMPLE_SUBSCRIBER.email, issue: r.issue.slug },
      optionalSecret(root, env) ?? DEV_SECRET,
    );
    return unsubscribeUrl(r.issue.publication.unsubscribeUrl, token);
  }
}
