// The bare-library peer: what a user would wire by hand to get the same email without Gazette.
// gray-matter reads the files (and, with its YAML engine, publication.yml), marked renders the Markdown, a plain Handlebars instance fills
// Gazette's own built-in templates (the same MJML, so the comparison is the pipeline and not the
// theme), and mjml2html compiles with its defaults (validationLevel 'soft'). No validation, no
// sanitizing, no text part, no web version, no checks: only email HTML.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import matter from 'gray-matter';
import Handlebars from 'handlebars';
import { marked } from 'marked';
import mjml2html from 'mjml';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

// The palette a user would write into their own config once (Gazette derives the same values
// from accentColor; here they are constants, which only makes the peer faster).
const THEME = {
  onAccent: '#ffffff',
  text: '#1f1f1f',
  muted: '#595959',
  background: '#f3f0ea',
  paper: '#ffffff',
  border: '#dcd6cc',
  codeBackground: '#f4f2ee',
  fontBody: '-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif',
  fontHeading: 'Georgia, Times New Roman, Times, serif',
  dark: {
    background: '#121212',
    paper: '#1c1c1e',
    text: '#ececec',
    muted: '#b4b4b4',
    accent: '#b97780',
    border: '#3a3a3c',
  },
};

// The theme's words, as a user would keep them for the two languages of the sample (Gazette's
// templates call {{t "key" lang}}).
const WORDS = {
  en: {
    readMore: 'Read more',
    readOnWeb: 'Read it on the web',
    moreFrom: 'More from {name}',
    issue: 'Issue',
    viewInBrowser: 'View in browser',
    unsubscribe: 'Unsubscribe',
    whyReceiving: 'You are receiving this email because you subscribed to {name}.',
    website: 'Website',
    pastIssues: 'Past issues',
  },
  ar: {
    readMore: 'اقرأ المزيد',
    readOnWeb: 'اقرأ على الموقع',
    moreFrom: 'المزيد من {name}',
    issue: 'العدد',
    viewInBrowser: 'اعرض في المتصفح',
    unsubscribe: 'إلغاء الاشتراك',
    whyReceiving: 'تصلك هذه الرسالة لأنك مشترك في النشرة البريدية لـ {name}.',
    website: 'الموقع',
    pastIssues: 'الأعداد السابقة',
  },
};

let compiled;
/** Compiles the theme once per process, as any long-running script would. */
function templates() {
  if (compiled) return compiled;
  const hb = Handlebars.create();
  hb.registerHelper('url', (v) => new hb.SafeString(hb.escapeExpression(encodeURI(String(v ?? '')))));
  hb.registerHelper('eq', (a, b) => a === b);
  hb.registerHelper('t', (key, ...args) => {
    const options = args.pop();
    const lang = args[0] ?? options.data.root.issue.lang;
    return (WORDS[lang] ?? WORDS.en)[key].replace(/\{(\w+)\}/g, (_, k) => options.hash[k] ?? '');
  });
  const dir = path.join(TEMPLATES, 'partials');
  for (const f of readdirSync(dir))
    hb.registerPartial(f.replace('.mjml.hbs', ''), readFileSync(path.join(dir, f), 'utf8'));
  const layout = (name) => hb.compile(readFileSync(path.join(TEMPLATES, 'layouts', `${name}.mjml.hbs`), 'utf8'));
  const byHand = hb.compile(readFileSync(new URL('./peer-email.mjml.hbs', import.meta.url), 'utf8'));
  compiled = { digest: layout('digest'), feature: layout('feature'), byHand };
  return compiled;
}

const dateFormats = new Map();
const listFormats = new Map();
function formatDate(d, lang) {
  if (!dateFormats.has(lang))
    dateFormats.set(lang, new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }));
  return dateFormats.get(lang).format(d instanceof Date ? d : new Date(`${d}T00:00:00Z`));
}
function byline(authors, lang) {
  if (!listFormats.has(lang)) listFormats.set(lang, new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }));
  return listFormats.get(lang).format(authors.map((a) => a.name));
}

/** Reads and renders everything an issue needs into a template context (every call re-reads the files). */
export function loadContext(root, slug) {
  const read = (...p) => readFileSync(path.join(root, 'content', ...p), 'utf8');
  // gray-matter's own YAML engine (js-yaml): the fastest parser the peer already has.
  const pub = matter.engines.yaml.parse(read('publication.yml'));
  if (pub.logo) pub.logo = { ...pub.logo, src: new URL(pub.logo.src, pub.url + '/').href };
  const issue = matter(read('issues', `${slug}.md`));
  const lang = pub.language ?? 'en';
  const articles = issue.data.articles.map((s) => {
    const { data, content } = matter(read('articles', `${s}.md`));
    const alang = data.lang ?? lang;
    const html = marked.parse(content);
    return {
      slug: s,
      title: data.title,
      date: data.date,
      dateFormatted: formatDate(data.date, alang),
      authors: data.authors ?? (data.author ? [data.author] : []),
      byline: byline(data.authors ?? (data.author ? [data.author] : []), alang),
      dek: data.dek,
      image: data.image ? { ...data.image, url: new URL(data.image.src, pub.url + '/').href } : undefined,
      section: data.section,
      url: data.url ?? `${pub.url}/articles/${s}/`,
      lang: alang,
      dir: data.dir ?? (RTL.has(alang) ? 'rtl' : 'ltr'),
      html,
      excerpt: data.excerpt ?? /<p>([\s\S]*?)<\/p>/.exec(html)?.[1].replace(/<[^>]+>/g, '') ?? '',
    };
  });
  const webUrl = `${pub.url}/issues/${slug}/`;
  return {
    introMarkdown: issue.content,
    context: {
      publication: pub,
      issue: {
        slug,
        title: issue.data.title,
        date: issue.data.date,
        dateFormatted: formatDate(issue.data.date, lang),
        number: issue.data.number,
        preheader: issue.data.preheader,
        layout: issue.data.layout,
        webUrl,
        lang,
        dir: 'ltr',
      },
      articles,
      feature: articles[0],
      links: { web: webUrl, unsubscribe: pub.unsubscribeUrl, archive: `${pub.url}/` },
      theme: { ...THEME, accent: pub.accentColor },
      year: Number(
        String(issue.data.date instanceof Date ? issue.data.date.toISOString() : issue.data.date).slice(0, 4),
      ),
    },
  };
}

/**
 * Template + MJML for one reader (the intro's merge tag and the unsubscribe link filled in
 * before rendering, the way a script without a fill step personalizes). `template` is the
 * theme's layout (default) or `byHand`, the hand-written MJML of the size comparison.
 */
export async function renderEmail(loaded, reader = { name: 'reader', unsubscribe: undefined }, template) {
  const t = templates();
  const intro = marked.parse(loaded.introMarkdown.replace(/\{\{\s*subscriber\.name[^}]*\}\}/g, reader.name));
  const ctx = {
    ...loaded.context,
    intro,
    links: { ...loaded.context.links, unsubscribe: reader.unsubscribe ?? loaded.context.links.unsubscribe },
  };
  const mjml = (template ? t[template] : t[ctx.issue.layout])(ctx);
  const out = await mjml2html(mjml, { validationLevel: 'soft' });
  return out.html;
}

/** One whole peer build of an issue: read everything, render, compile. */
export async function peerBuild(root, slug, template) {
  return renderEmail(loadContext(root, slug), undefined, template);
}
