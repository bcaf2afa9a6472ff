import type { Code, Diagnostic } from '../types.js';
import { textOf } from './html.js';
import { finding, type RuleContext } from './rule.js';

const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net|edu)|example|invalid|test)$/i;
const LOCAL_HOST =
  /^(localhost|.*\.localhost|.*\.local|127(?:\.\d+){3}|0\.0\.0\.0|\[::1?\]|10(?:\.\d+){3}|192\.168(?:\.\d+){2}|172\.(?:1[6-9]|2\d|3[01])(?:\.\d+){2})$/i;

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
    const at = ctx.sources.at(el, [value, text ? `[${text}]` : undefined, text]);
    const add = (code: Code, severity: 'error' | 'warning', message: string, hint: string) => {
      // Once per place: the same link written in two articles is two findings.
      const key = `${code}|${value}|${at.file}:${at.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(finding(code, severity, message, hint, at));
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

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
