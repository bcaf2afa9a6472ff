import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closest } from '../load/validate.js';
import { GazetteError } from '../util/errors.js';

/** parseArgs with friendly errors: unknown options become a GazetteError with a hint. */
type HelpOption = { help: { type: 'boolean'; short: 'h' } };
export type ParsedCommandArgs<T extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & HelpOption; allowPositionals: true; strict: true }>
>;

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage: string,
  allowPositionals = false,
): ParsedCommandArgs<T> {
  try {
    const help: HelpOption = { help: { type: 'boolean', short: 'h' } };
    return parseArgs({
      args: argv,
      options: { ...options, ...help },
      allowPositionals,
      strict: true,
    }) as ParsedCommandArgs<T>;
  } catch (cause) {
    const message = (cause as Error).message;
    // "Unknown option '--strcit'": name the option the user probably meant.
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
    const near = unknown && unknown[1] === '--' ? closest(unknown[2]!, [...Object.keys(options), 'help']) : undefined;
    const short = near ? message.replace(/\. To specify a positional argument.*$/s, '') : message;
    throw new GazetteError(near ? `${short}; did you mean --${near}?` : message, {
      code: 'cli/usage',
      hint: usage,
      cause,
    });
  }
}

export function usageError(message: string, usage: string): GazetteError {
  return new GazetteError(message, { code: 'cli/usage', hint: usage });
}

export function numberOption(v: string, name: string, min: number, max: number, usage: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw usageError(`${name} must be a number from ${min} to ${max}, not ${JSON.stringify(v)}`, usage);
  return n;
}

/**
 * A TCP port for --port: digits only (no sign, space or exponent), 0 to 65535; 0 lets the system
 * pick a free one. `gazette serve` and `gazette preview` share it, so both refuse the same values.
 */
export function portOption(v: string): number {
  const port = Number(v);
  if (!/^\d{1,5}$/.test(v) || port > 65535)
    throw new GazetteError(`--port "${v}" is not a port number`, {
      code: 'cli/usage',
      field: 'port',
      hint: 'Give a port number from 0 to 65535 (0 picks a free one).',
    });
  return port;
}

export function intOption(
  v: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  usage: string,
): number {
  if (v === undefined) return fallback;
  const n = numberOption(v, name, min, max, usage);
  if (!Number.isInteger(n)) throw usageError(`${name} must be a whole number, not ${JSON.stringify(v)}`, usage);
  return n;
}
