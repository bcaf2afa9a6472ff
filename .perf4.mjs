import { buildIssue } from './lib/index.js';
import mjml2html from 'mjml';
async function time(label, fn) { for (let i = 0; i < 20; i++) await fn(); const N=80, ts = []; for (let i = 0; i < N; i++) { const t = performance.now(); await fn(); ts.push(performance.now() - t); } ts.sort((a,b)=>a-b); console.log(label.padEnd(20), ts[N>>1].toFixed(2)); }
const r = await buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' });
const m = r.issues[0].mjml;
const base = { validationLevel: 'strict', fonts: {}, minify: false };
await time('base', () => mjml2html(m, base));
await time('+filePath', () => mjml2html(m, { ...base, filePath: '/work/main/templates/' }));
await time('+ignoreIncludes', () => mjml2html(m, { ...base, ignoreIncludes: true }));
await time('+useMjmlConfigOptions', () => mjml2html(m, { ...base, useMjmlConfigOptions: false }));
await time('+keepComments', () => mjml2html(m, { ...base, keepComments: true }));
await time('+beautify', () => mjml2html(m, { ...base, beautify: false }));
await time('base again', () => mjml2html(m, base));
