// Every diagnostic code Gazette reports, in one place (after Astro's errors-data.ts). A code once
// published is never renamed: users grep for it, CI configs and docs links name it.
//
// To add a code: add ONE line to CODES below, in its family, then run `npm run docs:codes` to
// regenerate the table in docs/checks.md (tests/unit/diagnostics/catalogue.test.ts fails while the
// committed table is stale). `Code` is derived from CODES, so reporting a code that is not listed
// here fails `npm run typecheck`.
//
// severity: the usual one (a rule may pass another; `severityNote` then says when).
// title: what the finding means, one or two sentences. hint: the default fix, one sentence (a rule
// may give a more specific one). The docs anchor is derived from the code: see docsAnchor().
import type { Severity } from '../types.js';

export interface CodeInfo {
  severity: Severity;
  title: string;
  hint: string;
  /** When the severity depends on the finding (e.g. 'warning from 90 KB, error above 102,400 bytes'). */
  severityNote?: string;
}

// biome-ignore format: one line per code, so that adding one is a one-line change.
const CODES = {
  // check rules (`gazette check`, the preview)
  'size/gmail-clip': { severity: 'warning', title: 'Gmail hides everything after ~102 KB of HTML behind "View entire message" (and with it the unsubscribe link). `gazette check` measures the largest personalized email: the longest value of each column with `--subscribers`, otherwise merge-tag fallbacks, always with a real-length unsubscribe URL. Every build reports the unpersonalized size too.', hint: 'Fewer articles, shorter excerpts (`layout: digest`), long articles on the web.', severityNote: 'warning from 90 KB, error above 102,400 bytes' },
  'size/text-budget': { severity: 'warning', title: 'The plain-text part is long enough to mean full articles were pasted in.', hint: 'Use teasers or excerpts; text readers follow links.', severityNote: 'warning above 64 KB' },
  'html/mjml-left': { severity: 'error', title: 'An `mj-` tag survived compiling (written inside `<mj-text>` or `<mj-raw>`).', hint: 'Move the MJML tag out of the raw HTML.' },
  'image/missing-alt': { severity: 'error', title: 'An `<img>` without an `alt` attribute. `alt=""` is accepted: it marks a decorative image.', hint: 'Describe the image (`image.alt` in front-matter, `![description](src)` in Markdown).' },
  'image/no-src': { severity: 'error', title: 'An image whose `src` is empty or `#`.', hint: 'Give a path relative to `publication.url` (e.g. `assets/logo.png`) or an https URL.' },
  'image/relative-src': { severity: 'error', title: 'A relative image URL (written in a template): no mail client can load it.', hint: 'Use an absolute https URL.' },
  'image/insecure-src': { severity: 'warning', title: 'An image loaded over `http:`.', hint: 'Serve it over https.' },
  'image/no-width': { severity: 'warning', title: 'An image without a `width` attribute: Outlook for Windows shows it at its full pixel size.', hint: 'Add `width="..."` (use `<img ... width="536">` in Markdown).' },
  'image/missing-file': { severity: 'error', title: 'An image written as `assets/<file>` (Markdown, `image.src`, the logo) names a file that content/assets/ does not have: readers would get a broken image.', hint: 'Add the file to content/assets/, or fix the path (file names are case-sensitive).' },
  'image/too-wide': { severity: 'warning', title: 'An image declared wider than the content column (600 px, the layout\'s `mj-body` width).', hint: 'Make it at most as wide as the column.' },
  'link/placeholder': { severity: 'error', title: 'A link with no href, an empty one, `#`, or one pointing at `example.com`/`.example`/`.invalid`/`.test` (unless the publication itself lives there).', hint: 'Put the real URL in.' },
  'link/relative': { severity: 'error', title: 'A relative link (in a template): it means nothing in an inbox.', hint: 'Write a full https URL.' },
  'link/scheme': { severity: 'error', title: 'A link with a scheme other than https, http, mailto or tel (e.g. `ftp:`, `file:`).', hint: 'Link to an https page instead.' },
  'link/localhost': { severity: 'error', title: 'A link to `localhost`, `127.x`, `*.local` or a private network address.', hint: 'Replace it with the public URL.' },
  'link/insecure': { severity: 'warning', title: 'An `http:` link.', hint: 'Use the https address.' },
  'link/broken': { severity: 'error', title: 'The URL answered HTTP 400 or more (HEAD, then GET if HEAD is refused).', hint: 'Fix or remove the link.', severityNote: 'error (`--links` only)' },
  'link/not-deployed': { severity: 'error', title: 'The web version, an image or an article page of the issue does not answer at its public URL under `publication.url` (`dist/` not uploaded yet, or not all of it); `gazette send` refuses to send until it does.', hint: 'Upload dist/ to the host (docs/deploying.md#static-hosts), then check again.', severityNote: 'error (`--links` only)' },
  'link/unreachable': { severity: 'warning', title: 'No answer within the timeout, or a network error (DNS, refused, TLS).', hint: 'Check the URL in a browser; the machine may be offline.', severityNote: 'warning (`--links` only)' },
  'client/unsupported': { severity: 'warning', title: 'A feature the email uses that a target client does not support at all; the message names the clients, the hint carries caniemail\'s notes and link.', hint: 'Use a table-based or inline-style alternative, or make sure the email reads well without the feature.', severityNote: 'warning for features whose absence loses content or breaks the layout (flex, grid, position, float, CSS variables, background images, web fonts, `calc()`/`min()`/`max()`/`clamp()`, forms, video, audio, SVG, WebP/AVIF, base64 images...), information otherwise' },
  'client/partial': { severity: 'info', title: 'A feature that some target clients support only partly (caniemail\'s notes say how).', hint: 'Usually nothing; read the notes when something looks wrong in that client.' },
  'compliance/no-unsubscribe-link': { severity: 'error', title: 'No visible link whose href is the per-recipient `{{unsubscribe_url}}` (CAN-SPAM, GDPR, Gmail/Yahoo bulk-sender rules).', hint: 'Keep `<a href="{{url links.unsubscribe}}">Unsubscribe</a>` in the footer template, visible.' },
  'compliance/no-postal-address': { severity: 'error', title: '`publication.address` does not appear in the visible text.', hint: 'Show `{{publication.address}}` in the footer template.' },
  'compliance/list-unsubscribe': { severity: 'error', title: '`publication.unsubscribeUrl` cannot go in the `List-Unsubscribe` header (not https, or a local address).', hint: 'Point it at the public https address where `gazette serve` answers one-click unsubscribes.' },
  'compliance/no-unsubscribe-mailto': { severity: 'info', title: 'No `unsubscribeMailto`: `List-Unsubscribe` offers the https endpoint only.', hint: 'Add `unsubscribeMailto:` to `publication.yml`.' },
  'publication/placeholder': { severity: 'error', title: 'A publication setting still holds the `change-me` placeholder that `gazette init` writes when it was given no value.', hint: 'Replace it in publication.yml with the real value.' },
  'image/remote-weight': { severity: 'warning', title: 'With `--links`: a remote image (not a local one Gazette resized) weighs more than 500 KB by its Content-Length or the bytes read (at most 1 MB is read).', hint: 'Link a smaller version of the image, or put it in content/assets so that Gazette resizes it.' },
  'image/weight-budget': { severity: 'warning', title: 'The images an email loads (its local images, after resizing for email; with `--links`, remote ones too) weigh more than the per-issue budget (1 MB).', hint: 'Use fewer or smaller images, or crop them.' },
  'compliance/from-domain': { severity: 'warning', title: 'The From address is not on the publication\'s domain (or a subdomain of it).', hint: 'Send from an address at the publication\'s domain, with SPF and DKIM.' },
  'compliance/subject-length': { severity: 'warning', title: 'The subject (issue `title`) is longer than 70 characters; inboxes cut it.', hint: 'Shorten it; move detail to the preheader.' },
  'compliance/no-preheader': { severity: 'warning', title: 'The email has no preview text.', hint: 'Add `preheader:` to the issue.' },
  'compliance/preheader-repeats-subject': { severity: 'warning', title: 'The preheader starts with the subject (or the other way round).', hint: 'Write a preheader that adds to the subject.' },
  'a11y/html-lang': { severity: 'error', title: '`<html>` has no `lang` (or MJML\'s `und`).', hint: 'Keep `<mjml lang="{{issue.lang}}">` in the layout; set `language:` in `publication.yml`.' },
  'a11y/rtl-dir': { severity: 'error', title: 'An article in a right-to-left language (Arabic, Hebrew, Persian, Urdu...) laid out left to right, or text with such a `lang` without `dir="rtl"`.', hint: 'Remove `dir: ltr` from the article (rtl is derived from `lang`) or write `dir: rtl`.' },
  'a11y/heading-order': { severity: 'warning', title: 'A heading skips a level (e.g. an h4 right after an h1).', hint: 'Use the next level (`##` after the title).' },
  'a11y/contrast': { severity: 'error', title: 'Text whose color against its background is below WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).', hint: 'Darken `accentColor` or the template colors.' },
  'a11y/small-text': { severity: 'warning', title: 'Visible text smaller than 14 px, inline or in a phone media query.', hint: 'Use 14 px or more.' },
  'hygiene/unknown-column': { severity: 'error', title: 'With `--subscribers`: a merge tag reads a column the CSV does not have, so every reader gets an empty value (or the fallback).', hint: 'Add the column, use one the CSV has, or give a fallback.', severityNote: 'error; warning when the tag has a `default:`' },
  'hygiene/placeholder': { severity: 'error', title: 'A `{{`, `}}` or broken merge tag that would reach readers verbatim (e.g. `{{subscriber.name}`, `{{ first_name }}`).', hint: 'Write `{{subscriber.<column>}}`, `{{subscriber.<column> | default: "..."}}` or `{{unsubscribe_url}}`.' },
  'hygiene/foreign-merge-tag': { severity: 'error', title: 'Another tool\'s merge tag (`*|FNAME|*`, `%%first_name%%`, `{$name}`) that Gazette does not fill.', hint: 'Use Gazette\'s `{{subscriber.<column>}}`.' },
  'hygiene/scaffold-text': { severity: 'warning', title: 'Text `gazette new` writes for the editor to replace is still in an article or the intro of the issue: the author "Your Name", "Write the article here in Markdown..." or "Write the introduction of this issue here" (`gazette check` and the preview).', hint: 'Replace it with your own text, or delete it.' },
  'check/subscribers': { severity: 'error', title: '`--subscribers` names a file that cannot be read, is empty or is not valid CSV.', hint: 'Give a CSV file with a header row (`email,name,...`).' },
  'check/crashed': { severity: 'error', title: 'A check rule crashed (a bug in Gazette); the email itself built.', hint: 'This is a bug in Gazette: report it with the issue file.' },
  'template/missing-value': { severity: 'error', title: 'A template reads a value the issue, article or publication does not have.', hint: 'Give the field in front-matter, or guard it with {{#if ...}} in the template.' },
  // content (content/*.yml, content/articles, content/issues)
  'content/missing': { severity: 'error', title: 'The root has no content/ folder, or a required file (content/publication.yml) is missing.', hint: 'Run gazette in a folder that has content/, or pass --root DIR.' },
  'content/no-issues': { severity: 'error', title: 'content/issues/ has no issue file.', hint: 'Create one with `gazette new issue`, or add content/issues/<slug>.md listing its articles.' },
  'content/unknown-article': { severity: 'error', title: 'An issue lists an article slug that has no file in content/articles/.', hint: 'Fix the slug, or add content/articles/<slug>.md.' },
  'content/bad-slug': { severity: 'error', title: 'A file name cannot be used as a slug (it becomes a URL and a folder name).', hint: 'Rename the file with lowercase letters, digits and dashes, e.g. campus-arts-festival.md.' },
  'content/duplicate-slug': { severity: 'error', title: 'Two files have the same slug.', hint: 'Rename one of them.' },
  'content/not-a-mapping': { severity: 'error', title: 'The front-matter is not a set of `key: value` fields.', hint: 'Write one `key: value` per line between the two `---` lines.' },
  'content/unknown-field': { severity: 'warning', title: 'A front-matter field Gazette does not know; it is ignored.', hint: 'Check the spelling against docs/content.md, or remove the field.' },
  'content/missing-field': { severity: 'error', title: 'A required front-matter field is missing.', hint: 'Add the field; docs/content.md lists the required ones.' },
  'content/invalid-field': { severity: 'error', title: 'A front-matter field has a value of the wrong kind or form (e.g. a date that is not YYYY-MM-DD).', hint: 'Write the value in the form the message names.' },
  'content/no-front-matter': { severity: 'error', title: 'An article or issue file does not start with `---` front-matter.', hint: 'Start the file with `---`, the fields, and `---`.' },
  'content/unclosed-front-matter': { severity: 'error', title: 'The front-matter has an opening `---` but no closing one.', hint: 'Add a line with `---` after the last field.' },
  'content/front-matter-language': { severity: 'error', title: 'The front-matter names a language other than YAML (`---js`, `---toml`...); executable front-matter is never run.', hint: 'Use plain `---` YAML front-matter, or TOML between `+++` lines.' },
  'content/front-matter': { severity: 'error', title: 'The front-matter could not be read.', hint: 'Check the YAML between the `---` lines.' },
  'content/yaml-syntax': { severity: 'error', title: 'A YAML syntax error, or a YAML feature Gazette refuses (aliases, anchors).', hint: 'Fix the line named; quote values that hold `:` or `#`.' },
  'content/toml-syntax': { severity: 'error', title: 'A TOML syntax error in Hugo-style `+++` front-matter (read as data only).', hint: 'Fix the line named; quote strings, write lists as `[a, b]`.' },
  'content/generator-field': { severity: 'info', title: 'A front-matter key of another site generator (Jekyll, Hugo, Eleventy: `layout`, `permalink`, `categories`...); it means nothing in an email and is ignored.', hint: 'Nothing to do; remove it once the post no longer builds elsewhere.' },
  // compose (Markdown bodies: what changes on the way into an email)
  'content/embed': { severity: 'info', title: 'An `<iframe>` or a paragraph that is only a YouTube/Vimeo link: no mail client plays it, so both parts show a linked "Watch: <title>" block instead.', hint: 'Nothing to do; give the iframe a `title` (or the link a label) to name what the link opens.' },
  'content/dropped-html': { severity: 'info', title: 'Raw HTML that cannot work in an email (`<script>`, `<style>`, `<noscript>`, forms and their controls) is left out of both parts, with its content.', hint: 'Link to the page that holds a form instead; scripts and styles need nothing.', severityNote: 'warning for forms and form controls, information otherwise' },
  'content/wide-table': { severity: 'warning', title: 'A Markdown table with more than 4 columns: on a 375 px phone it scrolls sideways inside its box.', hint: 'Keep tables to 4 columns, split the table, or link to it on the web.' },
  'content/unreadable': { severity: 'error', title: 'A content file cannot be read.', hint: 'Check that the file exists and is readable.' },
  'content/too-large': { severity: 'error', title: 'A content file is over the size limit for content files.', hint: 'Split the file, or move large data (images, tables) out of it and link to it.' },
  'content/yaml-aliases': { severity: 'error', title: 'YAML aliases (`*name`) that expand beyond the budget (100 expansions): the shape of an alias bomb.', hint: 'Write the values out instead of using anchors and aliases.' },
  'content/data-too-large': { severity: 'error', title: 'A front-matter or publication.yml block over 64 KiB.', hint: 'Move long text into the body and data into separate files.' },
  'content/insecure-url': { severity: 'warning', title: 'An article `url` or `image.src` uses http: (only https, http and mailto are accepted; javascript:, data: and file: are errors).', hint: 'Use the https address.' },
  'content/symlink': { severity: 'warning', title: 'A symbolic link inside content/ that stays in its folder: it is read and published as a copy of its target.', hint: 'Replace the link by the file itself.' },
  'content/symlink-outside': { severity: 'error', title: 'A symbolic link in content/ that points out of its folder (e.g. to `.env` or `/etc/passwd`), to a folder, or nowhere: never read nor published.', hint: 'Copy the file into the folder instead of linking to it.' },
  'content/not-utf8': { severity: 'error', title: 'A content file is not valid UTF-8.', hint: 'Save the file as UTF-8.' },
  // build, templates, MJML
  'build/unknown-issue': { severity: 'error', title: '`--issue` names an issue that does not exist.', hint: 'Issues are content/issues/<slug>.md; use one of their slugs.' },
  'template/missing-layout': { severity: 'error', title: 'An issue asks for a layout the theme does not have.', hint: 'Create templates/layouts/<layout>.mjml.hbs, or use a layout the theme has.' },
  'template/syntax': { severity: 'error', title: 'A Handlebars syntax error in a template.', hint: 'Fix the template at the line named (an unclosed `{{#if}}`, a stray `}}`).' },
  'template/error': { severity: 'error', title: 'A template failed while rendering.', hint: 'Read the message; it names the helper or partial that failed.' },
  'template/mjml': { severity: 'error', title: 'MJML refused the rendered template (strict validation).', hint: 'Check that the layout starts with <mjml> and every tag is closed.' },
  // configuration (environment, .env)
  'config/no-secret': { severity: 'error', title: 'GAZETTE_SECRET is not set or too short (it signs unsubscribe links).', hint: 'Set GAZETTE_SECRET to a random string, e.g. `openssl rand -hex 32`.' },
  'config/weak-secret': { severity: 'error', title: 'The token secret (GAZETTE_SECRET or the library\'s `secret`) is shorter than 16 characters or below 64 bits of estimated entropy: tokens could be forged.', hint: 'Use `openssl rand -hex 32`.' },
  'config/smtp-url': { severity: 'error', title: 'SMTP_URL is not a valid smtp:// or smtps:// URL.', hint: 'Write it as smtp://user:password@host:587 or smtps://user:password@host:465.' },
  'config/dkim': { severity: 'error', title: 'The DKIM settings are incomplete or the key cannot be read.', hint: 'Set DKIM_SELECTOR and DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, or unset DKIM_DOMAIN.' },
  'config/database-url': { severity: 'error', title: 'GAZETTE_DATABASE_URL (or `--database`) is not a postgres:// URL.', hint: 'Write it as postgres://user:password@host:5432/dbname, or unset it to use SQLite in <root>/.gazette/.' },
  'config/subscribe-url': { severity: 'error', title: '`gazette serve` was asked to take sign-ups but `publication.subscribeUrl` is missing, or SMTP_URL is not set to send the confirmations.', hint: 'Add `subscribeUrl: https://example.org/subscribe` to publication.yml and set SMTP_URL.' },
  'store/unavailable': { severity: 'error', title: 'The PostgreSQL store does not answer or refuses the login.', hint: 'Check host, port, user, password and database name in GAZETTE_DATABASE_URL.' },
  // commands
  'cli/usage': { severity: 'error', title: 'A command was called with unknown or invalid arguments.', hint: 'Run `gazette <command> --help`.' },
  'init/exists': { severity: 'error', title: '`gazette init` found files it would write already in the folder; it never overwrites, so it wrote nothing.', hint: 'Run it in an empty folder (`gazette init DIR`), or move the listed files away.' },
  'cli/not-implemented': { severity: 'error', title: 'The command is not available in this build of Gazette.', hint: 'Update Gazette.' },
  'gazette/failed': { severity: 'error', title: 'A stage failed without a more specific code.', hint: 'Read the diagnostics printed above it.' },
  'send/draft': { severity: 'error', title: 'The issue, or an article it carries, has `draft: true`: drafts are built and previewed but never sent (dry runs excepted).', hint: 'Remove `draft: true` when it is ready.' },
  'send/not-live': { severity: 'error', title: 'A real send found that the issue\'s web version, an image or an article page does not answer at its public URL (HEAD, then GET; 8 s each, 5 redirects at most); nothing was sent. The message lists each URL and why.', hint: 'Deploy dist/ first, or pass --skip-live-check (GAZETTE_SKIP_LIVE_CHECK=1) to send anyway.' },
  'send/csv-unreadable': { severity: 'error', title: 'The recipient list cannot be read.', hint: 'Pass an existing CSV file with --to FILE.csv.' },
  'send/csv-syntax': { severity: 'error', title: 'The recipient list is not valid CSV.', hint: 'Quote fields that hold commas, quotes or line breaks, and double the quotes inside them.' },
  'send/csv-empty': { severity: 'error', title: 'The recipient list is empty.', hint: 'The first row names the columns (at least `email`), then one subscriber per row.' },
  'send/csv-no-email': { severity: 'error', title: 'The recipient list has no `email` column (matched in any case).', hint: 'Name one column of the header row `email`.' },
  'send/missing-column': { severity: 'error', title: 'The issue uses a merge tag whose column the recipient list lacks, without a fallback; nothing is sent.', hint: 'Add the column to the CSV, or give the tag a fallback: {{subscriber.<column> | default: "..."}}.' },
  'send/invalid-address': { severity: 'warning', title: 'A row of the recipient list holds no plain email address; it is recorded as invalid and not sent.', hint: 'Fix the address in the list (name@example.org), then re-run the same command.' },
  'send/test-address': { severity: 'error', title: 'An address given for a test copy is not a plain email address.', hint: 'Give plain addresses, e.g. --test you@example.org.' },
  'send/no-transport': { severity: 'error', title: 'sendIssue() was given no transport, SMTP URL or outbox folder.', hint: 'Pass an SMTP URL (smtp://user:password@host:587) or an outbox folder for .eml files.' },
  'send/e<smtp-error>': { severity: 'error', title: 'The SMTP server refused the session (the code is nodemailer\'s, e.g. `send/eauth`, `send/econnection`); nothing more is sent.', hint: 'Check SMTP_URL (user, password, port, TLS), then re-run the same command to resume.' },
  'suppress/invalid-address': { severity: 'error', title: '`gazette suppress add` was given something that is not an email address.', hint: 'Give plain addresses, e.g. gazette suppress add name@example.org.' },
  'subscribers/invalid-address': { severity: 'error', title: '`gazette subscribers` was given something that is not an email address.', hint: 'Give plain addresses, e.g. gazette subscribers add name@example.org.' },
  'subscribers/invalid-status': { severity: 'error', title: '`--status` names a state a subscriber cannot be in.', hint: 'Use pending, confirmed, unsubscribed, bounced or complained.' },
  'bounces/unreadable': { severity: 'error', title: '`gazette bounces` cannot read the mailbox it was given.', hint: 'Give an existing Maildir folder (with cur/ and new/), an mbox file, or an imap(s):// URL.' },
  'serve/listen': { severity: 'error', title: '`gazette serve` cannot listen on the host and port asked for.', hint: 'Pick another --port, or stop what is using it.' },
  'preview/listen': { severity: 'error', title: '`gazette preview` cannot listen on the port asked for.', hint: 'Pick another --port, or stop what is using it.' },
  'preview/subscribers': { severity: 'error', title: 'The preview\'s subscriber list cannot be read or has no `email` column.', hint: 'Give a CSV file whose header row has an `email` column.' },
  'preview/empty-merge-tag': { severity: 'warning', title: 'In the preview: a merge tag without a fallback renders as nothing for the subscriber the page is viewed as (the sample, or a row of `--subscribers`), e.g. "you live in ." for `{{subscriber.city}}`.', hint: 'Give the tag a fallback (`| default: "..."`), or make sure every subscriber has the column.' },
  'preview/build-crashed': { severity: 'error', title: 'The build crashed in the preview (a bug in Gazette).', hint: 'Report it with the file you just changed.' },
  'preview/check-crashed': { severity: 'error', title: 'No longer reported: a crashing rule is `check/crashed`, in the preview and in `gazette check`.', hint: 'See `check/crashed`.' },
  'screenshot/no-chromium': { severity: 'error', title: 'No Chromium was found for `gazette screenshot`.', hint: 'Install Chromium, or point CHROMIUM_PATH at a Chrome or Chromium executable.' },
  'new/bad-slug': { severity: 'error', title: '`gazette new` cannot make a file name from the title or --slug.', hint: 'Use letters, digits and dashes only, e.g. --slug campus-arts-festival.' },
  'new/exists': { severity: 'error', title: '`gazette new` would overwrite an existing file.', hint: 'Choose another title, or give another file name with --slug.' },
} as const satisfies Record<string, CodeInfo>;

