import { GazetteError } from './errors.js';

// One policy for the secret that keys unsubscribe and resubscribe tokens, applied wherever a
// secret enters Gazette (the CLI's GAZETTE_SECRET and the library's `secret` option alike): a
// weak one lets anyone forge tokens for any address.

export const MIN_SECRET_LENGTH = 16;
/** Estimated entropy (length times the Shannon entropy of its characters), bits. */
export const MIN_SECRET_BITS = 64;

const HINT = `Use a random string of at least ${MIN_SECRET_LENGTH} characters and ${MIN_SECRET_BITS} bits, e.g. the output of \`openssl rand -hex 32\`. Keep it out of content/ and git; send and serve must use the same one.`;

/** Why a secret is too weak, or undefined when it passes. */
export function secretWeakness(secret: unknown): string | undefined {
  if (typeof secret !== 'string' || secret === '') return 'is not set';
  if (secret.length < MIN_SECRET_LENGTH)
    return `is too short (${secret.length} characters, at least ${MIN_SECRET_LENGTH})`;
  const bits = estimatedBits(secret);
  if (bits < MIN_SECRET_BITS) return `is too predictable (about ${Math.floor(bits)} bits, at least ${MIN_SECRET_BITS})`;
  return undefined;
}

/** Returns the secret when it passes the policy; throws `config/no-secret` (or `config/weak-secret`) otherwise. */
export function checkSecret(secret: unknown, name = 'GAZETTE_SECRET'): string {
  const weakness = secretWeakness(secret);
  if (weakness) {
    throw new GazetteError(`${name} ${weakness}`, {
      code: weakness === 'is not set' ? 'config/no-secret' : 'config/weak-secret',
      hint: name === 'GAZETTE_SECRET' ? `Set GAZETTE_SECRET (in the environment or <root>/.env). ${HINT}` : HINT,
    });
  }
  return secret as string;
}

function estimatedBits(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  const n = [...s].length;
  let perChar = 0;
  for (const k of counts.values()) perChar -= (k / n) * Math.log2(k / n);
  return perChar * n;
}
