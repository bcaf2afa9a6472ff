import type { Code, Diagnostic } from '../types.js';
import { textOf, type El } from './html.js';
import { finding, type RuleContext } from './rule.js';

const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net|edu)|example|invalid|test)$/i;
const LOCAL_HOST =
  /^(localhost|.*\.localhost|.*\.local|127(?:\.\d+){3}|0\.0\.0\.0|\[::1?\]|10(?:\.\d+){3}|192\.168(?:\.\d+){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d+){2})$/i;

interface LinkRef {
  el: El;
  url: string;
}

/** Links that cannot work from an inbox: relative, local, placeholder, insecure. */
export function checkLinks(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const ownHost = hostOf(ctx.content.publication.url) ?? '';
  for (const el of ctx.email.elements) {
    if (el.tag !== 'a') continue;
    const href = el.attrs.href;
    if (href === undefined && (el.attrs.name !== undefined || el.attrs.id !== undefined)) continue; // an anchor target
    const value = (href ?? '').trim();
    if (value.includes('{{')) continue; // per-recipient, filled at send time
    const text = textOf(ctx.email, el);
    const label = text ? `link "${text.length > 50 ? `${text.slice(0, 47)}...` : text}"` : 'a link';
    const add = (code: Code, severity: 'error' | 'warning', message: string, hint: string) => {
      const key = `${code}|${value}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(
        finding(code, severity, message, hint, ctx.sources.locate([value, text ? `[${text}]` : undefined, text])),
      );
    };
    if (value === '' || value === '#') {
      add(
        'link/placeholder',
        'error',
        `${label} has ${href === undefined ? 'no' : 'an empty or "#"'} href`,
        'Point the link at a real https URL; Markdown links need `[text](https://...)`, and only http(s), mailto: and tel: survive sanitizing.',
      );
      continue;
    }
    if (/^(mailto|tel):/i.test(value) || value.startsWith('#')) continue;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
    if (!scheme) {
      add(
        'link/relative',
        'error',
        `${label} points at the relative URL "${value}", which does not work in an inbox`,
        'Write a full https URL, or a path in Markdown that Gazette resolves against publication.url.',
      );
      continue;
    }
    if (scheme !== 'http' && scheme !== 'https') {
      add('link/scheme', 'error', `${label} uses the ${scheme}: scheme`, 'Use https:, mailto: or tel: links only.');
      continue;
    }
    const host = hostOf(value);
    if (host && LOCAL_HOST.test(host)) {
      add(
        'link/localhost',
        'error',
        `${label} points at ${host}, which only exists on your machine or network`,
        'Replace it with the public https URL (e.g. the page on publication.url).',
      );
      continue;
    }
    if (host && PLACEHOLDER_HOST.test(host) && !PLACEHOLDER_HOST.test(ownHost)) {
      add(
        'link/placeholder',
        'error',
        `${label} points at the placeholder address ${host}`,
        'Replace the example URL with the real one before sending.',
      );
      continue;
    }
    if (scheme === 'http') {
      add(
        'link/insecure',
        'warning',
        `${label} uses http:`,
        'Use the https address: mail providers score plain http links as riskier and browsers warn about them.',
      );
    }
  }
  return out;
}

/** `--links`: requests every distinct http(s) link and image once, with a timeout. */
export async function checkLinksOnline(
  ctx: RuleContext,
  opts: { timeoutMs?: number; concurrency?: number } = {},
): Promise<Diagnostic[]> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  const refs = new Map<string, LinkRef>();
  for (const el of ctx.email.elements) {
    const url = (el.tag === 'a' ? el.attrs.href : el.tag === 'img' ? el.attrs.src : undefined)?.trim();
    if (!url || !/^https?:\/\//i.test(url) || url.includes('{{') || refs.has(url)) continue;
    refs.set(url, { el, url });
  }
  const list = [...refs.values()];
  // Results by position, so the report follows the email's order whatever answers first.
  const results: (Diagnostic | undefined)[] = [];
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await probe(list[i]!, timeoutMs, ctx);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 6) }, worker));
  return results.filter((d): d is Diagnostic => d !== undefined);
}

async function probe(ref: LinkRef, timeoutMs: number, ctx: RuleContext): Promise<Diagnostic | undefined> {
  const what = ref.el.tag === 'img' ? 'image' : 'link';
  const at = ctx.sources.locate([ref.url]);
  try {
    let res = await fetch(ref.url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    // Some servers refuse HEAD; ask again the way a reader's browser would.
    if (res.status === 405 || res.status === 501 || res.status === 403) {
      res = await fetch(ref.url, { method: 'GET', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
    }
    if (res.status >= 400) {
      return finding(
        'link/broken',
        'error',
        `${what} ${ref.url} answers HTTP ${res.status}`,
        'Fix or remove the URL; readers who click it get an error page.',
        at,
      );
    }
    return undefined;
  } catch (err) {
    const reason =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    return finding(
      'link/unreachable',
      'warning',
      `${what} ${ref.url} could not be reached (${reason})`,
      'Check the URL in a browser; if the site is up, this machine may have no network (run without --links).',
      at,
    );
  }
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
