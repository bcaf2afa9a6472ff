import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { LAYOUT_NAME } from '../load/schema.js';
import { label } from './labels.js';
import { escapeHtml, isSentinel, protectMergeTags } from './merge.js';
import type { BuildCache } from '../cache/build-cache.js';
import type { Theme } from './theme.js';
import type { Diagnostic, Issue, MergeTag } from '../types.js';

/** The built-in theme shipped with Gazette. */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface TemplateFile {
  /** Relative to its templates folder, e.g. `partials/footer.mjml.hbs`. */
  name: string;
  /** Path for messages (relative to the root when it is the root's own). */
  file: string;
  source: string;
}

export interface CompiledTheme {
  files: TemplateFile[];
  render(layout: string, context: TemplateContext): string;
  /** Merge tags written in the templates themselves. */
  mergeTags: MergeTag[];
}

export interface TemplateContext {
  publication: Issue['publication'];
  issue: Omit<Issue, 'articles' | 'publication' | 'introHtml' | 'introText'>;
  intro: string;
  articles: Issue['articles'];
  feature: Issue['articles'][number];
  /** The articles after the feature: the feature layout shows them as teasers (never drops them). */
  more: Issue['articles'];
  links: { web: string; unsubscribe: string; archive: string };
  theme: Theme;
  year: number;
}

const SUFFIX = '.mjml.hbs';

/**
 * Reads the theme: the root's `templates/` overrides the built-in files one by one (same
 * relative path); anything it lacks falls back to Gazette's own.
 */
export async function readTheme(root: string, cache?: BuildCache): Promise<TemplateFile[]> {
  const byName = new Map<string, TemplateFile>();
  for (const [dir, display] of [
    [BUILTIN_TEMPLATES, (n: string) => path.relative(root, path.join(BUILTIN_TEMPLATES, n)).split(path.sep).join('/')],
    [path.join(root, 'templates'), (n: string) => `templates/${n}`],
  ] as const) {
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true }) as string[];
    } catch {
      continue;
    }
    for (const entry of entries.sort()) {
      const name = entry.split(path.sep).join('/');
      if (!name.endsWith(SUFFIX)) continue;
      const abs = path.join(dir, entry);
      byName.set(name, { name, file: display(name), source: readSource(abs, cache) });
    }
  }
  return [...byName.values()];
}

/**
 * The layouts an issue of this root can name, as build resolves them: the built-in theme's and
 * the root's own `templates/layouts/<name>.mjml.hbs`. `confirm` is the sign-up confirmation
 * email's layout (src/server/confirm-email.ts), not an issue's.
 */
export async function issueLayouts(root: string): Promise<string[]> {
  return (await readTheme(root))
    .filter((f) => f.name.startsWith('layouts/'))
    .map((f) => f.name.slice('layouts/'.length, -SUFFIX.length))
    .filter((name) => name !== 'confirm' && LAYOUT_NAME.test(name));
}

/** A template's source, LF line endings; with a cache, decoded once per content hash. */
function readSource(abs: string, cache: BuildCache | undefined): string {
  const bytes = readFileSync(abs);
  const decode = () => bytes.toString('utf8').replace(/\r\n?/g, '\n');
  return cache ? cache.file(abs, abs, bytes, decode) : decode();
}

/** template: compiles the theme once per distinct set of sources (cached), or reports errors. */
export function compileTheme(
  files: TemplateFile[],
  cache?: BuildCache,
): { theme?: CompiledTheme; diagnostics: Diagnostic[] } {
  if (!cache) return compileThemeNow(files);
  let failed: ReturnType<typeof compileThemeNow> | undefined;
  const key = files.map((f) => `${f.name}\0${f.file}\0${f.source}`).join('\0');
  const theme = cache.text('compiled-theme', key, 20, () => {
    const r = compileThemeNow(files);
    if (!r.theme) failed = r;
    return r.theme;
  });
  return theme ? { theme, diagnostics: [] } : failed!;
}

