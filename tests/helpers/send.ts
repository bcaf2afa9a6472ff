import { fork, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SECRET = 'test-secret-0123456789abcdef';
export const ISSUE = 'kazakhstan-abraham-accords';

/**
 * A temporary root with the sample content and a .env holding the secret. The .env also says
 * GAZETTE_SKIP_LIVE_CHECK=1 (unless `env` sets it): the sample's publication.url is a real site
 * these tests must not depend on; the live check has its own tests (live-check.test.ts).
 */
export async function makeRoot(
  env: Record<string, string> = { GAZETTE_SECRET: SECRET },
): Promise<{ root: string; cleanup(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gazette-send-'));
  await cp(path.join(REPO, 'content'), path.join(root, 'content'), { recursive: true });
  await writeFile(
    path.join(root, '.env'),
    Object.entries({ GAZETTE_SKIP_LIVE_CHECK: '1', ...env })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n') + '\n',
  );
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface Delivery {
  t: number;
  from: string;
  to: string[];
  messageId?: string;
  size: number;
  raw?: string;
}

export interface Sink {
  port: number;
  url: string;
  deliveries: Delivery[];
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts tests/helpers/smtp-sink.mjs in a child process (real smtp-server on 127.0.0.1). */
export async function startSink(options: {
  rules?: object;
  raw?: boolean;
  delay?: number;
  dir: string;
  /** Seconds before the sink stops by itself (default 110). */
  timeLimit?: number;
}): Promise<Sink> {
  const args = ['--time-limit', String(options.timeLimit ?? 110)];
  if (options.rules) {
    const file = path.join(options.dir, `rules-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(options.rules));
    args.push('--rules', file);
  }
  if (options.raw) args.push('--raw');
  if (options.delay) args.push('--delay', String(options.delay));
  const child: ChildProcess = fork(path.join(REPO, 'tests/helpers/smtp-sink.mjs'), args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const deliveries: Delivery[] = [];
  const waiters: (() => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`sink exited with ${code}`)));
    child.on('message', (m: { type: string; port?: number } & Delivery) => {
      if (m.type === 'listening') resolve(m.port!);
      if (m.type === 'delivery') {
        deliveries.push(m);
        for (const w of waiters.splice(0)) w();
      }
    });
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    deliveries,
    async waitFor(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (deliveries.length < n) {
        if (Date.now() > until) throw new Error(`only ${deliveries.length} of ${n} deliveries arrived`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (bin/gazette.js, compiled lib/). */
export function gazette(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onStart?(child: ChildProcess): void; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // The root's .env must decide: the test runner's own settings never leak in.
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const k of [
      'GAZETTE_SECRET',
      'SMTP_URL',
      'DKIM_DOMAIN',
      'DKIM_SELECTOR',
      'DKIM_PRIVATE_KEY',
      'DKIM_PRIVATE_KEY_FILE',
      'GAZETTE_DATABASE_URL',
    ])
      if (!options.env?.[k]) delete env[k];
    const child = spawn(process.execPath, [path.join(REPO, 'bin/gazette.js'), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onStart?.(child);
  });
}

/** A CSV of `n` addresses user0@example.org..., with a name column. */
export function csvOf(emails: string[], extra: (i: number) => string = (i) => `Reader ${i}`): string {
  return 'email,name\n' + emails.map((e, i) => `${e},"${extra(i).replace(/"/g, '""')}"`).join('\n') + '\n';
}
