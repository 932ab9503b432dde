import { strict as assert } from 'assert';
import type { LogLine } from '../../src/shared/protocol';
import { IngestQueue } from '../../src/shared/logview/ingest';
import { lineSpans, LineStore } from '../../src/shared/logview/lineStore';
import { LogModel } from '../../src/shared/logview/logModel';
import { ViewIndex } from '../../src/shared/logview/viewIndex';
import { hexRowCount, lineEnding } from '../../src/shared/logview/hex';

let seq = 0;
const line = (text: string, extra: Partial<LogLine> = {}): LogLine => ({ seq: seq++, t: Date.UTC(2025, 0, 1, 12, 0, 0, seq), text, dir: 'rx', ...extra });

describe('logview: line store, view index, model', () => {
  it('keeps at most capacity lines, evicting the oldest, with growing absolute indices', () => {
    const s = new LineStore(3);
    for (let i = 0; i < 5; i++) assert.equal(s.push(line(`l${i}`)), i);
    assert.equal(s.size, 3);
    assert.equal(s.start, 2);
    assert.equal(s.end, 5);
    assert.equal(s.evicted, 2);
    assert.equal(s.get(1), undefined);
    assert.equal(s.get(2)!.text, 'l2');
    assert.equal(s.get(4)!.text, 'l4');
    assert.equal(s.get(5), undefined);
    assert.equal(s.bytes, 6);
  });

  it('rejects a capacity below one', () => {
    assert.throws(() => new LineStore(0), RangeError);
  });

  it('clears without reusing indices and shrinks to the newest lines', () => {
    const s = new LineStore(4);
    for (let i = 0; i < 4; i++) s.push(line(`l${i}`));
    s.setCapacity(2);
    assert.deepEqual([s.start, s.end, s.get(2)!.text, s.get(3)!.text], [2, 4, 'l2', 'l3']);
    s.clear();
    assert.equal(s.size, 0);
    assert.equal(s.push(line('after')), 4);
    assert.equal(s.bytes, 5);
  });

  it('stores plain text, spans, the received source and the wire size', () => {
    const s = new LineStore(10);
    const i = s.push(line('\x1b[31mred\x1b[0m'));
    const st = s.get(i)!;
    assert.equal(st.text, 'red');
    assert.equal(st.spans, undefined, 'one style over the whole line is kept as `style`');
    assert.deepEqual(lineSpans(st)!.map((x) => [x.from, x.to, x.style.fg]), [[0, 3, 1]]);
    const mixed = s.get(s.push(line('\x1b[31mred\x1b[0m plain')))!;
    assert.deepEqual(lineSpans(mixed)!.map((x) => [x.from, x.to]), [[0, 3]]);
    assert.equal(lineSpans(s.get(s.push(line('plain')))!), undefined);
    assert.equal(st.source, '\x1b[31mred\x1b[0m');
    assert.equal(st.bytes, 12);
    const j = s.push(line('x', { raw: Buffer.from('x\r\n').toString('base64') }));
    assert.equal(s.get(j)!.bytes, 3);
    assert.equal(s.get(s.push(line('°C')))!.bytes, 3);
  });

  it('colour state stays on its line: neither a sent line nor the next board line inherits it', () => {
    const s = new LineStore(10);
    s.push(line('\x1b[32mgreen...'));
    const tx = s.push(line('typed', { dir: 'tx' }));
    const i = s.push(line('plain again'));
    assert.equal(lineSpans(s.get(tx)!), undefined);
    assert.equal(lineSpans(s.get(i)!), undefined);
  });

  it('view index maps rows to lines in text and hex view and survives head drops', () => {
    const bytes = [5, 40, 16, 0];
    const v = new ViewIndex(true, (l) => hexRowCount(bytes[l % 4]));
    for (let l = 0; l < 4; l++) v.add(l);
    assert.equal(v.rowCount, 1 + 3 + 1 + 1);
    assert.deepEqual(v.rowAt(0), { line: 0, sub: 0, entry: 0 });
    assert.deepEqual(v.rowAt(3), { line: 1, sub: 2, entry: 1 });
    assert.deepEqual(v.rowAt(4), { line: 2, sub: 0, entry: 2 });
    assert.equal(v.rowAt(6), undefined);
    assert.equal(v.rowOfLine(2), 4);
    assert.equal(v.dropBefore(1), 1);
    assert.equal(v.rowCount, 5);
    assert.deepEqual(v.rowAt(0), { line: 1, sub: 0, entry: 0 });
    assert.equal(v.rowOfLine(0), -1);
    v.reset(false);
    v.add(7);
    v.add(9);
    assert.equal(v.rowOfLine(9), 1);
    assert.equal(v.entryAtOrAfter(8), 1);
  });

  it('model: filter hides lines, updates live and follows evictions', () => {
    const m = new LogModel(5);
    m.setFilter({ include: 'wifi', exclude: '', regex: false });
    for (const t of ['wifi up', 'mqtt', 'wifi down', 'ota', 'wifi rssi']) m.append(line(t));
    assert.equal(m.view.count, 3);
    assert.deepEqual([0, 1, 2].map((r) => m.rowText(m.view.rowAt(r)!, false)), ['wifi up', 'wifi down', 'wifi rssi']);
    m.append(line('boot'));
    m.append(line('wifi again')); // evicts 'wifi up' and 'mqtt'
    assert.equal(m.view.count, 3);
    assert.equal(m.takeDroppedRows(), 1);
    assert.equal(m.rowText(m.view.rowAt(0)!, false), 'wifi down');
    m.setFilter({ include: '', exclude: 'wifi', regex: false });
    assert.deepEqual([0, 1].map((r) => m.rowText(m.view.rowAt(r)!, false)), ['ota', 'boot']);
  });

  it('model: search counts, next/prev wrap, and marks the current match', () => {
    const m = new LogModel(100);
    for (const t of ['a err', 'b', 'err err', 'c']) m.append(line(t));
    m.setSearch({ query: 'err' });
    assert.equal(m.search.count, 3);
    assert.equal(m.search.next(2)!.line, 2, 'starts from the given line');
    assert.equal(m.search.position, 2);
    assert.deepEqual(m.marksFor(2).map((x) => x.kind), ['current', 'search']);
    m.search.next();
    assert.equal(m.search.position, 3);
    m.search.next();
    assert.equal(m.search.position, 1, 'wraps');
    m.search.prev();
    assert.equal(m.search.position, 3);
    m.append(line('late err'));
    assert.equal(m.search.count, 4, 'new lines are searched as they arrive');
    m.setFilter({ include: '', exclude: 'late', regex: false });
    assert.equal(m.search.count, 3, 'search only covers shown lines');
  });

  it('model: search that matches nothing and an invalid search regex', () => {
    const m = new LogModel(10);
    m.append(line('hello'));
    m.setSearch({ query: 'zzz' });
    assert.equal(m.search.count, 0);
    assert.equal(m.search.next(), undefined);
    m.setSearch({ query: '[', regex: true });
    assert.ok(m.searchError);
    assert.equal(m.search.active, false);
  });

  it('model: hex view rows and text with timestamps', () => {
    const m = new LogModel(10);
    m.append(line('0123456789abcdefXY'));
    m.setHex(true);
    assert.equal(m.view.rowCount, 2);
    assert.equal(m.rowText(m.view.rowAt(1)!, false), '0010  58 59' + ' '.repeat(43) + '  XY');
    m.setHex(false);
    assert.match(m.rowText(m.view.rowAt(0)!, true), /^\d\d:\d\d:\d\d\.\d{3} {2}0123/);
    assert.equal(m.shownText(false), '0123456789abcdefXY');
  });

  it('model: clear empties everything', () => {
    const m = new LogModel(10);
    m.setSearch({ query: 'a' });
    m.append(line('a'));
    m.clear();
    assert.deepEqual([m.store.size, m.view.rowCount, m.search.count], [0, 0, 0]);
    m.append(line('a b'));
    assert.equal(m.search.count, 1, 'the search pattern survives a clear');
  });
});

