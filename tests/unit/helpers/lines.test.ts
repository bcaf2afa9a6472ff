import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../../src/load/read.js';
import { lineAt, positionAt } from '../../../src/util/lines.js';

// Six line counters (split('\n').length, a counting loop, indexOf walks) became one. They agreed
// on LF text, but the not-UTF-8 error counted raw text, where only LF ended a line: a file saved
// with CR line breaks had every error on line 1, although the loader reads CR as a line break.
describe('positionAt / lineAt', () => {
  it('counts LF, CRLF and a lone CR as one line break each', () => {
    const text = 'one\ntwo\r\nthree\rfour';
    expect(lineAt(text, text.indexOf('two'))).toBe(2);
    expect(lineAt(text, text.indexOf('three'))).toBe(3);
    expect(positionAt(text, text.indexOf('our'))).toEqual({ line: 4, column: 2 });
  });

  it('is line 1, column 1 at the start, and clamps offsets outside the text', () => {
    expect(positionAt('\nx', 0)).toEqual({ line: 1, column: 1 });
    expect(positionAt('a\nb', -1)).toEqual({ line: 1, column: 1 });
    expect(positionAt('a\nb', 99)).toEqual({ line: 2, column: 2 });
  });

  it('the not-UTF-8 error names the line the loader sees, also with CR line breaks', () => {
    const bytes = (eol: string) =>
      Buffer.concat([Buffer.from(`---${eol}title: x${eol}author: Caf`), Buffer.from([0xe9]), Buffer.from(eol)]);
    for (const eol of ['\n', '\r\n', '\r']) {
      expect(() => decodeUtf8(bytes(eol), 'a.md'), JSON.stringify(eol)).toThrow(
        expect.objectContaining({ code: 'content/not-utf8', line: 3, column: 12 }),
      );
    }
  });
});
