import type { RenderedIssue } from '../types.js';
import { GazetteError } from '../util/errors.js';
import { inPool, type ProbeResult, probe } from './probe.js';

// The live check: before the first message of a real send, the issue's web version and every
// image the email loads must answer at their public URLs. An email whose images live in a dist/
// nobody uploaded yet goes out with holes where the pictures were, and its "View in browser"
// link is a 404; once sent, that cannot be fixed.

export interface LiveTarget {
  /** What it is, for the report: the web version, an image, a page Gazette made. */
  kind: 'web version' | 'image' | 'article page';
  url: string;
}

export interface LiveCheckOptions {
  timeoutMs?: number;
  concurrency?: number;
  maxRedirects?: number;
}

export interface LiveCheckResult {
  checked: number;
  missing: (LiveTarget & ProbeResult)[];
}

/** The public URLs an issue needs before it is sent, each once, in the email's order. */
export function liveTargets(r: RenderedIssue): LiveTarget[] {
  const out = new Map<string, LiveTarget>();
  const add = (kind: LiveTarget['kind'], url: string) => {
    if (/^https?:\/\//i.test(url) && !url.includes('{{') && !out.has(url)) out.set(url, { kind, url });
  };
  add('web version', r.issue.webUrl);
  for (const m of r.html.matchAll(/<img\b[^>]*?\ssrc\s*=\s*("([^"]*)"|'([^']*)')/gi))
    add('image', decode(m[2] ?? m[3] ?? ''));
  // The dark-mode swaps: <source srcset> inside <picture>.
  for (const m of r.html.matchAll(/<source\b[^>]*?\ssrcset\s*=\s*("([^"]*)"|'([^']*)')/gi))
    add('image', decode((m[2] ?? m[3] ?? '').trim().split(/\s+/)[0] ?? ''));
  // "Read more" to the pages Gazette makes for articles without their own url.
  const pages = `${r.issue.publication.url}/articles/`;
  for (const a of r.issue.articles) if (a.url.startsWith(pages)) add('article page', a.url);
  return [...out.values()];
}

export async function liveCheck(targets: LiveTarget[], o: LiveCheckOptions = {}): Promise<LiveCheckResult> {
  const results = await inPool(targets, o.concurrency ?? 6, async (t) => ({
    ...t,
    ...(await probe(t.url, { timeoutMs: o.timeoutMs ?? 8000, maxRedirects: o.maxRedirects ?? 5 })),
  }));
  return { checked: targets.length, missing: results.filter((r) => !r.ok) };
}

/** Why a target did not answer, in a few words. */
export function reasonOf(r: ProbeResult): string {
  return r.error ?? `HTTP ${r.status}`;
}

/** The refusal of `gazette send` when something is missing: one line per URL, then a hint. */
export function notLiveError(slug: string, result: LiveCheckResult): GazetteError {
  const lines = result.missing.map((m) => `  ${m.kind} ${m.url}: ${reasonOf(m)}`);
  return new GazetteError(
    `${result.missing.length} of the ${result.checked} public URLs the issue "${slug}" needs do not answer; nothing was sent:\n${lines.join('\n')}`,
    {
      code: 'send/not-live',
      hint: 'Deploy dist/ first (`gazette build`, then upload it: docs/deploying.md#static-hosts) and run the same command again; --skip-live-check sends anyway.',
    },
  );
}

function decode(v: string): string {
  return v.replaceAll('&amp;', '&');
}
