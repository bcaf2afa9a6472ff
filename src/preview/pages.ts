import { GMAIL_CLIP_BYTES, SIZE_WARNING_BYTES } from '../check/index.js';
import { escapeHtml as esc } from '../render/merge.js';
import type { Diagnostic, IssueSource } from '../types.js';
import { PREVIEW_CLIENT } from './client.js';
import type { Scheme } from './frame.js';
import type { IssueView } from './session.js';
import { PREVIEW_CSS } from './style.js';

export type Tab = 'html' | 'text' | 'web';
export type View = 'both' | 'mobile' | 'desktop';

/** What the page shows; also the query string of /issues/<slug>/ (?tab=&view=&scheme=&sub=). */
export interface PageState {
  tab: Tab;
  view: View;
  scheme: Scheme;
  /** `sample`, `raw` (merge tags unfilled) or the index of a row of --subscribers. */
  sub: string;
}

export const MOBILE_WIDTH = 375;
export const DESKTOP_WIDTH = 640;

function shell(o: {
  title: string;
  nonce: string;
  state: object;
  body: string;
  view?: View;
  scheme?: Scheme;
  version: number;
}): string {
  // The state is JSON inside <script>: escape `<` so no value can close the element.
  const state = JSON.stringify(o.state).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en" data-view="${o.view ?? 'both'}" data-scheme="${o.scheme ?? 'light'}" data-version="${o.version}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(o.title)}</title>
<style nonce="${o.nonce}">${PREVIEW_CSS}</style>
</head>
<body>
${o.body}
<script type="application/json" id="gz-state">${state}</script>
<script nonce="${o.nonce}">${PREVIEW_CLIENT}</script>
</body>
</html>
`;
}

function bar(inner: string): string {
  // The public site as the build would publish it: the archive and its feed (src/preview/site-route.ts).
  const site = `<nav class="gz-site" aria-label="Public site"><a href="/archive/">Archive</a><a href="/archive/feed.xml">Feed</a></nav>`;
  return `<header class="gz-bar"><a class="gz-brand" href="/">Gazette</a>${inner}<span class="gz-spacer"></span>${site}<span id="gz-live" class="gz-live">Connecting…</span></header>`;
}

export interface IndexRow {
  slug: string;
  view?: IssueView;
  source?: IssueSource;
}

export function indexPage(o: {
  publicationName?: string;
  rows: IndexRow[];
  globalDiagnostics: Diagnostic[];
  version: number;
  nonce: string;
}): string {
  const rows = o.rows
    .map(({ slug, view, source }) => {
      const r = view?.rendered;
      const title = r?.issue.title ?? source?.title ?? slug;
      const date = r?.issue.date ?? source?.date ?? '';
      const layout = r?.issue.layout ?? source?.layout ?? '';
      const size = r ? `${(r.bytes.html / 1024).toFixed(1)} KB` : '—';
      return `<tr><td><a href="/issues/${encodeURIComponent(slug)}/">${esc(title)}</a>${view?.stale ? ' <span class="gz-pill error">stale</span>' : ''}<div class="gz-mono">${esc(slug)}</div></td><td>${esc(date)}</td><td>${esc(layout)}</td><td>${size}</td><td>${counts(view?.diagnostics ?? [])}</td></tr>`;
    })
    .join('\n');
  const global = o.globalDiagnostics.length
    ? `<section class="gz-card" id="gz-meta"><h2>Problems</h2>${diagnosticList(o.globalDiagnostics)}</section><br>`
    : '';
  const body = `${bar(`<span class="gz-crumb">${esc(o.publicationName ?? 'Preview')}</span>`)}
<main class="gz-wrap">
<h1 class="gz-h">Issues</h1>
${global}
${o.rows.length ? `<table class="gz-table"><thead><tr><th>Issue</th><th>Date</th><th>Layout</th><th>HTML size</th><th>Diagnostics</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : '<p>No issues yet. Create one with <code>gazette new issue</code>.</p>'}
</main>`;
  return shell({
    title: `${o.publicationName ?? 'Gazette'} · preview`,
    nonce: o.nonce,
    state: { page: 'index', version: o.version },
    body,
    version: o.version,
  });
}

