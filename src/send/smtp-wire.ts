// A message as it goes on the wire after DATA (RFC 5321 4.5.2): line ends CRLF, a dot at the
// start of a line doubled, and the terminating CRLF.CRLF. Byte for byte what nodemailer's
// smtp-connection DataStream writes for the same message, done on the whole buffer at once:
// a message Gazette composed is CRLF already (checked by one regular expression), so only the
// few lines starting with a dot are searched for (natively) and copied around.

const LF_DOT = Buffer.from('\n.');
const DOT = Buffer.from('.');
/** A CR not followed by LF, or an LF not preceded by CR. */
const BARE = /\r(?!\n)|(?<!\r)\n/;

/**
 * The DATA bytes of `raw`: dot-stuffed, CRLF line ends, ending with `\r\n.\r\n`. `crlf`: the
 * caller knows every line end is CRLF already (a message of the template), which skips the check.
 */
export function dataBytes(raw: Buffer, crlf = false): Buffer {
  return Buffer.concat(dataPieces(raw, crlf));
}

const ENDS = { lf: Buffer.from('.\r\n'), cr: Buffer.from('\n.\r\n'), other: Buffer.from('\r\n.\r\n') };

/**
 * dataBytes as slices of `raw` and the few inserted bytes, in order: written under one cork they
 * leave in one system call, and the message is never copied.
 */
export function dataPieces(raw: Buffer, crlf = false): Buffer[] {
  if (raw.length === 0) return [ENDS.other];
  const pieces = !crlf && BARE.test(raw.toString('latin1')) ? [normalize(raw)] : stuffDots(raw);
  const tail = pieces[pieces.length - 1]!;
  const last = tail[tail.length - 1];
  // As DataStream's flush: after a final LF only the dot line; otherwise end the line first.
  pieces.push(last === 0x0a ? ENDS.lf : last === 0x0d ? ENDS.cr : ENDS.other);
  return pieces;
}

/** CRLF input: a dot after each line break (and at the very start) is doubled. */
function stuffDots(raw: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  if (raw[0] === 0x2e) pieces.push(DOT);
  for (let i = raw.indexOf(LF_DOT); i >= 0; i = raw.indexOf(LF_DOT, i + 1)) {
    pieces.push(raw.subarray(from, i + 1), DOT);
    from = i + 1;
  }
  pieces.push(raw.subarray(from));
  return pieces;
}

/** Any line ends: DataStream's own loop (bare CR and bare LF become CRLF, dots stuffed). */
function normalize(chunk: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let lastPos = 0;
  for (let i = 0; i < chunk.length; i++) {
    const byte = chunk[i];
    const prev = i ? chunk[i - 1] : undefined;
    let insert: string | undefined;
    if (prev === 0x0d && byte !== 0x0a) insert = byte === 0x2e ? '\n.' : '\n';
    else if (byte === 0x0a && prev !== 0x0d) insert = '\r';
    else if (byte === 0x2e && (prev === 0x0a || prev === undefined)) insert = '.';
    if (insert) {
      if (i > lastPos) pieces.push(chunk.subarray(lastPos, i));
      pieces.push(Buffer.from(insert));
      lastPos = i;
    }
  }
  if (pieces.length === 0) return chunk;
  if (lastPos < chunk.length) pieces.push(chunk.subarray(lastPos));
  return Buffer.concat(pieces);
}
