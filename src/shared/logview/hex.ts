// Hex + ASCII rendering of a line's raw bytes, 16 per row like `hexdump -C`:
//   0000  1b 5b 33 32 6d 49 20 28  31 32 29 20 77 69 66 69  .[32mI (12) wifi
// The raw bytes come from LogLine.raw (base64, exactly what the board sent); without them the
// line's text is encoded as UTF-8 (escapes included), which is what it was on the wire.

export const HEX_BYTES_PER_ROW = 16;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
B64_INDEX['-'.charCodeAt(0)] = 62; // base64url too
B64_INDEX['_'.charCodeAt(0)] = 63;

/** Decodes base64 (standard or url, padding optional) without atob/Buffer so it runs anywhere. */
export function decodeBase64(s: string): Uint8Array {
  let clean = s.replace(/[\s=]/g, '');
  if (clean.length % 4 === 1) clean = clean.slice(0, -1); // a stray char cannot form a byte
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = B64_INDEX[clean.charCodeAt(i)] ?? -1;
    const b = B64_INDEX[clean.charCodeAt(i + 1)] ?? -1;
    const c = i + 2 < clean.length ? B64_INDEX[clean.charCodeAt(i + 2)] ?? -1 : 0;
    const d = i + 3 < clean.length ? B64_INDEX[clean.charCodeAt(i + 3)] ?? -1 : 0;
    if (a < 0 || b < 0 || c < 0 || d < 0) throw new Error(`invalid base64 at ${i}`);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out;
}

/** Byte length of `raw` base64 without decoding it. */
export function base64ByteLength(s: string): number {
  let n = s.length;
  while (n > 0 && s[n - 1] === '=') n--;
  return Math.floor((n * 3) / 4);
}

const encoder = typeof TextEncoder !== 'undefined' ? new TextEncoder() : undefined;

export function utf8Bytes(text: string): Uint8Array {
  return encoder!.encode(text);
}

/** UTF-8 byte length of a string, without allocating (surrogate pairs count 4). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** How many hex rows a line of `byteLength` bytes takes (an empty line still takes one). */
export function hexRowCount(byteLength: number): number {
  return Math.max(1, Math.ceil(byteLength / HEX_BYTES_PER_ROW));
}

export interface HexRow {
  /** Byte offset of the row within the line, as 4+ hex digits. */
  offset: string;
  /** "1b 5b 33 32 6d 49 20 28  31 32 29 20 77 69 66 69", padded to the full width. */
  hex: string;
  /** Printable ASCII, '.' for everything else. */
  ascii: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_WIDTH = HEX_BYTES_PER_ROW * 3; // "xx " per byte, plus one extra gap in the middle, minus trailing space

/** Row `row` (0-based) of the hex dump of `bytes`. */
export function hexRow(bytes: Uint8Array, row: number): HexRow {
  const start = row * HEX_BYTES_PER_ROW;
  const end = Math.min(bytes.length, start + HEX_BYTES_PER_ROW);
  let hex = '';
  let ascii = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (i > start) hex += i - start === HEX_BYTES_PER_ROW / 2 ? '  ' : ' ';
    hex += HEX[b];
    ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return { offset: start.toString(16).padStart(4, '0'), hex: hex.padEnd(HEX_WIDTH, ' '), ascii };
}

/** The whole dump as text lines (save/copy in hex view, tests). */
export function hexDump(bytes: Uint8Array): string[] {
  const rows: string[] = [];
  for (let r = 0; r < hexRowCount(bytes.length); r++) {
    const h = hexRow(bytes, r);
    rows.push(`${h.offset}  ${h.hex}  ${h.ascii}`);
  }
  return rows;
}

/** The line ending a record's bytes end with, as shown next to the dump ("CR LF"), or ''. */
export function lineEnding(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 2] === 0x0d && bytes[n - 1] === 0x0a) return 'CR LF';
  if (n >= 1 && bytes[n - 1] === 0x0a) return 'LF';
  if (n >= 1 && bytes[n - 1] === 0x0d) return 'CR';
  return '';
}