/** A code listed in the catalogue. */
export type CatalogueCode = keyof typeof CODES;
/** What the send loop reports when the SMTP session fails: `send/` + nodemailer's error code, lowercased. */
export type SmtpSessionCode = `send/e${Lowercase<string>}` | 'send/fatal';
/** Every code a Diagnostic or GazetteError may carry. */
export type Code = Exclude<CatalogueCode, 'send/e<smtp-error>'> | SmtpSessionCode;

export const CATALOGUE: Readonly<Record<CatalogueCode, CodeInfo>> = CODES;

/** The families a `gazette check` finding belongs to; the rest are errors of other stages. */
export const CHECK_FAMILIES = ['size', 'html', 'image', 'link', 'client', 'compliance', 'a11y', 'hygiene', 'check'];

/** The entry for a code (SMTP session codes share one entry). */
export function codeInfo(code: Code): CodeInfo {
  return (CODES as Record<string, CodeInfo>)[code] ?? CODES['send/e<smtp-error>'];
}

export function isCatalogued(code: string): code is CatalogueCode {
  return Object.hasOwn(CODES, code);
}

/** The code for a failed SMTP session, from nodemailer's error code (EAUTH -> send/eauth). */
export function smtpSessionCode(errorCode: string | undefined): SmtpSessionCode {
  return `send/${(errorCode ?? 'fatal').toLowerCase()}` as SmtpSessionCode;
}

/** Where a code is documented: docs/checks.md, one anchor per code (`size/gmail-clip` -> `#size-gmail-clip`). */
export function docsAnchor(code: string): string {
  return `docs/checks.md#${code.replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '')}`;
}
