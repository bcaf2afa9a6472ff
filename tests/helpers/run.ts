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
