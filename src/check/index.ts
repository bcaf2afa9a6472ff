import type { Content, Diagnostic, RenderedIssue } from '../types.js';

/** Gmail clips messages whose HTML is larger than this. */
export const GMAIL_CLIP_BYTES = 102_400;
export const SIZE_WARNING_BYTES = 90 * 1024;

export interface CheckContext {
  content: Content;
}

/**
 * check: the findings every build reports (cheap, in-process). `gazette check` adds the slower,
 * optional rules on top.
 */
export function checkRendered(r: Omit<RenderedIssue, 'diagnostics'>, _ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = r.issue.file;
  if (r.bytes.html > GMAIL_CLIP_BYTES) {
    out.push({ code: 'size/gmail-clip', severity: 'error', file, line: 1, issue: r.issue.slug, message: `email HTML is ${kb(r.bytes.html)}, over Gmail's 102 KB clipping limit`, hint: 'Use fewer articles or shorter excerpts, or move long articles to the web and link to them.' });
  } else if (r.bytes.html > SIZE_WARNING_BYTES) {
    out.push({ code: 'size/gmail-clip', severity: 'warning', file, line: 1, issue: r.issue.slug, message: `email HTML is ${kb(r.bytes.html)}, close to Gmail's 102 KB clipping limit`, hint: 'Trim the issue before it grows past 102 KB, where Gmail hides the rest behind "View entire message".' });
  }
  if (/<\/?mj-[a-z]/.test(r.html)) {
    out.push({ code: 'html/mjml-left', severity: 'error', file, issue: r.issue.slug, message: 'the email still contains MJML tags after compiling', hint: 'An mj- tag was written inside <mj-text> or <mj-raw>; move it out, MJML does not compile tags there.' });
  }
  return out;
}

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KB`;
}

export interface CheckOptions {
  /** Subscriber CSV columns and the longest values, when `--subscribers` is given. */
  subscribers?: { columns: string[]; longest: Record<string, string> };
}

/**
 * Every rule, for `gazette check` and the preview. Builds already carry the cheap findings of
 * checkRendered; this adds the rest. (Extended by the check command's rules.)
 */
export async function checkIssue(r: RenderedIssue, ctx: CheckContext, _options: CheckOptions = {}): Promise<Diagnostic[]> {
  return r.diagnostics.length ? r.diagnostics : checkRendered(r, ctx);
}
