import { strict as assert } from 'assert';
import { LineFramer, type FramerOptions } from '../../src/core/serial/framer';

const framer = (o: Partial<FramerOptions> = {}) => new LineFramer({ eol: 'cr-or-lf', encoding: 'utf8', maxLineBytes: 4096, ...o });
const texts = (fs: { text: string }[]) => fs.map((f) => f.text);

/** Feeds `data` cut at every given offset, one ms apart, and returns all frames. */
function feedSplit(f: LineFramer, data: string | Buffer, cuts: number[]) {
  const buf = typeof data === 'string' ? Buffer.from(data, 'binary') : data;
  const out = [];
  let prev = 0;
  let t = 1000;
  for (const c of [...cuts, buf.length]) {
    out.push(...f.push(buf.subarray(prev, c), t++));
    prev = c;
  }
  return out;
}

describe('serial line framer', () => {
  it('frames the same lines wherever the chunks are cut (every split point, every EOL mode)', () => {
    const cases: [FramerOptions['eol'], string, string[]][] = [
      ['lf', 'boot ok\nI (12) wifi\r\n\nend\n', ['boot ok', 'I (12) wifi', '', 'end']],
      ['cr', 'a\rbb\r\rccc\r', ['a', 'bb', '', 'ccc']],
      ['crlf', 'one\r\ntwo\nstill two\r\n\r\n', ['one', 'two\nstill two', '']],
      ['cr-or-lf', 'x\ry\nz\r\nw\n\r', ['x', 'y', 'z', 'w', '']],
    ];
    for (const [eol, data, want] of cases) {
      for (let i = 0; i <= data.length; i++) {
        for (let j = i; j <= data.length; j += 3) {
          const f = framer({ eol });
          const got = [...feedSplit(f, data, [i, j]), ...f.flush()];
          assert.deepEqual(texts(got), want, `${eol} cut at ${i},${j}`);
          // Raw bytes, concatenated, give back exactly what was received.
          assert.equal(Buffer.concat(got.map((g) => g.raw)).toString('binary'), data, `${eol} raw at ${i},${j}`);
        }
      }
    }
  });

  it('implicit LF on CR: a CRLF cut between CR and LF is still one line ending', () => {
    const f = framer({ eol: 'cr-or-lf' });
    const a = f.push(Buffer.from('hello\r'), 1);
    assert.deepEqual(texts(a), [], 'held until the next byte says whether LF follows');
    const b = f.push(Buffer.from('\nnext\n'), 2);
    assert.deepEqual(texts(b), ['hello', 'next']);
    assert.equal(b[0].raw.toString(), 'hello\r\n');
    assert.equal(b[0].t, 1);
  });

  it('stamps each line with the time of its FIRST byte, not of the chunk that completed it', () => {
    const f = framer({ eol: 'lf' });
    assert.deepEqual(f.push(Buffer.from('I (1) sta'), 100), []);
    assert.deepEqual(f.push(Buffer.from('rting'), 150), []);
    const [a, b] = f.push(Buffer.from('\nsecond\nthi'), 200);
    assert.equal(a.text, 'I (1) starting');
    assert.equal(a.t, 100);
    assert.equal(b.t, 200);
    const [c] = f.push(Buffer.from('rd\n'), 260);
    assert.deepEqual([c.text, c.t], ['third', 200]);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const f = framer({ eol: 'lf' });
    const bytes = Buffer.from('température 23°C ✓\n', 'utf8');
    const cut = bytes.indexOf(0xb0); // inside "°"
    assert.ok(cut > 0);
    const got = [...f.push(bytes.subarray(0, cut), 1), ...f.push(bytes.subarray(cut), 2)];
    assert.deepEqual(texts(got), ['température 23°C ✓']);
  });

  it('decodes latin1 when asked', () => {
    const f = framer({ eol: 'lf', encoding: 'latin1' });
    assert.deepEqual(texts(f.push(Buffer.from([0x41, 0xb0, 0x0a]), 1)), ['A°']);
  });

  it('cuts an endless line at maxLineBytes and marks it partial', () => {
    const f = framer({ eol: 'lf', maxLineBytes: 64 });
    const got = f.push(Buffer.alloc(200, 0x55), 1);
    assert.equal(got.length, 3);
    assert.ok(got.every((g) => g.partial && g.raw.length === 64));
    const rest = f.flush();
    assert.equal(rest[0].raw.length, 8);
  });

  it('flush() hands out a prompt that has no newline, once', () => {
    const f = framer({ eol: 'lf' });
    f.push(Buffer.from('uart:~$ '), 5);
    assert.ok(f.hasPending);
    const [p] = f.flush();
    assert.deepEqual([p.text, p.partial, p.t], ['uart:~$ ', true, 5]);
    assert.deepEqual(f.flush(), []);
    assert.equal(f.hasPending, false);
  });

  it('the wrong EOL mode really frames differently (the test can fail)', () => {
    const f = framer({ eol: 'cr' });
    assert.deepEqual(texts([...f.push(Buffer.from('a\nb\n'), 1), ...f.flush()]), ['a\nb\n']);
  });
});
