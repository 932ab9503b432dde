import { strict as assert } from 'assert';
import { base64ByteLength, decodeBase64, hexDump, hexRow, hexRowCount, utf8Length } from '../../src/shared/logview/hex';

describe('logview: hex + ASCII rendering', () => {
  it('decodes base64 like Buffer does (padding, url alphabet)', () => {
    for (const bytes of [[], [0], [1, 2], [255, 254, 253], Array.from({ length: 300 }, (_, i) => (i * 37) & 255)]) {
      const b64 = Buffer.from(bytes).toString('base64');
      assert.deepEqual([...decodeBase64(b64)], bytes);
      assert.deepEqual([...decodeBase64(Buffer.from(bytes).toString('base64url'))], bytes);
      assert.equal(base64ByteLength(b64), bytes.length);
    }
  });

  it('rejects invalid base64', () => {
    assert.throws(() => decodeBase64('ab$d'), /invalid base64/);
  });

  it('renders 16 bytes per row with a mid gap and printable ASCII', () => {
    const bytes = new Uint8Array(Buffer.from('\x1b[32mI (12) wifi ok\r\n', 'latin1'));
    assert.equal(hexRowCount(bytes.length), 2);
    assert.deepEqual(hexRow(bytes, 0), {
      offset: '0000',
      hex: '1b 5b 33 32 6d 49 20 28  31 32 29 20 77 69 66 69',
      ascii: '.[32mI (12) wifi',
    });
    const r1 = hexRow(bytes, 1);
    assert.equal(r1.offset, '0010');
    assert.equal(r1.hex, '20 6f 6b 0d 0a'.padEnd(48, ' '));
    assert.equal(r1.ascii, ' ok..');
  });

  it('shows non-ASCII bytes as dots and keeps the hex column aligned', () => {
    const rows = hexDump(new Uint8Array([0x00, 0x7f, 0x80, 0xff, 0x41]));
    assert.deepEqual(rows, ['0000  00 7f 80 ff 41' + ' '.repeat(48 - 14) + '  ....A']);
  });

  it('an empty line still takes one row', () => {
    assert.equal(hexRowCount(0), 1);
    assert.deepEqual(hexDump(new Uint8Array(0)), ['0000  ' + ' '.repeat(48) + '  ']);
  });

  it('counts UTF-8 bytes without encoding', () => {
    for (const s of ['', 'abc', 'héllo', '温度 25°C', '😀x']) assert.equal(utf8Length(s), Buffer.byteLength(s), s);
  });
});
