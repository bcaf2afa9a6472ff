import { domainToASCII } from 'node:url';
import { normalizeEmail } from '../util/email.js';

// Recipient addresses come from a CSV anyone may have edited. We accept the plain dot-atom form
// that mailbox providers actually hand out and refuse everything the address-parser advisories
// of 2025-2026 were about: quoted local parts (a quoted "a@b c"@d can be routed to another
// mailbox by a lenient parser), comments "(...)" in either part, angle brackets, several "@",
// IP literals, and any control character, CR or LF (header and SMTP command injection).

export type AddressCheck = { ok: true; email: string; ascii: string } | { ok: false; reason: string };

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Validates one address. `email` is the normalized (trimmed, lowercased) form used as the
 * journal and suppression key; `ascii` has its domain in A-label (punycode) form for SMTP.
 */
export function checkAddress(raw: string): AddressCheck {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: 'contains a line break or control character' };
  const email = normalizeEmail(raw);
  if (email === '') return { ok: false, reason: 'is empty' };
  if (email.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  if (/["()<>[\]\\,;:\s]/.test(email))
    return {
      ok: false,
      reason:
        'holds quotes, comments, brackets, spaces or separators; only plain addresses (name@example.org) are sent',
    };
  const at = email.indexOf('@');
  if (at < 0 || at !== email.lastIndexOf('@')) return { ok: false, reason: 'must hold exactly one "@"' };
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length === 0 || local.length > 64) return { ok: false, reason: 'has an empty or over-long local part' };
  if (!local.split('.').every((atom) => ATEXT.test(atom)))
    return {
      ok: false,
      reason: 'has a local part that is not a plain dot-atom (no leading, trailing or double dots; ASCII only)',
    };
  const asciiDomain = /^[\x21-\x7e]+$/.test(domain) ? domain : domainToASCII(domain);
  if (!asciiDomain) return { ok: false, reason: 'has a domain that is not a valid internationalized name' };
  const labels = asciiDomain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)))
    return { ok: false, reason: 'has a domain that is not a valid host name (e.g. example.org)' };
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels[labels.length - 1]!))
    return { ok: false, reason: 'has a domain without a valid top-level domain' };
  return { ok: true, email, ascii: `${local}@${asciiDomain}` };
}
