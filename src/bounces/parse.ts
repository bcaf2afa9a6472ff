// Reads delivery status notifications (RFC 3464, multipart/report; report-type=delivery-status)
// and feedback-loop reports (RFC 5965 ARF, report-type=feedback-report) out of raw messages.
// A small MIME walker of its own: reports are plain structured text, and a full MIME parser per
// message would be most of the cost of reading a 10,000-message mbox.

export interface ReportRecipient {
  /** From Final-Recipient (or Original-Recipient), lowercased; undefined when absent. */
  email?: string;
  action: string;
  /** RFC 3463 status, e.g. `5.1.1`. */
  status: string;
}

export interface Report {
  kind: 'bounce' | 'complaint';
  /** The report's own Message-ID (idempotency key), or a hash-free stand-in. */
  id: string;
  recipients: ReportRecipient[];
  /** Headers of the original message when the report includes them (lowercased names). */
  original?: Map<string, string>;
  /** ARF: Feedback-Type. */
  feedbackType?: string;
  /** Addresses the report itself was delivered to (To, Delivered-To, X-Original-To): a VERP address shows here. */
  deliveredTo: string[];
}

type Headers = Map<string, string>;

/** Header block -> map of lowercased names to unfolded values (first occurrence wins, except listed ones joined). */
export function parseHeaders(block: string): Headers {
  const out: Headers = new Map();
  for (const line of block
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = out.get(name);
    out.set(name, had === undefined ? value : `${had}, ${value}`);
  }
  return out;
}

function split(raw: string): { headers: Headers; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, m.index)), body: raw.slice(m.index + m[0].length) };
}

function param(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
}

function parts(body: string, boundary: string): string[] {
  const delim = `--${boundary}`;
  const out: string[] = [];
  const pieces = body.split(new RegExp(`(?:^|\\r?\\n)${delim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  for (const p of pieces.slice(1)) {
    if (p.startsWith('--')) break;
    out.push(p.replace(/^[ \t]*\r?\n/, ''));
  }
  return out;
}

function decode(body: string, headers: Headers): string {
  const cte = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable')
    return body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return body;
}

/** `rfc822; Ada@Example.org` -> `ada@example.org`. */
function addressField(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const a = (v.includes(';') ? v.slice(v.indexOf(';') + 1) : v).trim().replace(/^<|>$/g, '');
  return a.includes('@') ? a.toLowerCase() : undefined;
}

/** Blocks of `Name: value` fields separated by blank lines (message/delivery-status). */
function fieldGroups(text: string): Headers[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/\n[ \t]*\n/)
    .filter((g) => g.trim())
    .map(parseHeaders);
}

/** A report in `raw`, or undefined for any other message (a reply, an auto-responder, spam). */
export function parseReport(raw: string): Report | undefined {
  const { headers, body } = split(raw);
  const type = headers.get('content-type') ?? '';
  if (mediaType(headers) !== 'multipart/report') return undefined;
  const reportType = (param(type, 'report-type') ?? '').toLowerCase();
  const boundary = param(type, 'boundary');
  if (!boundary) return undefined;
  const deliveredTo = ['to', 'delivered-to', 'x-original-to']
    .flatMap((h) => (headers.get(h) ?? '').split(','))
    .map((a) => /<?([^<>\s]+@[^<>\s]+)>?/.exec(a.trim())?.[1]) // case kept: a VERP token is base64
    .filter((a): a is string => !!a);
  const id = headers.get('message-id') ?? `${headers.get('date') ?? ''}|${headers.get('from') ?? ''}|${raw.length}`;
  let recipients: ReportRecipient[] = [];
  let original: Headers | undefined;
  let feedbackType: string | undefined;
  for (const part of parts(body, boundary)) {
    const p = split(part);
    const t = mediaType(p.headers);
    const text = decode(p.body, p.headers);
    if (t === 'message/delivery-status' || t === 'message/global-delivery-status') {
      const [, ...perRecipient] = fieldGroups(text);
      recipients = perRecipient
        .filter((g) => g.has('action') || g.has('final-recipient'))
        .map((g) => ({
          email: addressField(g.get('final-recipient')) ?? addressField(g.get('original-recipient')),
          action: (g.get('action') ?? '').toLowerCase(),
          status: /\d\.\d{1,3}\.\d{1,3}/.exec(g.get('status') ?? '')?.[0] ?? '',
        }));
    } else if (t === 'message/feedback-report') {
      const f = parseHeaders(text);
      feedbackType = (f.get('feedback-type') ?? '').toLowerCase();
      const rcpt = addressField(f.get('original-rcpt-to'));
      recipients = [{ email: rcpt, action: 'complaint', status: '' }];
    } else if (t === 'message/rfc822' || t === 'text/rfc822-headers' || t === 'message/rfc822-headers') {
      original = split(text).headers;
    }
  }
  if (reportType === 'delivery-status' && recipients.length)
    return { kind: 'bounce', id, recipients, original, deliveredTo };
  if (reportType === 'feedback-report' && feedbackType !== undefined)
    return { kind: 'complaint', id, recipients, original, feedbackType, deliveredTo };
  return undefined;
}

/** Hard: failed with a permanent status other than "mailbox full" (5.2.2, often temporary in practice). */
export function isHard(r: ReportRecipient): boolean {
  return r.action === 'failed' && r.status.startsWith('5.') && r.status !== '5.2.2';
}

/** Soft: delayed, a 4.x.x status, or a full mailbox. */
export function isSoft(r: ReportRecipient): boolean {
  return !isHard(r) && (r.action === 'delayed' || r.action === 'failed');
}