describe('logview: ingest queue (budgeted absorption, backlog)', () => {
  it('drains within a time budget and reports the backlog', () => {
    const q = new IngestQueue();
    q.push(Array.from({ length: 1000 }, (_, i) => line(`line ${i}`)));
    assert.equal(q.backlog.lines, 1000);
    let clock = 0;
    const got: string[] = [];
    // each clock read advances 1 ms: with chunks of 100 a 3 ms budget absorbs a few chunks, not all
    const n = q.drain((l) => got.push(l.text), 3, () => clock++, 100);
    assert.ok(n > 0 && n < 1000, `absorbed ${n}`);
    assert.equal(q.backlog.lines, 1000 - n);
    q.drain((l) => got.push(l.text), 1e9, () => 0, 100);
    assert.equal(got.length, 1000);
    assert.deepEqual(got.slice(0, 2), ['line 0', 'line 1'], 'in order');
    assert.deepEqual(q.backlog, { lines: 0, bytes: 0 });
  });

  it('trims what a bounded store would evict anyway, oldest first', () => {
    const q = new IngestQueue();
    q.push([line('a'), line('b'), line('c')]);
    q.push([line('d'), line('e')]);
    assert.equal(q.trimTo(2), 3);
    assert.equal(q.skipped, 3);
    const got: string[] = [];
    q.drain((l) => got.push(l.text), 1e9, () => 0);
    assert.deepEqual(got, ['d', 'e']);
    assert.equal(q.trimTo(2), 0);
  });
});

