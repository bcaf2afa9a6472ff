import type { BuildCache } from '../cache/build-cache.js';
import type { Code, Content, Diagnostic, RenderedIssue, Severity } from '../types.js';
import type { ParsedEmail } from './html.js';
import type { Location, Sources } from './locate.js';

/** What `gazette check --subscribers FILE` learned from the CSV: its header and longest cells. */
export interface SubscriberSample {
  columns: string[];
  /** The longest value of each column (by UTF-8 bytes). */
  longest: Record<string, string>;
}

export interface CheckOptions {
  /** Subscriber CSV columns and the longest values, when `--subscribers` is given. */
  subscribers?: SubscriberSample;
  /** Request every link over HTTP(S) (`--links`); off by default, the machine may be offline. */
  links?: boolean | { timeoutMs?: number; concurrency?: number };
}

/** Everything a rule family reads: the rendered issue, its content, the parsed email and sources. */
export interface RuleContext {
  r: RenderedIssue;
  content: Content;
  email: ParsedEmail;
  sources: Sources;
  options: CheckOptions;
  /** Width of the email's content column in px (mj-body width). */
  columnWidth: number;
  /** What the rules may reuse between builds (CheckContext.cache). */
  cache?: BuildCache;
}

export function finding(
  code: Code,
  severity: Severity,
  message: string,
  hint: string,
  at: Location,
  extra: Partial<Diagnostic> = {},
): Diagnostic {
  return { code, severity, message, hint, file: at.file, line: at.line, ...extra };
}
