// Which files of dist/ are for the sender only: the email with its merge tags (`email.html`,
// `email.txt`), the build summary (`issue.json`: diagnostics with file paths, the MJML) and
// screenshots. They keep their paths in dist/ (DESIGN §10), `gazette serve` never serves them, and
// `gazette build --public DIR` leaves them out of the tree it writes for a static host.

const SENDER_FILES = new Set(['email.html', 'email.txt', 'issue.json']);

/** True for a path relative to dist/ (forward slashes, decoded) that only the sender may see. */
export function isSenderOnly(relPath: string): boolean {
  const parts = relPath.split('/').filter((p) => p !== '');
  if (parts[0] === 'screenshots' || parts[1] === 'screenshots') return true;
  return parts.length === 2 && SENDER_FILES.has(parts[1]!.toLowerCase());
}
