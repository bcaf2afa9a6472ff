// Small, careful MIME encoders for the message template (message.ts). Everything they return
// is 7-bit ASCII with CRLF line ends and no line over 76 characters (bodies) or 998 (headers),
// so a subscriber value can never end a header line or open a new MIME part.

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]+/g;

/** Header text with every control character (CR, LF, TAB, ...) turned into a space. */
export function headerSafe(s: string): string {
  return s.replace(CONTROL, ' ').trim();
}

/** Longest header line Gazette writes where it can fold (RFC 5322 2.1.1: SHOULD 78, MUST 998). */
const LINE = 78;

/**
 * RFC 2047 encoded words (UTF-8, base64), split on character boundaries. 36 bytes of text make
 * a 60-character word, so even after `X-Gazette-Issue: ` a word fits one 78-character line.
 */
export function encodedWordList(s: string): string[] {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 36 && chunk) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

export function encodedWords(s: string): string {
  return encodedWordList(s).join('\r\n ');
}

/**
 * `Name: tok tok ...` folded with CRLF SP before any token that would carry the line past 78.
 * A token is never split, so a line over 78 holds one unbreakable token (an address, a URL),
 * and every token Gazette writes is far under 998.
 */
export function header(name: string, tokens: readonly string[]): string {
  let out = `${name}:`;
  let line = out.length;
  for (const t of tokens) {
    if (line > name.length + 1 && line + 1 + t.length > LINE) {
      out += `\r\n ${t}`;
      line = 1 + t.length;
    } else {
      out += ` ${t}`;
      line += 1 + t.length;
    }
  }
  return out;
}

/** Tokens of an unstructured value (Subject): plain words when printable ASCII, else encoded words. */
export function unstructuredTokens(s: string): string[] {
  const v = headerSafe(s);
  const words = v.split(/ +/).filter(Boolean);
  // A word that cannot fit a folded line, or text that could read as an encoded word, is encoded.
  if (/^[\x20-\x7e]*$/.test(v) && !v.includes('=?') && words.every((w) => w.length <= LINE - 20)) return words;
  return encodedWordList(v);
}

/** An unstructured header value folded for a header named `name` (default: one 9-character name). */
export function unstructured(s: string, name = 'Subject'): string {
  return header(name, unstructuredTokens(s)).slice(name.length + 2);
}

/** Tokens of a display name: one quoted string of safe ASCII when it fits a line, else encoded words. */
export function phraseTokens(s: string): string[] {
  const v = headerSafe(s);
  if (/^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~.]*$/.test(v) && !v.includes('=?') && v.length <= LINE - 30) return [`"${v}"`];
  return encodedWordList(v);
}

/** `"Name" <addr>` or `<addr>` as header tokens; the address must already be validated. */
export function mailboxTokens(name: string | undefined, address: string): string[] {
  const n = name ? headerSafe(name) : '';
  return n ? [...phraseTokens(n), `<${address}>`] : [`<${address}>`];
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
