import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './site.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `gazette ...args` to completion (bounded: killed after `timeoutMs`). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningServe {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `gazette serve --port 0 ...` and waits for the URL it prints. */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<RunningServe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gazette serve did not start:\n${out}`));
    }, 30_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\/\n {2}unsubscribe endpoint: /.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          output: () => out,
          stop: () => {
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.kill('SIGTERM');
            return exited.finally(() => clearTimeout(kill));
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`gazette serve exited with ${code}:\n${out}`));
    });
  });
}

/** The environment without a GAZETTE_SECRET, plus `extra`. */
export function envWith(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('GAZETTE_SECRET' in extra)) delete env.GAZETTE_SECRET;
  return env;
}
