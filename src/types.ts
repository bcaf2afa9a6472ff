// The shapes that flow between Gazette's stages. Each stage is a module with a pure function:
//   load -> compose -> template -> compile -> check -> write / send
// Keep these names stable: templates, tests and the library API depend on them.

import type { Code } from './diagnostics/catalogue.js';
import type { Fill } from './render/merge.js';

export type { Code } from './diagnostics/catalogue.js';
export type Severity = 'error' | 'warning' | 'info';

/** One finding, from any stage. Paths are relative to the root when the file is inside it. */
export interface Diagnostic {
  /** Stable identifier, e.g. `content/missing-field`, `size/gmail-clip`: one of src/diagnostics/catalogue.ts. */
  code: Code;
  severity: Severity;
  message: string;
  /** How to fix it, in one sentence. */
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  /** Dotted field path inside the file, e.g. `author.name`. */
  field?: string;
  /** The issue this finding belongs to, when it belongs to one. */
  issue?: string;
}

// ---------------------------------------------------------------------------------------------
// load: files -> Publication, Article[], IssueSource[]

export interface Logo {
  src: string;
  alt: string;
  width: number;
}

export interface Publication {
  name: string;
  /** https base URL, no trailing slash. Relative links in articles resolve against it. */
  url: string;
  logo?: Logo;
  from: { name: string; address: string };
  replyTo?: string;
  /** Postal address, shown in the footer (CAN-SPAM). */
  address: string;
  /** BCP 47 tag. */
  language: string;
  /** #rrggbb */
  accentColor: string;
  /** https URL of the one-click unsubscribe endpoint (served by `gazette serve`). */
  unsubscribeUrl: string;
  /** Optional mailto: address for List-Unsubscribe. */
  unsubscribeMailto?: string;
  /** https URL of the double opt-in sign-up endpoint (served by `gazette serve`). */
  subscribeUrl?: string;
  /** The bounce mailbox (`bounces@domain`): with it, each message's envelope sender is `bounces+<token>@domain` (VERP). */
  returnPath?: string;
  /** Short description, used by the web archive and the feed. */
  description?: string;
  file: string;
}

export interface Author {
  name: string;
  role?: string;
  email?: string;
}

export interface ArticleImage {
  src: string;
  alt: string;
  credit?: string;
  /** The image for dark mode (`image.dark`): swapped in by clients that honour prefers-color-scheme. */
  dark?: string;
}

export type TextDirection = 'ltr' | 'rtl';

export interface Article {
  slug: string;
  /** Path relative to the root. */
  file: string;
  title: string;
  /** YYYY-MM-DD */
  date: string;
  authors: Author[];
  dek?: string;
  image?: ArticleImage;
  section?: string;
  url?: string;
  lang?: string;
  dir: TextDirection;
  /** Front-matter `excerpt`, else `summary` (Hugo, Go blog), else `description` (Jekyll, Eleventy). */
  excerpt?: string;
  /** `draft: true`: built and previewed, never archived, fed or sent (DESIGN §10). */
  draft?: boolean;
  /** Front-matter `tags` (a list, or Jekyll's space-separated string). */
  tags?: string[];
  /** Markdown body, front-matter removed. */
  body: string;
  /** 1-based line in the file where the body starts. */
  bodyLine: number;
}

/** `digest` and `feature` are built in; a root's `templates/layouts/<name>.mjml.hbs` adds more. */
export type Layout = 'digest' | 'feature' | (string & {});

export interface IssueSource {
  slug: string;
  file: string;
  title: string;
  date: string;
  number?: number;
  preheader?: string;
  layout: Layout;
  articles: string[];
  /** `draft: true`: built and previewed, never archived, fed or sent (DESIGN §10). */
  draft?: boolean;
  /** Markdown intro (the body of the issue file). */
  intro: string;
  introLine: number;
}

export interface Content {
  root: string;
  publication: Publication;
  articles: Map<string, Article>;
  issues: IssueSource[];
}

// ---------------------------------------------------------------------------------------------
// compose: IssueSource -> Issue (what templates see)

