import { z } from 'zod';

// The content model of DESIGN §2. Names here are a contract with users' files: add, never rename.

export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const text = z.string().trim().min(1, 'must not be empty');
const optionalText = z.string().trim().optional();
/**
 * The calendar date as written, from the forms other generators use: `2024-4-09` (unpadded),
 * `2025-01-29 18:15:32 +0530` (Jekyll), `2024-01-14T07:07:07+01:00` (Hugo, TOML dates). The time
 * and zone are dropped, never applied: the post's date is the one its author wrote.
 */
export function normalizeDate(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  // The time and zone must exist (no hour 25, no +9999) even though they are dropped.
  const m =
    /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(?:[01]?\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?(?:\s*(?:[Zz]|[+-](?:0\d|1[0-4]):?[0-5]\d|[A-Z]{3,4}))?)?\s*$/.exec(
      v,
    );
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : v;
}

// One message per bad date: a value that is not written as a date is not also "not a real date".
const isoDate = z.preprocess(
  normalizeDate,
  z.string().superRefine((s, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
      ctx.addIssue({
        code: 'custom',
        message: /^\s*\d{4}-\d{1,2}-\d{1,2}[Tt\s]/.test(s)
          ? 'has a time or zone that does not exist (hours 0-23, minutes 0-59, zone +hh:mm)'
          : 'must be a date written YYYY-MM-DD',
      });
    else if (!isRealDate(s)) ctx.addIssue({ code: 'custom', message: 'is not a real calendar date' });
  }),
);
export const email = z.string().trim().email('must be an email address');
export const httpsUrl = z
  .string()
  .trim()
  .url('must be a full URL')
  .refine((u) => u.startsWith('https://'), 'must start with https://');
/** The scheme of an absolute URL (`javascript`, `https`...), or undefined for a relative one. */
function schemeOf(u: string): string | undefined {
  // Browsers drop tabs and newlines inside a scheme and ignore leading control characters and spaces.
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(u.replace(/[\u0000-\u0020]/g, ''));
  return m?.[1]?.toLowerCase();
}
/** A link in content: https, http (the build reports it as link/insecure) or mailto, nothing else. */
const linkUrl = z
  .string()
  .trim()
  .refine(
    (u) => ['https', 'http', 'mailto'].includes(schemeOf(u) ?? ''),
    'must be an https URL (http and mailto are accepted)',
  )
  .refine((u) => URL.canParse(u), 'must be a full URL');
/** An image: a path relative to publication.url, or an https (or http) URL; never javascript:, data:, file:. */
const imageSrc = text.refine((u) => {
  const scheme = schemeOf(u);
  return scheme === undefined
    ? !u.startsWith('//') || URL.canParse(`https:${u}`)
    : scheme === 'https' || scheme === 'http';
}, 'must be a path relative to publication.url or an https URL');
const bcp47 = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en, ar, pt-BR');
const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a color written #rrggbb');

export const authorSchema = z.object({ name: text, role: optionalText, email: email.optional() });
/** `author: ashmaroli` (Jekyll, Hugo) is an author with that name. */
const authorEntry = z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), authorSchema);
/** `by:` / `authors:` lists of names or of `{name, role}`; one bare name is a list of one. */
const authorList = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z.array(authorEntry).min(1, 'must list at least one author'),
);
/** Jekyll allows `tags: a b` (space-separated); Hugo and Eleventy write lists. */
const tagList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(v.includes(',') ? ',' : /\s+/)
          .map((t) => t.trim())
          .filter(Boolean)
      : v,
  z.array(z.union([z.string(), z.number()]).transform(String)),
);

export const publicationSchema = z.object({
  name: text,
  url: httpsUrl.transform((u) => u.replace(/\/+$/, '')),
  description: optionalText,
  logo: z
    .object({ src: imageSrc, alt: z.string(), width: z.number().int().positive().max(600).default(180) })
    .optional(),
  from: z.object({ name: text, address: email }),
  replyTo: email.optional(),
  address: text,
  language: bcp47.default('en'),
  accentColor: hexColor.default('#8a1c2b'),
  unsubscribeUrl: httpsUrl,
  unsubscribeMailto: email.optional(),
  subscribeUrl: httpsUrl.optional(),
  returnPath: email.optional(),
});

