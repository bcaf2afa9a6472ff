// CSV output (RFC 4180): quote when needed, double inner quotes. A cell that a spreadsheet would
// run as a formula (=, +, -, @, tab, CR at the start) gets a leading apostrophe: sign-up forms
// put strangers' text into these files (OWASP "CSV injection").

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const v = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