function counts(diagnostics: readonly Diagnostic[]): string {
  const e = diagnostics.filter((d) => d.severity === 'error').length;
  const w = diagnostics.filter((d) => d.severity === 'warning').length;
  if (!e && !w) return '<span class="gz-pill clean">clean</span>';
  return `${e ? `<span class="gz-pill error">${e} error${e === 1 ? '' : 's'}</span>` : ''}${w ? `<span class="gz-pill warning">${w} warning${w === 1 ? '' : 's'}</span>` : ''}`;
}

export function diagnosticList(diagnostics: readonly Diagnostic[]): string {
  const item = (d: Diagnostic) => {
    const where = d.file ? `${d.file}:${d.line ?? 1}${d.column ? `:${d.column}` : ''}` : '';
    return `<li class="gz-diag ${d.severity}"><span class="gz-sev">${d.severity}</span>${esc(d.message)}${d.field ? ` <code>${esc(d.field)}</code>` : ''}<span class="gz-where gz-mono">${esc(where)}${where ? ' · ' : ''}${esc(d.code)}</span>${d.hint ? `<span class="gz-hint"><strong>Hint:</strong> ${esc(d.hint)}</span>` : ''}</li>`;
  };
  const problems = diagnostics
    .filter((d) => d.severity !== 'info')
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  // Notes (e.g. email-client support details) are folded away: they never fail a check.
  const notes = diagnostics.filter((d) => d.severity === 'info');
  const head = problems.length
    ? `<ul class="gz-diags">${problems.map(item).join('')}</ul>`
    : '<p class="gz-clean">No problems found.</p>';
  const tail = notes.length
    ? `<details class="gz-notes"><summary>${notes.length} note${notes.length === 1 ? '' : 's'}</summary><ul class="gz-diags">${notes.map(item).join('')}</ul></details>`
    : '';
  return head + tail;
}

export interface IssuePageOptions {
  view: IssueView;
  state: PageState;
  version: number;
  nonce: string;
  /** Options of the "View as" menu, value -> label. */
  subscribers: [string, string][];
  /** The inbox preview line of the email as this subscriber gets it. */
  snippet: string;
  smtpConfigured: boolean;
  buildMs: number;
}

export function issuePage(o: IssuePageOptions): string {
  const { view, state } = o;
  const r = view.rendered;
  const title = r?.issue.title ?? view.slug;
  const seg = (key: keyof PageState, options: [string, string][], label: string) =>
    `<div class="gz-seg" role="group" aria-label="${label}">${options.map(([v, text]) => `<button type="button" data-set="${key}:${v}" aria-pressed="${state[key] === v}">${text}</button>`).join('')}</div>`;
  const frameSrc = `frame?${new URLSearchParams({ part: state.tab, scheme: state.scheme, sub: state.sub, v: String(o.version) })}`;
  const frame = (cls: string, width: number, label: string) =>
    `<figure class="gz-device ${cls}"><figcaption>${label} · ${width} px</figcaption><iframe class="gz-frame" title="Email at ${width} px" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" src="${esc(frameSrc)}"></iframe></figure>`;

  const body = `${bar(`<span class="gz-crumb" title="${esc(title)}">${esc(title)}</span>
${seg(
  'tab',
  [
    ['html', 'HTML'],
    ['text', 'Text'],
    ['web', 'Web'],
  ],
  'Part',
)}
${seg(
  'view',
  [
    ['mobile', 'Mobile'],
    ['desktop', 'Desktop'],
    ['both', 'Both'],
  ],
  'Width',
)}
${seg(
  'scheme',
  [
    ['light', 'Light'],
    ['dark', 'Dark'],
    ['invert', 'Inverted'],
  ],
  'Color scheme',
)}
<label class="gz-sel">View as <select id="gz-sub">${o.subscribers.map(([v, label]) => `<option value="${esc(v)}"${v === state.sub ? ' selected' : ''}>${esc(label)}</option>`).join('')}</select></label>`)}
<div class="gz-layout">
<aside class="gz-side">
${metaPanel(o)}
${sendPanel(o.smtpConfigured)}
</aside>
<main class="gz-stage">
${frame('gz-mobile', MOBILE_WIDTH, 'Mobile')}
${frame('gz-desktop', DESKTOP_WIDTH, 'Desktop')}
</main>
</div>`;
  return shell({
    title: `${title} · Gazette preview`,
    nonce: o.nonce,
    state: { page: 'issue', slug: view.slug, version: o.version, ...state },
    body,
    view: state.view,
    scheme: state.scheme,
    version: o.version,
  });
}

