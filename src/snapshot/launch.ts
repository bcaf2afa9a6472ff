import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBlob } from './stamp.js';

/**
 * The commands that start from the startup snapshot: the ones editors and CI run cold, many times
 * a day. Long-running commands (preview, serve, send) keep their ordinary start: they pay it once.
 */
const SNAPSHOT_COMMANDS = new Set(['build', 'check']);

/** How Node dies on a blob it cannot read (V8's checks): never a signal someone sends to stop it. */
const CRASHES = new Set(['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE']);

/**
 * Whether Node runs with the options the blob was built with (none): V8 refuses a snapshot made
 * under other flags (`--max-old-space-size` in NODE_OPTIONS is common) and exits before Gazette
 * runs. The profiler's flags are Node's own and change nothing the blob holds.
 */
function plainNode(env: NodeJS.ProcessEnv): boolean {
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (/^--cpu-prof(-(dir|name|interval)=.*)?$/.test(args[i]!)) continue;
    if (/^--cpu-prof-(dir|name|interval)$/.test(args[i]!)) i++;
    else return false;
  }
  return !env.NODE_OPTIONS?.trim();
}

/**
 * Runs `gazette <argv>` from the startup snapshot in lib/snapshot/ (scripts/build-snapshot.mjs)
 * when the command is one that gains from it and the blob is fresh; resolves to false otherwise
 * (also when Node could not start from the blob: the command never ran), and the caller runs
 * lib/cli.js itself. `GAZETTE_SNAPSHOT=off` never uses it; a folder path uses
 * the blob there (tests).
 */
export function launch(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const setting = env.GAZETTE_SNAPSHOT;
  if (setting === 'off' || !SNAPSHOT_COMMANDS.has(argv[0] ?? '') || !plainNode(env)) return Promise.resolve(false);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const blob = freshBlob(path.resolve(here, '..'), setting ? path.resolve(setting) : here);
  if (!blob) return Promise.resolve(false);
  // fd 3: the command writes a byte there once it runs from the blob, and watches it for this
  // process going away (src/snapshot/entry.ts).
  const child = spawn(process.execPath, [...process.execArgv, '--snapshot-blob', blob, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, GAZETTE_SNAPSHOT_READY_FD: '3' },
  });
  let started = false;
  let forwarded = false;
  child.stdio[3]?.on('data', () => (started = true)).on('error', () => {});
  // A signal sent to this process alone (`kill`, a CI runner's timeout) reaches the command too;
  // Ctrl-C reaches both already, and the command decides.
  const forward = (signal: NodeJS.Signals) => {
    forwarded = true;
    child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve) => {
    let failed = false;
    child.on('error', () => {
      failed = true;
      for (const s of signals) process.off(s, forward);
      resolve(false);
    });
    // 'close', not 'exit': fd 3 has been read to its end by then.
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (failed) return;
      // Node could not start from the blob (refused under other V8 flags: an exit code; corrupt:
      // V8's trap) and the command never ran: it runs from lib/ instead, as without a snapshot.
      // Killed (Ctrl-C, SIGTERM, SIGKILL) before it ran, the command is stopped, not run again.
      if (!started && !forwarded && (signal ? CRASHES.has(signal) : code !== 0)) {
        process.stderr.write(
          `gazette: the startup snapshot ${blob} did not load (${signal ?? `exit code ${code}`}); running without it. ` +
            'Rebuild it with `npm run build:ts`, or set GAZETTE_SNAPSHOT=off.\n',
        );
        return resolve(false);
      }
      if (signal) process.kill(process.pid, signal);
      else process.exitCode = code ?? 1;
      resolve(true);
    });
  });
}
