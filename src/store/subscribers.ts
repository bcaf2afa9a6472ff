import { createHash } from 'node:crypto';
import { normalizeEmail } from '../util/email.js';

// The subscriber store: who is on the list, in which state, and the consent that put them there.
// Implemented by SQLite (sqlite/subscribers.ts, in the root's journal file) and PostgreSQL
// (postgres/subscribers.ts, when GAZETTE_DATABASE_URL is set); tests/integration/
// subscriber-store.test.ts runs one contract suite against both.
//
// States: pending (signed up, not confirmed) -> confirmed -> unsubscribed | bounced | complained.
// Only `confirmed` receives issues. bounced and complained are sticky: a sign-up form cannot move
// them back (see signUp), only a fresh confirmation can.

export const STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof STATUSES)[number];

export interface Consent {
  /** Where the consent came from: `form`, `import:<file>`, `cli`, ... */
  source: string | null;
  /** When the address was given (ISO 8601). */
  at: string | null;
  /** When its owner confirmed it (double opt-in), or when an import vouched for it. */
  confirmedAt: string | null;
  /** HMAC of the sign-up request's IP (never the IP itself). */
  ipHash: string | null;
}

export interface Subscriber {
  email: string;
  fields: Record<string, string>;
  status: SubscriberStatus;
  consent: Consent;
  createdAt: string;
  updatedAt: string;
}

export interface NewSubscriber {
  email: string;
  fields?: Record<string, string>;
  status?: SubscriberStatus;
  /** An import: `status` is for new rows only; an existing subscriber keeps its state. */
  keepStatus?: boolean;
  consent?: Partial<Consent>;
}

/** What a sign-up did, so the server can decide whether to mail without telling the visitor. */
export type SignUpOutcome =
  /** New, or pending again: send a confirmation. */
  | 'pending'
  /** Already confirmed: nothing to send (no second email flood). */
  | 'confirmed'
  /** Unsubscribed, bounced or complained earlier: a confirmation is sent; the state stays until it is followed. */
  | 'needs-confirmation';

export interface SubscriberStore {
  get(email: string): Promise<Subscriber | undefined>;
  /** Adds or replaces fields and status; returns 'added' or 'updated'. */
  put(s: NewSubscriber): Promise<'added' | 'updated'>;
  /** put() for many in one transaction; returns how many were new. */
  putMany(rows: NewSubscriber[]): Promise<{ added: number; updated: number }>;
  /**
   * A form sign-up: records the address as pending (keeping its fields unless new ones are given)
   * unless it is confirmed already; never lifts bounced/complained/unsubscribed by itself.
   */
  signUp(s: NewSubscriber): Promise<SignUpOutcome>;
  /** Double opt-in followed: pending (or any state, by a fresh confirmation) -> confirmed. */
  confirm(email: string, at: string): Promise<boolean>;
  setStatus(email: string, status: SubscriberStatus): Promise<boolean>;
  remove(email: string): Promise<boolean>;
  list(filter?: { status?: SubscriberStatus }): AsyncIterable<Subscriber>;
  /** Every field name some confirmed subscriber has (the merge fields a send from the store offers). */
  fieldNames(): Promise<string[]>;
  /** Counts soft bounces of an address inside the window (ms) after recording one at `at` (epoch ms). */
  softBounce(email: string, at: number, windowMs: number, key: string): Promise<number>;
  /**
   * Erases the address everywhere: its subscriber row, its journal rows (anonymized: counts stay
   * true) and its suppression entry, which is replaced by the address's hash and the same reason.
   */
  forget(email: string): Promise<{ found: boolean }>;
  /** The recipient the send journal gave this Message-ID (with or without <>), if any. */
  addressForMessageId(messageId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** What a forgotten address leaves in the suppression list: enough to refuse it, nothing to read. */
export function forgottenKey(email: string): string {
  return `sha256:${createHash('sha256')
    .update(`gazette-forget\0${normalizeEmail(email)}`)
    .digest('hex')}`;
}

export function isStatus(s: string): s is SubscriberStatus {
  return (STATUSES as readonly string[]).includes(s);
}

/** A subscriber row as a store's driver returns it: `fields` is JSON text (SQLite) or parsed (PostgreSQL JSONB). */
export interface SubscriberRow {
  email: string;
  fields: string | Record<string, string>;
  status: SubscriberStatus;
  consent_source: string | null;
  consent_at: string | null;
  confirmed_at: string | null;
  ip_hash: string | null;
  created_at: string;
  updated_at: string;
}

/** The one mapping from a stored row to a Subscriber, for every store. */
export function subscriberFromRow(r: SubscriberRow): Subscriber {
  return {
    email: r.email,
    fields: typeof r.fields === 'string' ? (JSON.parse(r.fields) as Record<string, string>) : { ...r.fields },
    status: r.status,
    consent: {
      source: r.consent_source ?? null,
      at: r.consent_at ?? null,
      confirmedAt: r.confirmed_at ?? null,
      ipHash: r.ip_hash ?? null,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
