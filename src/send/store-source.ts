import type { SubscriberStores } from '../store/subscriber-store.js';
import { checkAddress } from './address.js';
import type { Delivery } from './transport.js';
import type { RecipientRow, RecipientSource } from './source.js';

// The subscriber store as a recipient source: the confirmed subscribers, in address order, paged
// (flat memory), with their fields as merge fields. The suppression list still decides at send
// time, as for a CSV.

export function storeSource(stores: SubscriberStores): RecipientSource {
  return {
    description: 'the subscriber store',
    async *rows(onColumns): AsyncIterable<RecipientRow> {
      onColumns?.(['email', ...(await stores.subscribers.fieldNames())]);
      let line = 0;
      for await (const s of stores.subscribers.list({ status: 'confirmed' })) {
        line++;
        const c = checkAddress(s.email);
        if (!c.ok) {
          yield { kind: 'invalid', raw: s.email, reason: `address ${JSON.stringify(s.email)} ${c.reason}`, line };
          continue;
        }
        const fields: Record<string, string> = Object.create(null) as Record<string, string>;
        Object.assign(fields, s.fields);
        fields.email = c.email;
        yield { kind: 'valid', email: c.email, ascii: c.ascii, fields, line };
      }
    },
  };
}

/**
 * A refusal at send time that says the mailbox does not exist or is disabled: enhanced status
 * 5.1.x or 5.2.1 (RFC 3463), or a bare 550/551/553 without one. Policy refusals (5.7.x: spam,
 * DMARC) and full mailboxes are the message's or the moment's fault, not the address's.
 */
export function isHardBounce(d: Delivery & { ok: false }): boolean {
  if (d.kind !== 'permanent' || d.smtpCode === undefined || d.smtpCode < 500) return false;
  const enhanced = /\b5\.(\d{1,3})\.(\d{1,3})\b/.exec(d.response);
  if (enhanced) return enhanced[1] === '1' || (enhanced[1] === '2' && enhanced[2] === '1');
  return d.smtpCode === 550 || d.smtpCode === 551 || d.smtpCode === 553;
}
