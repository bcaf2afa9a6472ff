import { createRequire } from 'node:module';
import { Socket } from 'node:net';
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
import '../render/mjml-lib.js';

/** The bundle's own path, set by scripts/build-snapshot.mjs. */
declare const __gazetteBundle: string;

if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => {
    // The blob loaded: tell the launcher (src/snapshot/launch.ts), which otherwise runs the
    // command from lib/ itself. From here on the outcome is the command's.
    const fd = Number(process.env.GAZETTE_SNAPSHOT_READY_FD);
    delete process.env.GAZETTE_SNAPSHOT_READY_FD;
    if (fd > 2) watchLauncher(fd);
    // What the bundle requires at run time (native addons, lazily loaded packages) resolves from
    // the checkout, as lib/ would.
    (globalThis as { __gazetteRequire?: NodeRequire }).__gazetteRequire = createRequire(__gazetteBundle);
    // process.argv is [node, ...the command line]: there is no script.
    void main(process.argv.slice(1));
  });
}

/**
 * Says "started" on the launcher's fd and keeps it open: the launcher holds the other end until
 * this process exits, so its end closing means it was killed by what it cannot pass on (SIGKILL),
 * and the command goes the same way, as it would have without a snapshot.
 */
function watchLauncher(fd: number): void {
  try {
    const launcher = new Socket({ fd, readable: true, writable: true });
    launcher.on('error', () => {}).on('close', () => process.kill(process.pid, 'SIGKILL'));
    launcher.write('1');
    // Watching must not keep a finished command alive.
    launcher.unref();
  } catch {}
}
