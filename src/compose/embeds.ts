import type MarkdownIt from 'markdown-it';

type PluginSimple = (md: InstanceType<typeof MarkdownIt>) => void;
import type { Token } from 'markdown-it';

// No mail client plays an embedded video or frame. An `<iframe>`, and a paragraph that is only a
// YouTube or Vimeo link, become one linked "Watch: <title>" block in both parts, with a note
// saying so (so the editor knows what readers get).

/** A finding about the Markdown source, at a line of the body (1-based within it). */
export interface SourceNote {
  code: 'content/embed' | 'content/dropped-html' | 'content/wide-table';
  severity: 'warning' | 'info';
  message: string;
  hint: string;
  line: number;
}

/** The page to send a reader to for a video URL, and the host's name; undefined for other URLs. */
export function videoPage(url: string): { href: string; host: string } | undefined {
  let u: URL;
  try {
    u = new URL(url.startsWith('//') ? `https:${url}` : url);
  } catch {
    return undefined;
  }
  const host = u.hostname.replace(/^(www\.|m\.)/, '');
  const id = (s: string | null | undefined) => (s && /^[\w-]{6,}$/.test(s) ? s : undefined);
  if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
    const v = id(u.searchParams.get('v')) ?? id(/^\/(?:embed|shorts|live|v)\/([^/?#]+)/.exec(u.pathname)?.[1]);
    return v ? { href: `https://www.youtube.com/watch?v=${v}`, host: 'YouTube' } : undefined;
  }
  if (host === 'youtu.be') {
    const v = id(u.pathname.slice(1));
    return v ? { href: `https://www.youtube.com/watch?v=${v}`, host: 'YouTube' } : undefined;
  }
  if (host === 'vimeo.com' || host === 'player.vimeo.com') {
    const v = /^\/(?:video\/)?(\d+)/.exec(u.pathname)?.[1];
    return v ? { href: `https://vimeo.com/${v}`, host: 'Vimeo' } : undefined;
  }
  return undefined;
}

const IFRAME = /<iframe\b([^>]*)>(?:[\s\S]*?<\/iframe\s*>)?/gi;

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function embedNote(line: number, what: string, href: string): SourceNote {
  return {
    code: 'content/embed',
    severity: 'info',
    message: `${what} cannot play in an email; readers get a "Watch" link to ${href}`,
    hint: 'Nothing to do; give the iframe a `title` (or the link a label) to name what the link opens.',
    line,
  };
}

/** Replaces each `<iframe>` in raw HTML by a linked "Watch: <title>" paragraph. */
function rewriteIframes(html: string, line: number, notes: SourceNote[], inline: boolean): string {
  return html.replace(IFRAME, (whole, attrs: string) => {
    const src = attr(attrs, 'src');
    if (!src) return whole; // dropped by the sanitizer, and reported there
    const video = videoPage(src);
    const href = video?.href ?? (src.startsWith('//') ? `https:${src}` : src);
    const title = attr(attrs, 'title')?.trim() || (video ? `the video on ${video.host}` : 'the embedded page');
    notes.push(embedNote(line, `an <iframe> (${title})`, href));
    const link = `<a class="gz-embed" href="${escapeHtml(href)}">Watch: ${escapeHtml(title)}</a>`;
    return inline ? link : `<p class="gz-embed">${link}</p>`;
  });
}

/** A markdown-it core rule doing the rewriting; notes go to `env.notes`. */
export const embedsPlugin: PluginSimple = (md) => {
  md.core.ruler.push('gazette_embeds', (state) => {
    const notes: SourceNote[] = (state.env as { notes?: SourceNote[] }).notes ?? [];
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const line = (t.map?.[0] ?? 0) + 1;
      if (t.type === 'html_block' && /<iframe/i.test(t.content))
        t.content = rewriteIframes(t.content, line, notes, false);
      if (t.type !== 'inline' || !t.children) continue;
      for (const c of t.children)
        if (c.type === 'html_inline' && /<iframe/i.test(c.content))
          c.content = rewriteIframes(c.content, line, notes, true);
      const video = loneVideoLink(t.children);
      if (video && tokens[i - 1]?.type === 'paragraph_open') {
        const [open, label] = [video.open, video.label];
        const text = label.content.trim();
        const title = text && !/^(https?:)?\/\//.test(text) ? text : `the video on ${video.page.host}`;
        open.attrSet('href', video.page.href);
        open.attrSet('class', 'gz-embed');
        label.content = `Watch: ${title}`;
        tokens[i - 1]!.attrSet('class', 'gz-embed');
        notes.push(embedNote(line, `a ${video.page.host} link`, video.page.href));
      }
    }
  });
};

/** A paragraph that is only a link to a video: `<https://youtu.be/x>` or a bare, linkified URL. */
function loneVideoLink(
  children: Token[],
): { open: Token; label: Token; page: { href: string; host: string } } | undefined {
  const kids = children.filter((c) => !(c.type === 'text' && c.content.trim() === '') && c.type !== 'softbreak');
  if (kids.length !== 3) return undefined;
  const [open, label, close] = kids as [Token, Token, Token];
  if (open.type !== 'link_open' || label.type !== 'text' || close.type !== 'link_close') return undefined;
  const page = videoPage(String(open.attrGet('href') ?? ''));
  return page ? { open, label, page } : undefined;
}
