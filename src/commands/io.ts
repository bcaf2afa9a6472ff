import path from 'node:path';
import type { MjmlEngine } from '../render/mjml-engine.js';

// What a command may touch of the world. main() in src/cli.ts hands in the process's streams,
// environment, folder and a stop signal; tests hand in memory streams and their own values.

export interface OutputStream {
  write(chunk: string): unknown;
  /** True for a terminal: progress bars and prompts. */
  isTTY?: boolean;
}

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface CommandIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** For prompts; absent: nothing is asked. */
  stdin?: InputStream;
  env: NodeJS.ProcessEnv;
  /** The folder relative paths (arguments and printed paths) are relative to. */
  cwd: string;
  /** Aborted when the user asks the command to stop (SIGINT/SIGTERM in main()). */
  signal?: AbortSignal;
  /** A compile worker already loading mjml (main() starts one for commands that compile); absent: in-process. */
  mjml?: MjmlEngine;
  /** The startup snapshot this process started from (src/snapshot/), if any: `build --verbose` says so. */
  snapshot?: string;
}

/** A command: parses its own arguments and returns the exit code. Only main() exits. */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;

/** `p` as the user would type it from io.cwd: relative inside it, absolute outside. */
export function displayPath(io: Pick<CommandIo, 'cwd'>, p: string): string {
  const rel = path.relative(io.cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
