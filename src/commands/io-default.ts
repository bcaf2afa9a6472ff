// The streams and environment a command uses. main() in src/cli.ts passes nothing yet; tests pass
// their own. (Shaped like the CommandIo that commands are moving to.)

export interface Io {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
