import { run } from '../../src/cli.js';
import type { CommandIo } from '../../src/commands/io.js';

// Commands in-process: `run(argv, io)` with memory streams, no child process and no compiled lib/.

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment a command sees: the test runner's, minus anything that would decide for the root's .env. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(GAZETTE_|SMTP_URL$|DKIM_)/.test(k)) delete env[k];
  return { ...env, ...extra };
}

export async function gz(
  argv: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    signal?: AbortSignal;
    tty?: boolean;
    /** Called once the command has started (it runs concurrently with whatever this does). */
    onStart?: () => void;
  } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty },
    env: cleanEnv(options.env),
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const running = run(argv, io);
  options.onStart?.();
  return { code: await running, stdout, stderr };
}

export interface LiveRun {
  /** stdout and stderr so far, interleaved as written. */
  output(): string;
  /** Resolves once the output matches (rejects after `timeoutMs`, or if the command ends first). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Aborts the command's signal (what SIGINT/SIGTERM do in main()) and waits for its result. */
  stop(): Promise<RunResult>;
  done: Promise<RunResult>;
}

/** A long-running command (preview, serve, send) in-process, watched while it runs. */
export function gzLive(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; tty?: boolean } = {},
): LiveRun {
  const abort = new AbortController();
  let both = '';
  let stdout = '';
  let stderr = '';
  let ended = false;
  const changed = new Set<() => void>();
  const wrote = () => {
    for (const f of changed) f();
  };
  const io: CommandIo = {
    stdout: { write: (s: string) => ((stdout += s), (both += s), wrote(), true), isTTY: options.tty },
    stderr: { write: (s: string) => ((stderr += s), (both += s), wrote(), true), isTTY: options.tty },
    env: cleanEnv(options.env),
    cwd: options.cwd ?? process.cwd(),
    signal: abort.signal,
  };
  const done = run(argv, io).then((code) => ({ code, stdout, stderr }));
  void done.finally(() => ((ended = true), wrote()));
  return {
    output: () => both,
    done,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(both)) finish();
          else if (ended) finish(new Error(`ended before ${pattern}:\n${both}`));
        };
        const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${timeoutMs} ms:\n${both}`)), timeoutMs);
        const finish = (err?: Error) => {
          clearTimeout(timer);
          changed.delete(check);
          if (err) reject(err);
          else resolve();
        };
        changed.add(check);
        check();
      }),
    stop: () => {
      abort.abort();
      return done;
    },
  };
}
