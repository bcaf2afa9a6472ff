import type { BuildCache } from '../cache/build-cache.js';
import type { Content, Diagnostic, RenderedIssue } from '../types.js';
import { htmlSizeFinding } from './size.js';

// The rules every build runs: cheap, no HTML parsing, and light to import (a build must not pay
// for loading the full rule set and its email-client data).

export interface CheckContext {
  content: Content;
  /** What the rules may reuse between builds (the preview's session cache): parsed stylesheets. */
  cache?: BuildCache;
}

/**
 * check: the findings every build reports (cheap, in-process: no parsing). `gazette check` and
 * the preview add the other rules with checkIssue.
 */
export function checkRendered(r: Omit<RenderedIssue, 'diagnostics'>, _ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const size = htmlSizeFinding(r.bytes.html, r.issue.file);
  if (size) out.push({ ...size, issue: r.issue.slug });
  out.push(...mjmlLeft(r));
  return out;
}

export function mjmlLeft(r: Omit<RenderedIssue, 'diagnostics'>): Diagnostic[] {
  if (!/<\/?mj-[a-z]/.test(r.html)) return [];
  return [
    {
      code: 'html/mjml-left',
      severity: 'error',
      file: r.issue.file,
      line: 1,
      issue: r.issue.slug,
      message: 'the email still contains MJML tags after compiling',
      hint: 'An mj- tag was written inside <mj-text> or <mj-raw>; move it out, MJML does not compile tags there.',
    },
  ];
}
