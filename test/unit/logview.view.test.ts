import { strict as assert } from 'assert';
import { formatBytes, formatTime } from '../../src/shared/logview/format';
import { formatHexBytes, parseHexBytes, SendHistory } from '../../src/shared/logview/sendInput';
import { isAtBottom, MAX_SCROLL_PX, scrollTopForRow, topRowAt, visibleRows } from '../../src/shared/logview/virtualRange';

describe('logview: virtual list window', () => {
  it('renders only the rows in view plus overscan', () => {
    const w = visibleRows(1000, 200, 100_000, 20, 5);
    assert.deepEqual(w, { first: 45, last: 65, offsetPx: 900, totalPx: 2_000_000 });
  });

  it('clamps at both ends and handles an empty list', () => {
    assert.deepEqual(visibleRows(0, 200, 3, 20, 5), { first: 0, last: 3, offsetPx: 0, totalPx: 60 });
    assert.deepEqual(visibleRows(0, 200, 0, 20), { first: 0, last: 0, offsetPx: 0, totalPx: 0 });
  });

  it('compresses huge lists under the browser height cap and still reaches the last row', () => {
    const rows = 5_000_000;
    const h = 20;
    const vp = 400;
    const bottom = MAX_SCROLL_PX - vp;
    const w = visibleRows(bottom, vp, rows, h, 0);
    assert.equal(w.totalPx, MAX_SCROLL_PX);
    assert.equal(w.last, rows);
    assert.equal(w.first, rows - vp / h);
    assert.equal(Math.round(w.offsetPx), bottom, 'the first visible row sits at the scroll position');
    const mid = scrollTopForRow(2_500_000, vp, rows, h);
    assert.ok(Math.abs(topRowAt(mid, vp, rows, h) - 2_500_000) < 1);
  });

  it('scrollTopForRow clamps and isAtBottom allows a little slack', () => {
    assert.equal(scrollTopForRow(50, 200, 100, 20), 1000);
    assert.equal(scrollTopForRow(95, 200, 100, 20), 1800, 'the last rows cannot be scrolled to the top');
    assert.equal(scrollTopForRow(10, 200, 100, 20), 200);
    assert.equal(isAtBottom(1797, 200, 2000), true);
    assert.equal(isAtBottom(1700, 200, 2000), false);
  });
});

describe('logview: send box helpers', () => {
  it('parses hex in the forms people type', () => {
    assert.deepEqual(parseHexBytes('de ad be ef'), { bytes: [0xde, 0xad, 0xbe, 0xef] });
    assert.deepEqual(parseHexBytes('DEADBEEF'), { bytes: [0xde, 0xad, 0xbe, 0xef] });
    assert.deepEqual(parseHexBytes('0x1, 0x0A:ff'), { bytes: [1, 10, 255] });
    assert.equal(formatHexBytes([1, 10, 255]), '01 0a ff');
  });

  it('rejects what is not hex, odd runs and empty input', () => {
    assert.match((parseHexBytes('zz') as { error: string }).error, /not hex/);
    assert.match((parseHexBytes('abc') as { error: string }).error, /odd/);
    assert.ok('error' in parseHexBytes('   '));
  });

  it('history walks back and forth and restores the draft', () => {
    const h = new SendHistory(['version']);
    h.record('reboot');
    h.record('reboot'); // no consecutive duplicate
    assert.deepEqual(h.items, ['version', 'reboot']);
    assert.equal(h.up('draft'), 'reboot');
    assert.equal(h.up('reboot'), 'version');
    assert.equal(h.up('version'), undefined, 'stops at the oldest');
    assert.equal(h.down(), 'reboot');
    assert.equal(h.down(), 'draft');
    assert.equal(h.down(), undefined);
  });

  it('history is bounded', () => {
    const h = new SendHistory();
    for (let i = 0; i < 80; i++) h.record(`c${i}`);
    assert.equal(h.items.length, 50);
    assert.equal(h.items[0], 'c30');
  });
});

describe('logview: formats', () => {
  it('formats local time with milliseconds and byte sizes', () => {
    const t = new Date(2025, 0, 2, 3, 4, 5, 6).getTime();
    assert.equal(formatTime(t), '03:04:05.006');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(50 * 1024), '50 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  });
});
