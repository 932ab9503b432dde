import { strict as assert } from 'assert';
import { compileFilter, compileMatcher, splitTerms } from '../../src/shared/logview/filter';
import { segmentLine } from '../../src/shared/logview/segments';

describe('logview: filters and highlights', () => {
  const lines = ['I (10) wifi: connected', 'W (11) mqtt: retry', 'E (12) ota: bad signature', 'I (13) WIFI: rssi -40'];

  it('an empty filter passes everything and is inactive', () => {
    const f = compileFilter({ include: '', exclude: '  ', regex: false });
    assert.equal(f.active, false);
    assert.deepEqual(lines.filter(f.test), lines);
  });

  it('include keeps lines with any comma-separated term, case-insensitively', () => {
    const f = compileFilter({ include: 'wifi, ota', exclude: '', regex: false });
    assert.deepEqual(lines.filter(f.test), [lines[0], lines[2], lines[3]]);
  });

  it('match case narrows the include', () => {
    const f = compileFilter({ include: 'WIFI', exclude: '', regex: false, matchCase: true });
    assert.deepEqual(lines.filter(f.test), [lines[3]]);
  });

  it('exclude hides lines and wins over include', () => {
    const f = compileFilter({ include: 'wifi', exclude: 'rssi', regex: false });
    assert.deepEqual(lines.filter(f.test), [lines[0]]);
    const g = compileFilter({ include: '', exclude: 'I (', regex: false });
    assert.deepEqual(lines.filter(g.test), [lines[1], lines[2]], 'special characters are literal in plain mode');
  });

  it('regex mode uses the pattern as a regular expression', () => {
    const f = compileFilter({ include: '^[WE] \\(\\d+\\)', exclude: '', regex: true });
    assert.deepEqual(lines.filter(f.test), [lines[1], lines[2]]);
  });

  it('an invalid regex is reported and hides nothing', () => {
    const f = compileFilter({ include: '(unclosed', exclude: '', regex: true });
    assert.ok(f.includeError, 'error reported');
    assert.match(f.includeError!, /unterminated|group/i);
    assert.deepEqual(lines.filter(f.test), lines);
  });

  it('splits terms on unescaped commas', () => {
    assert.deepEqual(splitTerms(' a , b\\,c ,, '), ['a', 'b,c']);
  });

  it('reports every include match as a highlight range', () => {
    const f = compileFilter({ include: 'i', exclude: '', regex: false });
    assert.deepEqual(f.highlights('wifi: hi'), [
      { from: 1, to: 2 }, { from: 3, to: 4 }, { from: 7, to: 8 },
    ]);
  });

  it('empty regex matches never loop and yield no highlight', () => {
    const m = compileMatcher('x*', true);
    assert.deepEqual(m.ranges('abxxc'), [{ from: 2, to: 4 }]);
    assert.deepEqual(compileMatcher('^', true).ranges('abc'), []);
  });

  it('caps the number of highlight ranges', () => {
    assert.equal(compileMatcher('a', false).ranges('a'.repeat(1000), 10).length, 10);
  });

  it('segments merge ANSI spans with marks, current search over search over filter', () => {
    const style = { fg: 1 };
    const segs = segmentLine(10, [{ from: 0, to: 5, style }], [
      { from: 3, to: 7, kind: 'filter' },
      { from: 4, to: 6, kind: 'search' },
      { from: 5, to: 6, kind: 'current' },
    ]);
    assert.deepEqual(segs, [
      { from: 0, to: 3, style },
      { from: 3, to: 4, style, mark: 'filter' },
      { from: 4, to: 5, style, mark: 'search' },
      { from: 5, to: 6, mark: 'current' },
      { from: 6, to: 7, mark: 'filter' },
      { from: 7, to: 10 },
    ]);
    assert.deepEqual(segmentLine(4, undefined, []), [{ from: 0, to: 4 }]);
    assert.deepEqual(segmentLine(0, undefined, [{ from: 0, to: 3, kind: 'filter' }]), []);
  });
});
