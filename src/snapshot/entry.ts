import { closeSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startupSnapshot } from 'node:v8';
import { main } from '../cli.js';
// Evaluated while the snapshot is built, so that `gazette build` and `gazette check` start with
// them loaded: everything they import but the native addons (sharp, better-sqlite3), which
// scripts/build-snapshot.mjs leaves to be required at run time. MJML is loaded here too, and the
// compile worker is not used: its file is not beside the bundle (mjml-engine.ts), and a worker
// would start from Node's own snapshot and load mjml again.
import '../commands/build.js';
import '../commands/check.js';
import '../pipeline/render.js';
import '../render/template.js';
import '../check/index.js';
import 'mjml';

/** The bundle's own path, set by scripts/build-snapshot.mjs. */
declare const __gazetteBundle: string;

if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => {
    // The blob loaded: tell the launcher (src/snapshot/launch.ts), which otherwise runs the
    // command from lib/ itself. From here on the outcome is the command's.
    const ready = Number(process.env.GAZETTE_SNAPSHOT_READY_FD);
    delete process.env.GAZETTE_SNAPSHOT_READY_FD;
    if (ready > 2) {
      try {
        writeSync(ready, '1');
        closeSync(ready);
      } catch {}
    }
    // What the bundle requires at run time (native addons, lazily loaded packages) resolves from
    // the checkout, as lib/ would.
    (globalThis as { __gazetteRequire?: NodeRequire }).__gazetteRequire = createRequire(__gazetteBundle);
    // process.argv is [node, ...the command line]: there is no script.
    void main(process.argv.slice(1));
  });
}
