import { UNSUBSCRIBE_TAG } from '../render/merge.js';
import type { Diagnostic } from '../types.js';
import { textOf, type El, type ParsedEmail } from './html.js';
import { hostOf } from './links.js';
import { checkPlaceholders } from './placeholders.js';
import { finding, type RuleContext } from './rule.js';

/** Subjects longer than this are cut off in most inbox lists (desktop ~70, phones less). */
export const SUBJECT_MAX_CHARS = 70;

/** The law and the mail providers: a visible unsubscribe, the postal address, sane headers. */
export function checkCompliance(ctx: RuleContext): Diagnostic[] {
  const { r, email, sources } = ctx;
  const pub = ctx.content.publication;
  const out: Diagnostic[] = [...checkPlaceholders(ctx)];
  const footer = sources.fileLike((f) => f.kind === 'template' && /footer/.test(f.file)) ?? sources.fallback;
  const pubAt = (key: string) => sources.keyLine('publication', key) ?? { file: pub.file, line: 1 };

  const unsubscribe = email.elements.find(
    (el) => el.tag === 'a' && el.attrs.href?.trim() === UNSUBSCRIBE_TAG && !el.hidden && textOf(email, el) !== '',
  );
  if (!unsubscribe) {
    out.push(
      finding(
        'compliance/no-unsubscribe-link',
        'error',
        'the email has no visible unsubscribe link',
        `Keep a link with href="{{url links.unsubscribe}}" and visible text (e.g. "Unsubscribe") in the footer template; Gazette fills it with each subscriber's ${UNSUBSCRIBE_TAG}.`,
        footer,
      ),
    );
  }

  const visible = normalize(
    email.texts
      .filter((t) => !t.parent.hidden)
      .map((t) => t.text)
      .join(' '),
  );
  if (!visible.includes(normalize(pub.address))) {
    out.push(
      finding(
        'compliance/no-postal-address',
        'error',
        `the postal address ("${pub.address}") is not visible in the email`,
        'Show {{publication.address}} in the footer template; CAN-SPAM and similar laws require it in every message.',
        footer,
      ),
    );
  }

  let endpoint: URL | undefined;
  try {
    endpoint = new URL(pub.unsubscribeUrl);
  } catch {
    endpoint = undefined;
  }
  if (endpoint?.protocol !== 'https:' || /^(localhost|127\.|0\.0\.0\.0|\[::1\])/.test(endpoint.hostname)) {
    out.push(
      finding(
        'compliance/list-unsubscribe',
        'error',
        `unsubscribeUrl "${pub.unsubscribeUrl}" cannot be used in the List-Unsubscribe header`,
        'Set publication.unsubscribeUrl to the public https address where `gazette serve` answers one-click unsubscribes (RFC 8058); Gmail and Yahoo require it for bulk senders.',
        pubAt('unsubscribeUrl'),
      ),
    );
  }
  if (!pub.unsubscribeMailto) {
    out.push(
      finding(
        'compliance/no-unsubscribe-mailto',
        'info',
        'no unsubscribeMailto: List-Unsubscribe will offer the https endpoint only',
        'Add `unsubscribeMailto: unsubscribe@your-domain` to publication.yml for clients that only understand mailto: unsubscribes.',
        pubAt('unsubscribeUrl'),
      ),
    );
  }

  const fromDomain = pub.from.address.split('@').pop()!.toLowerCase();
  const site = hostOf(pub.url);
  if (site && !sameSite(fromDomain, site)) {
    out.push(
      finding(
        'compliance/from-domain',
        'warning',
        `the From address ${pub.from.address} is not on the publication's domain (${site})`,
        `Send from an address at ${site.replace(/^www\./, '')} (with SPF and DKIM set up there); mail "from" one domain linking to another looks like phishing to filters.`,
        pubAt('from'),
      ),
    );
  }

  const subject = r.issue.title;
  const subjectAt = sources.keyLine('issue', 'title') ?? { file: r.issue.file, line: 1 };
  if ([...subject].length > SUBJECT_MAX_CHARS) {
    out.push(
      finding(
        'compliance/subject-length',
        'warning',
        `the subject is ${[...subject].length} characters; inboxes cut it off after about ${SUBJECT_MAX_CHARS}`,
        'Shorten the issue title (the subject line); move detail into the preheader.',
        subjectAt,
      ),
    );
  }

  const preheader = previewText(email);
  const preheaderAt = sources.keyLine('issue', 'preheader') ?? subjectAt;
  if (!preheader) {
    out.push(
      finding(
        'compliance/no-preheader',
        'warning',
        'the email has no preheader (preview text)',
        'Add `preheader:` to the issue front-matter: one sentence that complements the subject; inboxes show it next to the subject.',
        subjectAt,
      ),
    );
  } else if (
    normalize(preheader).startsWith(normalize(subject)) ||
    normalize(subject).startsWith(normalize(preheader))
  ) {
    out.push(
      finding(
        'compliance/preheader-repeats-subject',
        'warning',
        'the preheader repeats the subject',
        'Write a preheader that adds to the subject instead of repeating it; inboxes show both side by side.',
        preheaderAt,
      ),
    );
  }
  return out;
}

/** The hidden preview text at the top of the body (the preheader), fillers removed. */
export function previewText(email: ParsedEmail): string {
  const body = email.elements.find((e) => e.tag === 'body');
  if (!body) return '';
  // The first hidden block with text that comes before any visible text.
  const firstVisible = email.texts.find((t) => !t.parent.hidden)?.start ?? Infinity;
  const first: El | undefined = email.elements.find(
    (e) => e.start > body.start && e.start < firstVisible && e.tag === 'div' && e.hidden && textOf(email, e) !== '',
  );
  if (!first) return '';
  return textOf(email, first)
    .replace(/[\u034f\u200b-\u200d\u00a0\u2007\u00ad\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function normalize(s: string): string {
  return s
    .replace(/[\s\u00a0]+/g, ' ')
    .trim()
    .toLowerCase();
}

function sameSite(a: string, b: string): boolean {
  const [x, y] = [a.replace(/^www\./, ''), b.replace(/^www\./, '')];
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}
