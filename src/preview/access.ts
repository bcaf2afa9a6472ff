import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';

// Who may talk to the preview. It shows unsent issues and sends test mail, so:
// - on a loopback address (the default) the Host header must name this machine: a page on the
//   web cannot reach it through a name it controls (DNS rebinding);
// - on any other address (`--host 0.0.0.0`), a per-run token, printed in the URL as Jupyter does,
//   is required: `?token=` once, then an HttpOnly SameSite=Strict cookie;
// - a POST's Origin must be one of the server's own origins, never compared with the Host the
//   request itself claims (an attacker chooses both).

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const COOKIE = 'gazette_preview';

export type AccessVerdict =
  | { ok: true }
  | { ok: false; status: 403; message: string }
  | { ok: false; status: 303; location: string; cookie: string };

export interface PreviewAccess {
  /** The per-run token, when the preview listens beyond loopback. */
  readonly token: string | undefined;
  /** Called once the port is known. */
  setPort(port: number): void;
  check(req: IncomingMessage): AccessVerdict;
  /** True when a POST's Origin (if any) is one of this server's own origins. */
  originAllowed(req: IncomingMessage): boolean;
}

/** 127.0.0.1, localhost, ::1: the addresses where the Host check alone suffices (DESIGN §10). */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase());
}

export function previewAccess(host: string): PreviewAccess {
  const loopback = isLoopback(host);
  const token = loopback ? undefined : randomBytes(24).toString('base64url');
  let origins = new Set<string>();
  const hostNames = (): string[] => {
    const names = [...LOOPBACK, host.toLowerCase()];
    if (!loopback && (host === '0.0.0.0' || host === '::')) {
      names.push(os.hostname().toLowerCase());
      for (const list of Object.values(os.networkInterfaces()))
        for (const a of list ?? []) names.push(a.family === 'IPv6' ? `[${a.address}]` : a.address);
    }
    return names.map((n) => (n.includes(':') && !n.startsWith('[') ? `[${n}]` : n));
  };
  const matches = (given: string | undefined) =>
    token !== undefined &&
    given !== undefined &&
    given.length === token.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(token));

  return {
    token,
    setPort(port) {
      origins = new Set(hostNames().map((n) => `http://${n}:${port}`));
    },
    check(req) {
      if (loopback) {
        const hostHeader = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
        return LOOPBACK.has(hostHeader) || hostHeader === host.toLowerCase()
          ? { ok: true }
          : { ok: false, status: 403, message: 'Forbidden: unexpected Host header.' };
      }
      if (matches(cookieOf(req, COOKIE))) return { ok: true };
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
      if ((req.method === 'GET' || req.method === 'HEAD') && matches(query.get('token') ?? undefined)) {
        query.delete('token');
        const rest = query.toString();
        return {
          ok: false,
          status: 303,
          location: `${q < 0 ? raw : raw.slice(0, q)}${rest ? `?${rest}` : ''}`,
          cookie: `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        };
      }
      return {
        ok: false,
        status: 403,
        message: 'Forbidden: open the preview with the URL it printed (it carries a token for this run).',
      };
    },
    originAllowed(req) {
      const origin = req.headers.origin;
      return origin === undefined || origins.has(origin.toLowerCase());
    },
  };
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