export interface ComposedArticle {
  slug: string;
  file: string;
  title: string;
  /** `draft: true` in its front-matter: no page of its own, and its issue cannot be sent. */
  draft?: boolean;
  date: string;
  /** e.g. "November 18, 2025", in the publication's (or article's) language. */
  dateFormatted: string;
  authors: Author[];
  /** "Dana Mash'Al" or "A, B and C". */
  byline: string;
  dek?: string;
  /** `url`: the image resolved; `darkUrl`: `image.dark` resolved, when given. */
  image?: ArticleImage & { url: string; darkUrl?: string };
  section?: string;
  /** Absolute canonical URL (front-matter `url`, else publication.url/articles/slug). */
  url: string;
  lang: string;
  dir: TextDirection;
  /** Email-safe, sanitized HTML of the body with inline styles. */
  html: string;
  /** Plain-text rendering of the body, links listed as URLs. */
  text: string;
  /** Excerpt as plain text (front-matter `excerpt` or first paragraph, trimmed). */
  excerpt: string;
}

export interface Issue {
  slug: string;
  file: string;
  /** The email subject. */
  title: string;
  /** `draft: true`: rendered by build and preview, kept out of the archive, the feed and send. */
  draft?: boolean;
  date: string;
  dateFormatted: string;
  number?: number;
  preheader?: string;
  layout: Layout;
  introHtml: string;
  introText: string;
  articles: ComposedArticle[];
  publication: Publication;
  /** Absolute URL of the web version: publication.url/issues/slug/ */
  webUrl: string;
  lang: string;
  dir: TextDirection;
}

// ---------------------------------------------------------------------------------------------
// compile: MJML -> Rendered

/** A per-recipient placeholder left in the built HTML and text, filled at send time. */
export interface MergeTag {
  /** `subscriber.<column>` or `unsubscribe_url`. */
  name: string;
  /** The CSV column for subscriber fields. */
  column?: string;
  fallback?: string;
  /** Where the tag was written (content or template file). */
  file?: string;
  line?: number;
}

export interface RenderedIssue {
  issue: Issue;
  /** The MJML the templates produced (kept for debugging and `issue.json`). */
  mjml: string;
  /** Email HTML with merge tags left in place: `{{subscriber.name}}`, `{{unsubscribe_url}}`. */
  html: string;
  /** Plain-text part, same merge tags. */
  text: string;
  /** The web version: no unsubscribe footer, merge tags replaced by their fallbacks. */
  webHtml: string;
  mergeTags: MergeTag[];
  /** The merge-tag fill plans of html and text, split once per build; send, check and the preview fill from them. */
  fill: { html: Fill; text: Fill };
  bytes: { html: number; text: number; web: number };
  /** Email copies of the local images it shows, written to dist/ beside it (src/images/email.ts). */
  images?: EmailImage[];
  /**
   * Where the elements of `html` that Markdown wrote come from: the offset of a tag in `html` and
   * the file and line that wrote it (src/compose/lines.ts). Check rules locate findings with it.
   */
  sourceMap?: { offset: number; file: string; line: number }[];
  /** This issue's findings: the cheap rules, or every rule when the build asked for `rules: 'all'`. */
  diagnostics: Diagnostic[];
}

/** One local image as the email shows it: resized, re-encoded, stripped, content-hashed. */
export interface EmailImage {
  /** The source file, relative to the root. */
  source: string;
  /** The copy, relative to dist/ and to publication.url (assets/email/<name>-<hash>.<ext>). */
  path: string;
  contents: Buffer;
  /** Display size in the email (CSS px); the copy's pixels (twice as wide when the source allows). */
  display: { width: number; height: number };
  pixels: { width: number; height: number };
  /** Bytes of the source file and of the copy. */
  before: number;
  after: number;
}

export interface BuildResult {
  ok: boolean;
  /** Present when loading succeeded. */
  content?: Content;
  issues: RenderedIssue[];
  /** Every diagnostic of the build: loading, each issue, templates. */
  diagnostics: Diagnostic[];
}

// ---------------------------------------------------------------------------------------------
// send

export interface Recipient {
  email: string;
  /** Every CSV column, including `email`. */
  fields: Record<string, string>;
  /** 1-based line of the CSV record. */
  line: number;
}