describe('logview: ingest yields to input', () => {
  it('stops absorbing as soon as input is pending', () => {
    const q = new IngestQueue();
    q.push(Array.from({ length: 1000 }, (_, i) => line(`l${i}`)));
    let checks = 0;
    const n = q.drain(() => undefined, 1e9, () => 0, 100, () => ++checks >= 2);
    assert.equal(n, 200, 'two chunks, then input was pending');
    assert.equal(q.backlog.lines, 800);
  });
});

describe('logview: hex record endings', () => {
  it('names the line ending a record ends with, and none for a partial record', () => {
    const b = (s: string) => new TextEncoder().encode(s);
    assert.equal(lineEnding(b('ok\r\n')), 'CR LF');
    assert.equal(lineEnding(b('ok\n')), 'LF');
    assert.equal(lineEnding(b('ok\r')), 'CR');
    assert.equal(lineEnding(b('partial')), '');
    assert.equal(lineEnding(new Uint8Array(0)), '');
  });
});

describe('logview: wrapping long lines', () => {
  it('a long line takes ceil(chars / columns) rows, each showing its slice; copy gives whole lines; hex ignores it', () => {
    const m = new LogModel(100);
    const long = 'x'.repeat(45) + 'END';
    m.append({ seq: 1, t: 0, dir: 'rx', text: 'short' });
    m.append({ seq: 2, t: 0, dir: 'rx', text: long });
    assert.equal(m.view.rowCount, 2);
    m.setWrap(20);
    assert.equal(m.view.rowCount, 1 + 3);
    assert.deepEqual([1, 2, 3].map((r) => m.rowText(m.view.rowAt(r)!, false)), ['x'.repeat(20), 'x'.repeat(20), 'xxxxxEND']);
    assert.equal(m.shownText(false), `short\n${long}`, 'copy joins nothing and splits nothing');
    m.append({ seq: 3, t: 0, dir: 'rx', text: 'y'.repeat(41) });
    assert.equal(m.view.rowCount, 4 + 3, 'new lines wrap too');
    m.setHex(true);
    assert.equal(m.view.rowCount, 1 + 3 + 3, 'hex rows: 16 bytes each (48 and 41 bytes: 3 rows), not the wrap width');
    m.setHex(false);
    m.setWrap(0);
    assert.equal(m.view.rowCount, 3, 'unwrapped: one row per line');
  });

  it('a width set in the hex view is kept for the text view (the page passes it regardless of hex)', () => {
    const m = new LogModel(100);
    m.append({ seq: 1, t: 0, dir: 'rx', text: 'x'.repeat(45) + 'END' });
    m.setHex(true);
    m.setWrap(20);
    assert.equal(m.view.rowCount, 3, 'hex rows (48 bytes), not the wrap width');
    m.setHex(false);
    assert.equal(m.view.rowCount, 3, 'back in text: wrapped at 20');
    assert.equal(m.rowText(m.view.rowAt(2)!, false), 'xxxxxEND');
    m.setWrap(0);
    assert.equal(m.view.rowCount, 1);
  });
});
