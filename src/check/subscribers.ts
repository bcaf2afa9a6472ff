import { readSubscriberCsv } from '../subscribers/csv.js';
import type { SubscriberSample } from './rule.js';

/**
 * `--subscribers FILE.csv`: the header and the longest value of each column, read by the same
 * streaming reader as `gazette send` (only one row is in memory at a time).
 */
export async function readSubscriberSample(file: string): Promise<SubscriberSample> {
  let columns: string[] = [];
  // No prototype: a column named `constructor` or `__proto__` is a column like any other.
  const longest = Object.create(null) as Record<string, string>;
  const records = readSubscriberCsv(file, {
    display: file,
    noun: 'subscriber list',
    option: '--subscribers',
    codes: {
      unreadable: 'check/subscribers',
      syntax: 'check/subscribers',
      empty: 'check/subscribers',
      'no-email': 'check/subscribers',
    },
    onHeader: (h) => {
      columns = h.columns;
    },
  });
  for await (const { fields } of records) {
    for (const col of columns) {
      const v = fields[col]!;
      if (Buffer.byteLength(v) > Buffer.byteLength(longest[col] ?? '')) longest[col] = v;
    }
  }
  return { columns, longest };
}
