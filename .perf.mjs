import { buildIssue } from './lib/index.js';
import { compileTheme, readTheme } from './lib/template.js';
import mjml2html from 'mjml';
const root = '.';
const N = 60;
async function time(fn) { for (let i = 0; i < 10; i++) await fn(); const ts = []; for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); } ts.sort((a,b)=>a-b); return ts[N>>1]; }
const r = await buildIssue({ root, issue: 'weekly-digest-2025-11-21' });
const mjml = r.issues[0].mjml;
const g = await time(() => buildIssue({ root, issue: 'weekly-digest-2025-11-21' }));
const m = await time(() => mjml2html(mjml, { validationLevel: 'strict', fonts: {}, minify: false }));
const ms = await time(() => mjml2html(mjml, { fonts: {}, minify: false }));
console.log({ gazette: g.toFixed(2), mjmlStrict: m.toFixed(2), mjmlSoft: ms.toFixed(2), ratio: (g / m).toFixed(3) });
