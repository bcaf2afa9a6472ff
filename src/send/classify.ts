import type { Delivery } from './transport.js';

// How a failed delivery is classified (by reply code and error code, never by message text),
// shared by Gazette's own SMTP client and nodemailer's pool.

/** Errors that mean "the server or the network is in trouble", not "this address". */
export const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EPROTOCOL',
]);
/**
 * Replies that refuse the session, not an address (530 authentication required, 534 mechanism
 * too weak, 535 bad credentials, 538 encryption required): every message would get the same.
 */
const SESSION_REPLIES = new Set([530, 534, 535, 538]);
/** Configuration errors: every further message would fail the same way, so the run stops. */
const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS', 'ECONFIG', 'EPROXY']);

export function classify(err: unknown): Delivery & { ok: false } {
  const e = err as { responseCode?: number; code?: string; response?: string; message?: string };
  const response = (e.response ?? e.message ?? String(err)).slice(0, 500);
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const errorCode = typeof e.code === 'string' ? e.code : undefined;
  if ((errorCode && FATAL_CODES.has(errorCode)) || (smtpCode !== undefined && SESSION_REPLIES.has(smtpCode)))
    return { ok: false, kind: 'fatal', smtpCode, errorCode: errorCode ?? 'EAUTH', response };
  if (smtpCode !== undefined && smtpCode >= 500) return { ok: false, kind: 'permanent', smtpCode, errorCode, response };
  if (smtpCode !== undefined && smtpCode >= 400) return { ok: false, kind: 'temporary', smtpCode, errorCode, response };
  // Refused before it reached the server: this address or message will never go through.
  if (errorCode === 'EENVELOPE' || errorCode === 'EMESSAGE')
    return { ok: false, kind: 'permanent', errorCode, response };
  // A dropped or refused connection, a timeout, the pool closing under us, or anything unknown:
  // retried (boundedly) rather than given up on.
  return { ok: false, kind: 'temporary', errorCode: errorCode ?? 'ECONNECTION', response };
}

/** Signed headers: the RFC 6376 set plus both List-Unsubscribe headers (RFC 8058 requires them signed). */
export const DKIM_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Id:List-Unsubscribe:List-Unsubscribe-Post';
