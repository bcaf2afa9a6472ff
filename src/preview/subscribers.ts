import { checkAddress } from '../send/address.js';
import { readSubscriberCsv } from '../subscribers/csv.js';

/** A subscriber the preview can personalize the email for. */
export interface PreviewSubscriber {
  label: string;
  email: string;
  fields: Record<string, string>;
}

/** Used when no `--subscribers` file is given, and always offered first. */
export const SAMPLE_SUBSCRIBER: PreviewSubscriber = {
  label: 'Sample subscriber (Sam Reader)',
  email: 'sam.reader@example.org',
  fields: { email: 'sam.reader@example.org', name: 'Sam Reader', first_name: 'Sam', last_name: 'Reader' },
};

export const MAX_PREVIEW_SUBSCRIBERS = 50;

/** The first rows of a subscriber CSV, by the reader send uses (a list may be huge; the preview needs a few). */
export async function readSubscriberSample(file: string, max = MAX_PREVIEW_SUBSCRIBERS): Promise<PreviewSubscriber[]> {
  const out: PreviewSubscriber[] = [];
  const records = readSubscriberCsv(file, {
    display: file,
    noun: 'subscriber list',
    option: '--subscribers',
    codes: {
      unreadable: 'preview/subscribers',
      syntax: 'preview/subscribers',
      empty: 'preview/subscribers',
      'no-email': 'preview/subscribers',
    },
  });
  for await (const { email: raw, fields } of records) {
    const name = fields.name || fields.first_name;
    // The rules `gazette send` applies: a row `a@b.com, c@d.com` must not become a two-recipient To.
    const check = raw ? checkAddress(raw) : undefined;
    const email = check?.ok ? check.email : '';
    const label = check && !check.ok ? `(row ${out.length + 1}, not an address: it ${check.reason})` : undefined;
    out.push({
      label: label ?? (name ? `${name} <${email}>` : email || `(row ${out.length + 1}, no email)`),
      email,
      fields: { ...fields, email },
    });
    if (out.length >= max) break;
  }
  return out;
}

/** What `checkIssue` wants to know about the list: its columns and the longest value of each. */
export function subscriberStats(
  rows: readonly PreviewSubscriber[],
): { columns: string[]; longest: Record<string, string> } | undefined {
  if (!rows.length) return undefined;
  const longest: Record<string, string> = {};
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.fields)) if (v.length > (longest[k]?.length ?? -1)) longest[k] = v;
  }
  return { columns: Object.keys(longest), longest };
}
