// The key an address is known by everywhere in Gazette: the journal, the suppression list, the
// subscriber store, unsubscribe tokens, VERP and bounce matching. Addresses compare trimmed and
// case-insensitively (the local part too: mailbox providers treat it so, and a list edited by
// hand mixes cases). Validation is send/address.ts; this only says which addresses are the same.
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
