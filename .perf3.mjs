import { compileTheme, readTheme } from './lib/template.js';
import { compileMjml } from './lib/compile.js';
import { restoreMergeTags } from './lib/merge.js';
import { renderTextPart } from './lib/text-part.js';
import { checkRendered } from './lib/check/index.js';
import { buildIssue } from './lib/index.js';
import mjml2html from 'mjml';
async function time(label, fn) { for (let i = 0; i < 20; i++) await fn(); const N=80, ts = []; for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); } ts.sort((a,b)=>a-b); console.log(label.padEnd(20), ts[N>>1].toFixed(2)); }
const files = await readTheme('.');
const { theme } = compileTheme(files);
const r = await buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' });
const ri = r.issues[0];
// rebuild context the same way
const ctx = { publication: ri.issue.publication, issue: ri.issue, intro: ri.issue.introHtml, articles: ri.issue.articles, feature: ri.issue.articles[0], links: { web: 'x', unsubscribe: 'GZMT00TMZG', archive: 'y' }, theme: (await import('./lib/theme.js')).themeOf(ri.issue.publication), year: 2025 };
await time('hbs render', () => theme.render('digest', ctx));
await time('compileMjml', () => compileMjml(ri.mjml, files));
await time('bare mjml strict', () => mjml2html(ri.mjml, { validationLevel: 'strict', fonts: {}, minify: false }));
await time('restore', () => restoreMergeTags(ri.html));
await time('text', () => renderTextPart(ri.issue, 'x'));
await time('check', () => checkRendered(ri, {}));
await time('buildIssue', () => buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' }));
