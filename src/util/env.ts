import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads `<root>/.env` (KEY=value lines, # comments, optional quotes) into a copy of the
 * environment. Real environment variables win over the file. Secrets (SMTP_URL, GAZETTE_SECRET,
 * DKIM keys) belong here or in the environment, never in content/.
 */
export function loadEnv(root: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  let text: string;
  try {
    text = readFileSync(path.join(root, '.env'), 'utf8');
  } catch {
    return { ...env };
  }
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m || raw.trimStart().startsWith('#')) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[m[1]!] = value;
  }
  return { ...out, ...env };
}

/**
 * A warning line when `<root>/.env` (SMTP password, GAZETTE_SECRET, DKIM key) can be read by
 * other users of the machine; undefined when it is private or absent (and on Windows, where
 * modes mean nothing).
 */
export function envFileWarning(root: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let mode: number;
  try {
    mode = statSync(path.join(root, '.env')).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  const file = path.join(root, '.env');
  return `warning: ${file} is readable by others (mode ${mode.toString(8).padStart(3, '0')}); it holds secrets.\n  hint: chmod 600 ${file}\n`;
}
