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
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine(isRealDate, 'is not a real calendar date');
const email = z.string().trim().email('must be an email address');
const httpsUrl = z
  .string()
  .trim()
  .url('must be a full URL')
  .refine((u) => u.startsWith('https://'), 'must start with https://');
const bcp47 = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en, ar, pt-BR');
const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a color written #rrggbb');

export const authorSchema = z.object({ name: text, role: optionalText, email: email.optional() });

export const publicationSchema = z.object({
  name: text,
  url: httpsUrl.transform((u) => u.replace(/\/+$/, '')),
  description: optionalText,
  logo: z.object({ src: text, alt: z.string(), width: z.number().int().positive().max(600).default(180) }).optional(),
  from: z.object({ name: text, address: email }),
  replyTo: email.optional(),
  address: text,
  language: bcp47.default('en'),
  accentColor: hexColor.default('#8a1c2b'),
  unsubscribeUrl: httpsUrl,
  unsubscribeMailto: email.optional(),
});

export const articleSchema = z
  .object({
    title: text,
    date: isoDate,
    author: authorSchema.optional(),
    authors: z.array(authorSchema).min(1, 'must list at least one author').optional(),
    dek: optionalText,
    image: z.object({ src: text, alt: z.string(), credit: optionalText }).optional(),
    section: optionalText,
    url: z.string().trim().url('must be a full URL').optional(),
    lang: bcp47.optional(),
    dir: z.enum(['ltr', 'rtl']).optional(),
    excerpt: optionalText,
  })
  .superRefine((a, ctx) => {
    if (!a.author && !a.authors) ctx.addIssue({ code: 'custom', path: ['author'], message: 'missing required field' });
    if (a.author && a.authors)
      ctx.addIssue({ code: 'custom', path: ['authors'], message: 'give either `author` or `authors`, not both' });
  });

export const issueSchema = z.object({
  title: text,
  date: isoDate,
  number: z.number().int().positive().optional(),
  preheader: optionalText,
  // digest and feature are built in; a root may add its own layouts/<name>.mjml.hbs.
  layout: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be a layout name such as digest or feature'),
  articles: z.array(z.string().trim().min(1)).min(1, 'must list at least one article slug'),
});

export const KNOWN_KEYS = {
  publication: Object.keys(publicationSchema.shape),
  article: ['title', 'date', 'author', 'authors', 'dek', 'image', 'section', 'url', 'lang', 'dir', 'excerpt'],
  issue: Object.keys(issueSchema.shape),
} as const;

/** What to do about a field, keyed by its last path element. */
export const FIELD_HINTS: Record<string, string> = {
  title: 'Add a line such as `title: Kazakhstan Joins the Abraham Accords`.',
  date: 'Write the date as YYYY-MM-DD, e.g. `date: 2025-11-18`.',
  author: "Add `author: {name: Dana Mash'Al, role: Staff Writer}` or a list under `authors:`.",
  authors: 'Write `authors:` as a list of `{name, role}` entries.',
  name: 'Add `name: ...`.',
  url: 'Write a full https URL, e.g. `url: https://example.org`.',
  unsubscribeUrl:
    'Point it at the path `gazette serve` answers, e.g. `unsubscribeUrl: https://example.org/unsubscribe`.',
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
