import { BUILTIN_TEMPLATES } from './builtin-templates.js';

// Imported by mjml-lib.ts right before mjml, which it hands the folder of the built-in theme as
// the current folder: mjml-core reads (and require()s the packages of) the `.mjmlconfig` of
// process.cwd() as it loads, and Gazette's MJML runs without one (docs/templates.md). mjml-lib.ts
// puts process.cwd back once mjml has loaded: Node evaluates a loaded module graph (and esbuild's
// bundle) synchronously, so nothing else runs in between. Under vitest, which imports module by
// module, the next turn of the event loop puts it back at the latest.

const realCwd = process.cwd;
const hidden = () => BUILTIN_TEMPLATES;
process.cwd = hidden;

/** Puts back the real process.cwd (unless someone else has replaced it since). */
export function restoreCwd(): void {
  if (process.cwd === hidden) process.cwd = realCwd;
}
setImmediate(restoreCwd);
