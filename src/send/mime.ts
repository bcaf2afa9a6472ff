// Small, careful MIME encoders for the message template (message.ts). Everything they return
// is 7-bit ASCII with CRLF line ends and no line over 76 characters (bodies) or 998 (headers),
// so a subscriber value can never end a header line or open a new MIME part.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Header text with every control character (CR, LF, TAB, ...) turned into a space. */
export function headerSafe(s: string): string {
  return s.replace(CONTROL, ' ').trim();
}

/** RFC 2047 encoded words (UTF-8, base64), split on character boundaries, folded with CRLF SP. */
export function encodedWords(s: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 42 && chunk) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** An unstructured header value (Subject): plain when it is short printable ASCII, else encoded. */
export function unstructured(s: string): string {
  const v = headerSafe(s);
  if (/^[\x20-\x7e]*$/.test(v) && !v.includes('=?') && v.length <= 900) return foldAscii(v);
  return encodedWords(v);
}

/** A display name (From, To, List-Id phrase): a quoted string of safe ASCII, else encoded words. */
export function phrase(s: string): string {
  const v = headerSafe(s);
  if (/^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~.]*$/.test(v) && !v.includes('=?')) return `"${v}"`;
  return encodedWords(v);
}

/** `"Name" <addr>` or `<addr>`; the address must already be validated. */
export function mailbox(name: string | undefined, address: string): string {
  const n = name ? headerSafe(name) : '';
  return n ? `${phrase(n)} <${address}>` : `<${address}>`;
}

function foldAscii(v: string): string {
  if (v.length <= 76) return v;
  const out: string[] = [];
  let line = '';
  for (const word of v.split(' ')) {
    if (line && line.length + 1 + word.length > 76) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  out.push(line);
  return out.join('\r\n ');
}

/**
 * Quoted-printable (RFC 2045) of UTF-8 text. Line breaks in the text become CRLF hard breaks.
 * With `segment`, the result always ends with a soft line break (or a hard one), so that
 * independently encoded pieces can be concatenated and still decode to the joined text: this
 * is what lets the constant parts of an issue be encoded once and only subscriber values per
 * message.
 */
export function quotedPrintable(text: string, segment = false): string {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  for (let li = 0; li < lines.length; li++) {
    const bytes = Buffer.from(lines[li]!, 'utf8');
    const hardEnd = li < lines.length - 1;
    let line = '';
    let encoded = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const last = i === bytes.length - 1;
      let token: string;
      if ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !(last && (hardEnd || !segment)))) {
        token = String.fromCharCode(b);
      } else {
        token = `=${HEX[b]}`;
      }
      if (line.length + token.length > 75) {
        encoded += `${line}=\r\n`;
        line = '';
      }
      line += token;
    }
    encoded += line;
    out.push(encoded);
  }
  let result = out.join('\r\n');
  if (segment && result !== '' && !result.endsWith('\r\n')) result += '=\r\n';
  return result;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** RFC 5322 date, e.g. `Sat, 29 Nov 2025 08:48:00 +0000`. */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}