export const articleSchema = z
  .object({
    title: text,
    date: isoDate,
    author: authorEntry.optional(),
    authors: authorList.optional(),
    by: authorList.optional(),
    dek: optionalText,
    image: z.object({ src: imageSrc, alt: z.string(), credit: optionalText, dark: imageSrc.optional() }).optional(),
    section: optionalText,
    url: linkUrl.optional(),
    lang: bcp47.optional(),
    dir: z.enum(['ltr', 'rtl']).optional(),
    excerpt: optionalText,
    summary: optionalText,
    description: optionalText,
    draft: z.boolean().optional(),
    /** Jekyll's way of saying draft: `published: false`. */
    published: z.boolean().optional(),
    tags: tagList.optional(),
  })
  .superRefine((a, ctx) => {
    const given = (['author', 'authors', 'by'] as const).filter((k) => a[k] !== undefined);
    if (given.length === 0) ctx.addIssue({ code: 'custom', path: ['author'], message: 'missing required field' });
    if (given.length > 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1]!],
        message: `give one of \`author\`, \`authors\` or \`by\`, not ${given.map((k) => `\`${k}\``).join(' and ')}`,
      });
  });

/** What `layout:` may say: the file name of a templates/layouts/<name>.mjml.hbs. */
export const LAYOUT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const issueSchema = z.object({
  title: text,
  date: isoDate,
  number: z.number().int().positive().optional(),
  preheader: optionalText,
  // digest and feature are built in; a root may add its own layouts/<name>.mjml.hbs.
  layout: z.string().trim().regex(LAYOUT_NAME, 'must be a layout name such as digest or feature'),
  articles: z.array(z.string().trim().min(1)).min(1, 'must list at least one article slug'),
  draft: z.boolean().optional(),
});

export const KNOWN_KEYS = {
  publication: Object.keys(publicationSchema.shape),
  article: [
    'title',
    'date',
    'author',
    'authors',
    'by',
    'dek',
    'image',
    'section',
    'url',
    'lang',
    'dir',
    'excerpt',
    'summary',
    'description',
    'draft',
    'published',
    'tags',
  ],
  issue: Object.keys(issueSchema.shape),
} as const;

/**
 * Keys that Jekyll, Hugo, Eleventy and the Go blog use for their own site building and that mean
 * nothing in an email: read silently (an `info` note), so their posts build unchanged.
 */
export const GENERATOR_KEYS = [
  'layout',
  'permalink',
  'categories',
  'category',
  'slug',
  'lastmod',
  'publishDate',
  'expiryDate',
  'weight',
  'version',
  'keywords',
  'series',
  'aliases',
  'toc',
  'comments',
  'template',
  'eleventyNavigation',
  'eleventyExcludeFromCollections',
  'eleventyComputed',
  'redirect_from',
  'excerpt_separator',
  'math',
  'type',
  'images',
] as const;

/** What to do about a field, keyed by its last path element. */
export const FIELD_HINTS: Record<string, string> = {
  title: 'Add a line such as `title: Kazakhstan Joins the Abraham Accords`.',
  date: 'Write the date as YYYY-MM-DD (a time and zone may follow), e.g. `date: 2025-11-18` or `date: 2025-11-18 09:30 +0100`.',
  author:
    "Add `author: Dana Mash'Al`, `author: {name: Dana Mash'Al, role: Staff Writer}` or a list under `authors:` or `by:`.",
  authors: 'Write `authors:` as a list of names or of `{name, role}` entries.',
  by: 'Write `by:` as a list of names (`- Ada Writer`) or of `{name, role}` entries.',
  draft: 'Write `draft: true` or `draft: false`.',
  tags: 'Write `tags:` as a list, e.g. `tags: [release, tooling]`.',
  name: 'Add `name: ...`.',
  url: 'Write a full https URL, e.g. `url: https://example.org`.',
  unsubscribeUrl:
    'Point it at the path `gazette serve` answers, e.g. `unsubscribeUrl: https://example.org/unsubscribe`.',
  subscribeUrl:
    'Point it at the path `gazette serve` takes sign-ups on, e.g. `subscribeUrl: https://example.org/subscribe`.',
  returnPath:
    'Give the bounce mailbox, e.g. `returnPath: bounces@news.example.org`; each message then goes out with the envelope sender `bounces+<token>@news.example.org`.',
  address: "Add the publication's postal address; anti-spam laws require it in every email.",
  from: 'Write `from: {name: The Gazelle, address: newsletter@example.org}`.',
  layout:
    'Use `layout: digest` (several teasers) or `layout: feature` (one article in full), or the name of your own templates/layouts/<name>.mjml.hbs.',
  articles: 'List article slugs (file names without .md) under `articles:`, one per line as `- slug`.',
  number: 'Write the issue number as a whole number, e.g. `number: 42`.',
  accentColor: 'Write the color as #rrggbb, e.g. `accentColor: "#8a1c2b"` (quoted: # starts a YAML comment).',
  lang: 'Use a BCP 47 tag such as `en`, `ar` or `pt-BR`.',
  dir: 'Use `dir: ltr` or `dir: rtl`, or leave it out to derive it from `lang`.',
  alt: 'Describe the image for readers who cannot see it; use `alt: ""` only for decorative images.',
  src: 'Give the image path relative to publication.url, or a full https URL.',
  email: 'Write a plain address such as `name@example.org`.',
  address_email: 'Write a plain address such as `newsletter@example.org`.',
  language: 'Use a BCP 47 tag such as `en`.',
};
