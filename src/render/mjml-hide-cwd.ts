import { BUILTIN_TEMPLATES } from './builtin-templates.js';

// Imported by mjml-lib.ts right before mjml, which it hands the folder of the built-in theme as
// the current folder: mjml-core reads (and require()s the packages of) the `.mjmlconfig` of
// process.cwd() as it loads, and Gazette's MJML runs without one (docs/templates.md). mjml-lib.ts
// puts process.cwd back once mjml has loaded: Node evaluates a loaded module graph (and esbuild's
// bundle) synchronously, so nothing else runs in between. Under vitest, which imports module by
// module, the next turn of the event loop puts it back at the latest.

export const realCwd = process.cwd;
process.cwd = () => BUILTIN_TEMPLATES;
setImmediate(() => {
  process.cwd = realCwd;
});