/** The part of the page a rebuild replaces: inbox row, facts, diagnostics. */
function metaPanel(o: IssuePageOptions): string {
  const { view } = o;
  const r = view.rendered;
  const pub = view.publication;
  const fromName = pub?.from.name ?? pub?.name ?? 'Sender';
  const errors = view.diagnostics.filter((d) => d.severity === 'error').length;
  const banner = view.stale
    ? '<div class="gz-banner" role="alert">This issue does not build right now: showing the last good build. Fix the problems below; the page updates by itself.</div>'
    : !r
      ? '<div class="gz-banner" role="alert">This issue does not build yet. Fix the problems below; the page updates by itself.</div>'
      : '';
  const inbox = r
    ? `<section class="gz-card"><h2>Inbox</h2><div class="gz-inbox"><div class="gz-avatar" aria-hidden="true">${esc([...fromName][0] ?? '?')}</div><div class="gz-from"><span>${esc(fromName)}</span><time>${esc(r.issue.dateFormatted)}</time></div><div class="gz-subject">${esc(r.issue.title)}</div><div class="gz-snippet">${esc(o.snippet)}</div></div>
<div class="gz-counts">Subject ${[...r.issue.title].length} characters${r.issue.preheader ? ` · preheader ${[...r.issue.preheader].length}` : ' · no preheader: the preview line is the start of the body'}</div></section>`
    : '';
  const facts = r
    ? `<section class="gz-card"><h2>Issue</h2><dl class="gz-facts"><dt>Layout</dt><dd>${esc(r.issue.layout)}, ${r.issue.articles.length} article${r.issue.articles.length === 1 ? '' : 's'}</dd><dt>HTML</dt><dd>${(r.bytes.html / 1024).toFixed(1)} KB of Gmail's 102 KB<meter class="gz-meter" min="0" max="${GMAIL_CLIP_BYTES}" low="${SIZE_WARNING_BYTES}" high="${SIZE_WARNING_BYTES}" optimum="0" value="${Math.min(r.bytes.html, GMAIL_CLIP_BYTES)}"></meter></dd><dt>Text</dt><dd>${(r.bytes.text / 1024).toFixed(1)} KB</dd><dt>Merge tags</dt><dd>${r.mergeTags.length ? r.mergeTags.map((t) => `<code>${esc(t.name)}</code>`).join(' ') : 'none'}</dd><dt>Build</dt><dd>${Math.round(o.buildMs)} ms</dd></dl>
<div class="gz-raw"><a href="email.html" target="_blank">email.html</a><a href="email.txt" target="_blank">email.txt</a>${r.webHtml ? '<a href="web.html" target="_blank">web.html</a>' : ''}</div></section>`
    : '';
  const diags = `<section class="gz-card"><h2>Diagnostics${errors ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}</h2>${diagnosticList(view.diagnostics)}</section>`;
  return `<div id="gz-meta">${banner}${inbox}${diags}${facts}</div>`;
}

function sendPanel(smtpConfigured: boolean): string {
  if (smtpConfigured) {
    return `<section class="gz-card gz-send"><h2>Send test</h2><form id="gz-send"><input name="to" type="email" required placeholder="you@example.org" autocomplete="email"><button class="gz-btn" type="submit">Send test</button></form><pre id="gz-send-out" class="gz-send-out" aria-live="polite"></pre></section>`;
  }
  return `<section class="gz-card gz-send"><h2>Send test</h2><a id="gz-eml" class="gz-btn" href="test.eml?sub=sample" download>Download .eml</a><p class="gz-note">No SMTP server is configured, so the test message is offered as a file: open it in your mail app. To send tests, set <code>SMTP_URL</code> (e.g. <code>smtp://user:pass@host:587</code>) in the environment or in <code>.env</code> in the root, and reload.</p></section>`;
}
