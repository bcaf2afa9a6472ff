import { applyReport, type ApplyOptions, emptyTally, type Tally } from '../apply.js';
import type { Report } from '../parse.js';
import { normalizeEmail } from '../../util/email.js';

// What a provider's webhook says, once its signature has been checked: one event per address.
// Events go through the same applyReport as DSNs and ARF reports, so a webhook and a bounce
// mailbox reporting the same failure agree, and a repeat changes nothing.

export type EventKind = 'hard' | 'soft' | 'complaint';

export interface WebhookEvent {
  /** The provider's id of the event (with the address, the key that makes a repeat count once). */
  id: string;
  email: string;
  kind: EventKind;
  /** RFC 3463 status when the provider gives one. */
  status?: string;
}

/** Where the verified events go: the subscriber store, under `webhook:<provider>`. */
export type EventOptions = Omit<ApplyOptions, 'source'>;

function asReport(e: WebhookEvent): Report {
  const given = /^\d\.\d{1,3}\.\d{1,3}$/.test(e.status ?? '') ? e.status! : '';
  // The provider has classified the event: its verdict wins over the status code's (a provider
  // calls a 5.2.2 permanent when the mailbox stays full, for example).
  const status =
    e.kind === 'hard'
      ? given.startsWith('5.') && given !== '5.2.2'
        ? given
        : '5.0.0'
      : e.kind === 'soft'
        ? given.startsWith('4.')
          ? given
          : '4.0.0'
        : '';
  return {
    kind: e.kind === 'complaint' ? 'complaint' : 'bounce',
    id: e.id,
    recipients: [{ email: normalizeEmail(e.email), action: e.kind === 'soft' ? 'delayed' : 'failed', status }],
    feedbackType: e.kind === 'complaint' ? 'abuse' : undefined,
    deliveredTo: [],
  };
}

export async function applyEvents(provider: string, events: WebhookEvent[], o: EventOptions): Promise<Tally> {
  const tally = emptyTally();
  for (const e of events) {
    tally.messages++;
    await applyReport(asReport(e), { ...o, source: `webhook:${provider}` }, tally);
  }
  return tally;
}
