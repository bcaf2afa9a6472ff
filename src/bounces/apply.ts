import type { SubscriberStores } from '../store/subscriber-store.js';
import { isHard, isSoft, type Report } from './parse.js';
import { verpAddress } from '../util/verp.js';
import { normalizeEmail } from '../util/email.js';

export { verpAddress, verpToken } from '../util/verp.js';

// Turns reports into states. A recipient is matched, most trustworthy first, by: the original
// Message-ID (deterministic and salted with the secret: a stranger cannot forge one) looked up in
// the send journal; a VERP return path `bounces+<token>@` signed with the secret; the To of the
// original headers inside the report; the report's own Final-Recipient / Original-Rcpt-To.
// Hard bounces and complaints stop the address at once; soft bounces after `softLimit` distinct
// reports inside `softWindowMs`. Applying the same report twice changes nothing.

export interface ApplyOptions {
  stores: SubscriberStores;
  secret?: string;
  softLimit: number;
  softWindowMs: number;
  /** Names the input in the suppression list's `source` (e.g. `dsn`, `arf`, `webhook:postmark`). */
  source?: string;
  now?: number;
}

export interface Tally {
  messages: number;
  notReports: number;
  hard: number;
  soft: number;
  softStopped: number;
  complaints: number;
  unmatched: number;
}

export function emptyTally(): Tally {
  return { messages: 0, notReports: 0, hard: 0, soft: 0, softStopped: 0, complaints: 0, unmatched: 0 };
}

function addressIn(header: string | undefined): string | undefined {
  const m = /<?([^<>\s,;"]+@[^<>\s,;"]+)>?\s*$/.exec(header ?? '');
  return m?.[1] && normalizeEmail(m[1]);
}

async function recipientOf(report: Report, fallback: string | undefined, o: ApplyOptions): Promise<string | undefined> {
  const mid = report.original?.get('message-id');
  if (mid) {
    const byId = await o.stores.subscribers.addressForMessageId(mid);
    if (byId) return byId;
  }
  if (o.secret)
    for (const a of report.deliveredTo) {
      const v = verpAddress(a, o.secret);
      if (v) return v;
    }
  return addressIn(report.original?.get('to')) ?? fallback;
}

export async function applyReport(report: Report, o: ApplyOptions, tally: Tally): Promise<void> {
  const now = o.now ?? Date.now();
  const single = report.recipients.length === 1;
  for (const r of report.recipients) {
    // The original message (one per recipient in Gazette) names the recipient only when the
    // report is about one; a report listing several is matched by each Final-Recipient.
    const email = single ? await recipientOf(report, r.email, o) : r.email;
    if (!email) {
      tally.unmatched++;
      continue;
    }
    if (report.kind === 'complaint') {
      if (report.feedbackType === 'not-spam') continue;
      tally.complaints++;
      await stop(o, email, 'complained', 'complaint', o.source ?? 'arf');
    } else if (isHard(r)) {
      tally.hard++;
      await stop(o, email, 'bounced', 'bounce', o.source ?? `dsn:${r.status}`);
    } else if (isSoft(r)) {
      tally.soft++;
      const n = await o.stores.subscribers.softBounce(email, now, o.softWindowMs, `${report.id}|${r.status}`);
      if (n >= o.softLimit && (await stop(o, email, 'bounced', 'bounce', `soft-bounces:${n}`))) tally.softStopped++;
    }
  }
}

async function stop(
  o: ApplyOptions,
  email: string,
  status: 'bounced' | 'complained',
  reason: 'bounce' | 'complaint',
  source: string,
): Promise<boolean> {
  let changed = false;
  const sub = await o.stores.subscribers.get(email);
  // A complaint outranks everything; a bounce does not soften a complaint.
  if (sub && sub.status !== 'complained' && sub.status !== status)
    changed = await o.stores.subscribers.setStatus(email, status);
  const had = await o.stores.suppressions.get(email);
  if (!had) changed = (await o.stores.suppressions.add(email, reason, source)) || changed;
  else if (reason === 'complaint' && had.reason !== 'complaint' && !had.email.startsWith('sha256:')) {
    await o.stores.suppressions.replace(email, 'complaint', source);
    changed = true;
  }
  return changed;
}
