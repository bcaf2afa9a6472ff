import { buildIssue } from './lib/index.js';
import Handlebars from 'handlebars';
import mjml2html from 'mjml';
const r = await buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' });
const m = r.issues[0].mjml;
const A = [], B = [];
for (let i = 0; i < 300; i++) {
  let t = performance.now(); await buildIssue({ root: '.', issue: 'weekly-digest-2025-11-21' }); const a = performance.now() - t;
  t = performance.now(); await mjml2html(m, { validationLevel: 'strict', fonts: {}, minify: false }); const b = performance.now() - t;
  if (i >= 50) { A.push(a); B.push(b); }
}
const med = (x) => x.sort((p, q) => p - q)[x.length >> 1];
console.log({ gazette: med(A).toFixed(2), mjml: med(B).toFixed(2), ratio: (med(A) / med(B)).toFixed(3) });
