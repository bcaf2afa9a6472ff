import { loadContent } from './lib/load/index.js';
import { composeIssue } from './lib/compose/index.js';
import { compileTheme, readTheme } from './lib/template.js';
import { renderWebVersion } from './lib/web.js';
import { buildIssue } from './lib/index.js';
const root = '.';
async function time(label, fn) { for (let i = 0; i < 10; i++) await fn(); const N=50, ts = []; for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); } ts.sort((a,b)=>a-b); console.log(label, ts[N>>1].toFixed(2)); }
await time('load', () => loadContent(root));
const { content } = await loadContent(root);
await time('compose', () => composeIssue(content, content.issues[0]));
await time('readTheme', () => readTheme(root));
const files = await readTheme(root);
await time('compileTheme(cached)', () => compileTheme(files));
const r = await buildIssue({ root, issue: 'weekly-digest-2025-11-21' });
await time('web', () => renderWebVersion(r.issues[0].html, r.issues[0].issue));
