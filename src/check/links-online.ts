import { IMAGE_BUDGET_BYTES } from '../images/email.js';
import { liveTargets, reasonOf } from '../live/check.js';
import { inPool, type ProbeResult, probe } from '../live/probe.js';
import type { Diagnostic } from '../types.js';
import type { El } from './html.js';
import type { Location } from './locate.js';
import { finding, type RuleContext } from './rule.js';

/** A remote image heavier than this alone is half the issue's image budget. */
export const REMOTE_IMAGE_LIMIT_BYTES = 500_000;
/** At most this much of a remote image without Content-Length is read to learn its size. */
const MEASURE_UP_TO = 1_000_000;

interface LinkRef {
  el: El;
  url: string;
}

/**
 * `--links`: requests every distinct http(s) link and image once, with a timeout and bounded
 * concurrency. What `gazette send` needs online (the web version, the images, the article pages:
 * src/live/check.ts) is reported as link/not-deployed; remote images are weighed.
 */
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
  const needed = new Map(liveTargets(ctx.r).map((t) => [t.url, t]));
  const local = new Set((ctx.r.images ?? []).map((i) => `${ctx.r.issue.publication.url}/${i.path}`));
  const list = [...refs.values()];
  const weigh = (ref: LinkRef) => ref.el.tag === 'img' && !local.has(ref.url);
  // Results by position, so the report follows the email's order whatever answers first.
  const results = await inPool(list, opts.concurrency ?? 6, (ref) =>
    probe(ref.url, { timeoutMs, ...(weigh(ref) ? { measureUpTo: MEASURE_UP_TO } : {}) }),
  );
  const out: Diagnostic[] = [];
  let remoteBytes = 0;
  list.forEach((ref, i) => {
    const res = results[i]!;
    const at = ctx.sources.at(ref.el, [ref.url]);
    const what = ref.el.tag === 'img' ? 'image' : 'link';
    const target = needed.get(ref.url);
    if (!res.ok && target) {
      out.push(
        finding(
          'link/not-deployed',
          'error',
          `the ${target.kind} ${ref.url} does not answer (${reasonOf(res)}): gazette send refuses until it does`,
          'Upload dist/ to the host first (docs/deploying.md#static-hosts), then check again.',
          at,
        ),
      );
    } else if (!res.ok) out.push(failure(what, res, at));
    if (res.ok && res.bytes !== undefined && weigh(ref)) {
      remoteBytes += res.bytes;
      if (res.bytes > REMOTE_IMAGE_LIMIT_BYTES)
        out.push(
          finding(
            'image/remote-weight',
            'warning',
            `the remote image ${ref.url} weighs ${res.bytes > MEASURE_UP_TO ? 'more than ' : ''}${kb(Math.min(res.bytes, MEASURE_UP_TO))}, over the ${kb(REMOTE_IMAGE_LIMIT_BYTES)} a single image may take`,
            'Link a smaller version of the image, or put it in content/assets so that Gazette resizes it for email.',
            at,
          ),
        );
    }
  });
  // The build weighed the local images alone; said once, with the remote ones added.
  const localBytes = (ctx.r.images ?? []).reduce((n, img) => n + img.after, 0);
  if (localBytes <= IMAGE_BUDGET_BYTES && localBytes + remoteBytes > IMAGE_BUDGET_BYTES)
    out.push(
      finding(
        'image/weight-budget',
        'warning',
        `the email loads ${kb(localBytes + remoteBytes)} of images (${kb(remoteBytes)} of them remote), over the ${kb(IMAGE_BUDGET_BYTES)} budget`,
        'Use fewer or smaller images; readers on phone data pay for every byte before the email shows.',
        { file: ctx.r.issue.file, line: 1 },
      ),
    );
  return out;
}

function failure(what: string, res: ProbeResult, at: Location): Diagnostic {
  if (res.status !== undefined && res.status >= 400)
    return finding(
      'link/broken',
      'error',
      `${what} ${res.url} answers HTTP ${res.status}`,
      'Fix or remove the URL; readers who click it get an error page.',
      at,
    );
  return finding(
    'link/unreachable',
    'warning',
    `${what} ${res.url} could not be reached (${res.error ?? `HTTP ${res.status}`})`,
    'Check the URL in a browser; if the site is up, this machine may have no network (run without --links).',
    at,
  );
}

function kb(n: number): string {
  return `${Math.round(n / 1024)} KB`;
}
