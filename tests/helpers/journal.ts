import type { NewRecipient } from '../../src/store/journal.js';

/** A journal row for `email` as the list reader would make it (line 2 of the CSV, Message-ID <email>). */
export const recipientRow = (email: string): NewRecipient => ({
  email,
  ascii: email,
  fields: { email },
  line: 2,
  messageId: `<${email}>`,
});