function compileThemeNow(files: TemplateFile[]): { theme?: CompiledTheme; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const hb = Handlebars.create();
  registerHelpers(hb);
  const layouts = new Map<string, HandlebarsTemplateDelegate>();
  const mergeTags: MergeTag[] = [];
  for (const f of files) {
    const protectedSrc = protectMergeTags(f.source, f.file);
    mergeTags.push(...protectedSrc.tags);
    // strict: a missing key throws instead of printing nothing; escaping stays on.
    const fn = hb.compile(protectedSrc.text, { strict: true, noEscape: false, preventIndent: true });
    try {
      fn({}); // Handlebars compiles lazily: parse now, so a syntax error names this file
    } catch (err) {
      const d = handlebarsDiagnostic(err, f, true);
      if (d) {
        diagnostics.push(d);
        continue;
      }
    }
    const wrapped = withFile(fn, f);
    if (f.name.startsWith('partials/'))
      hb.registerPartial(f.name.slice('partials/'.length, -SUFFIX.length), wrapped as never);
    else if (f.name.startsWith('layouts/')) layouts.set(f.name.slice('layouts/'.length, -SUFFIX.length), wrapped);
  }
  if (diagnostics.length) return { diagnostics };

  const theme: CompiledTheme = {
    files,
    mergeTags,
    render(layout, context) {
      const fn = layouts.get(layout);
      if (!fn) {
        throw Object.assign(new Error(`no template for layout "${layout}"`), {
          gazette: {
            code: 'template/missing-layout',
            file: `templates/layouts/${layout}${SUFFIX}`,
            hint: `Create templates/layouts/${layout}${SUFFIX}, or use a layout the theme has: ${[...layouts.keys()].join(', ')}.`,
          },
        });
      }
      return fn(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    },
  };
  return { theme, diagnostics };
}

function withFile(fn: HandlebarsTemplateDelegate, f: TemplateFile): HandlebarsTemplateDelegate {
  return (ctx: unknown, opts?: Handlebars.RuntimeOptions) => {
    try {
      return fn(ctx, opts);
    } catch (err) {
      // The innermost template that failed names itself first.
      if (err && typeof err === 'object' && !('gazetteFile' in err)) Object.assign(err, { gazetteFile: f });
      throw err;
    }
  };
}

/** Turns a Handlebars error into a diagnostic naming the template file and line. */
export function handlebarsDiagnostic(
  err: unknown,
  fallback: TemplateFile | undefined,
  parseOnly = false,
): Diagnostic | undefined {
  if (!(err instanceof Error)) return undefined;
  const file = ((err as { gazetteFile?: TemplateFile }).gazetteFile ?? fallback)?.file;
  const parse = /Parse error on line (\d+)/.exec(err.message);
  const located = err as { lineNumber?: number; column?: number };
  const runtime = / - (\d+):(\d+)$/.exec(err.message);
  if (parseOnly && !parse && !/Expecting|Parse error|doesn't match|Invalid path/.test(err.message)) {
    // Rendering with an empty context fails in strict mode by design; only syntax matters here.
    return undefined;
  }
  const line = parse ? Number(parse[1]) : (located.lineNumber ?? (runtime ? Number(runtime[1]) : undefined));
  const missing = /"([^"]+)" not defined in/.exec(err.message);
  return {
    code: parse ? 'template/syntax' : missing ? 'template/missing-value' : 'template/error',
    severity: 'error',
    message: missing
      ? `template uses "${missing[1]}", which the context does not have`
      : `Handlebars: ${err.message.split('\n')[0]}`,
    file,
    line: line ?? 1,
    column: located.column !== undefined ? located.column + 1 : runtime ? Number(runtime[2]) + 1 : undefined,
    hint: missing
      ? 'Guard optional values with {{#if x}}...{{/if}}; see README, "Customizing templates", for the context.'
      : 'Check that every {{#block}} has its {{/block}} and every {{ has its }}.',
  };
}

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('url', (value: unknown) => new hb.SafeString(safeUrl(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{t "readMore" lang}} or {{t "moreFrom" issue.lang name=publication.name}}; escaped like {{x}}.
  hb.registerHelper('t', function (this: unknown, key: unknown, ...args: unknown[]) {
    const options = args.pop() as Handlebars.HelperOptions;
    const lang = (args[0] as string | undefined) ?? (options.data?.root as { issue?: { lang?: string } })?.issue?.lang;
    return label(String(key), lang, options.hash as Record<string, unknown>);
  });
}

/** Encodes a URL for an attribute; anything that is not http(s), mailto or tel becomes `#`. */
export function safeUrl(value: unknown): string {
  const s = String(value ?? '').trim();
  if (isSentinel(s)) return s; // a per-recipient merge tag (e.g. the unsubscribe URL)
  if (!/^(https?:|mailto:|tel:|#)/i.test(s)) return '#';
  return escapeHtml(encodeURI(decodeURIsafe(s)));
}

function decodeURIsafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}
