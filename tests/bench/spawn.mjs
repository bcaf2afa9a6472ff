// Child processes of the benchmark, timed from spawn to exit.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './fixtures.mjs';

/** GNU time reports the peak RSS of the process it runs; used when installed. */
export const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

/**
 * Runs `node ...args` and resolves {ms, code, stdout, stderr, peakRssKb?, cpuMs?}. When GNU time
 * is installed the child runs under it, which reports the child's peak RSS and CPU time (user +
 * system) from outside; CPU time is far less disturbed by other load on the machine than wall time.
 */
export function runNode(args, { env, timeoutMs = 300_000, onStdout } = {}) {
  const rssFile = GNU_TIME ? path.join(os.tmpdir(), `gazette-bench-time-${process.pid}-${Date.now()}`) : undefined;
  const [cmd, argv] = rssFile
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
      onStdout?.(String(c));
    });
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      let peakRssKb;
      let cpuMs;
      if (rssFile && existsSync(rssFile)) {
        // The last line is "%M %U %S" (a line before it says so if the child was signalled).
        const [kb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        if (Number.isFinite(kb)) peakRssKb = kb;
        if (Number.isFinite(user) && Number.isFinite(sys)) cpuMs = (user + sys) * 1000;
        rmSync(rssFile, { force: true });
      }
      resolve({ ms, code: signal ? `signal ${signal}` : code, stdout, stderr, peakRssKb, cpuMs });
    });
  });
}

/** The rows a figure script printed as its last stdout line. */
export function lastJson(stdout) {
  const line = stdout.trim().split('\n').pop();
  return JSON.parse(line);
}
