// The monitor's plot data: Teleplot lines, user patterns, bounded series and the CSV export.
import { strict as assert } from 'assert';
import { compilePlotPattern, matchPlotPattern, parseTeleplot, PLOT_MAX_SERIES, PlotData } from '../../src/shared/logview/plot';

describe('logview: plot', () => {
  it('reads Teleplot lines: value, device timestamp, several points, unit; skips text and xy', () => {
    assert.deepEqual(parseTeleplot('>temp:21.5'), [{ name: 'temp', value: 21.5 }]);
    assert.deepEqual(parseTeleplot('>temp:-3e2§°C'), [{ name: 'temp', value: -300, unit: '°C' }]);
    assert.deepEqual(parseTeleplot('>rpm:1627551892437:1234|g'), [{ name: 'rpm', value: 1234, deviceT: 1627551892437 }]);
    assert.deepEqual(parseTeleplot('>a:100:1;200:2'), [{ name: 'a', value: 1, deviceT: 100 }, { name: 'a', value: 2, deviceT: 200 }]);
    assert.deepEqual(parseTeleplot('>state:Running|t'), [], 'text telemetry is not a series');
    assert.deepEqual(parseTeleplot('>pos:10.5:20.3|xy'), [], 'xy pairs are not a time series');
  });

  it('ignores lines that are not Teleplot numbers', () => {
    for (const t of ['temp:21.5', '> :1', '>temp:', '>temp:abc', '>temp:1:2:3', '>:5', 'I (1) app: >temp:3', '>na me:1']) assert.deepEqual(parseTeleplot(t), [], t);
  });

  it('a user pattern plots its numeric named groups; a bad pattern says why', () => {
    const p = compilePlotPattern('T=(?<temp>[\\d.-]+) H=(?<hum>\\d+)(?<note> ok)?');
    assert.ok(p.re && !p.error);
    assert.deepEqual(matchPlotPattern(p.re!, 'I (5) env: T=21.5 H=40 ok'), [{ name: 'temp', value: 21.5 }, { name: 'hum', value: 40 }]);
    assert.deepEqual(matchPlotPattern(p.re!, 'nothing here'), []);
    assert.match(compilePlotPattern('(?<x>[').error!, /not a regular expression/);
    assert.match(compilePlotPattern('temp=(\\d+)').error!, /name each number with a group/);
    assert.deepEqual(compilePlotPattern('  '), {});
  });

  it('keeps a bounded history per series and a bounded number of series', () => {
    const d = new PlotData(5);
    for (let i = 0; i < 12; i++) d.add(1000 + i, [{ name: 'x', value: i }]);
    const x = d.series[0];
    assert.equal(x.size, 5, 'only the newest 5 points');
    assert.deepEqual([0, 1, 2, 3, 4].map((k) => x.v(k)), [7, 8, 9, 10, 11]);
    assert.equal(x.firstAtOrAfter(1009), 2);
    for (let i = 0; i < PLOT_MAX_SERIES + 3; i++) d.add(2000, [{ name: `s${i}`, value: i }]);
    assert.equal(d.series.length, PLOT_MAX_SERIES);
    assert.equal(d.refused, 4, 'points of series beyond the bound are counted, not kept');
  });

  it('spreads several device-timestamped points back from the host time, keeping their spacing', () => {
    const d = new PlotData();
    d.add(10_000, parseTeleplot('>a:100:1;300:2'));
    const a = d.series[0];
    assert.deepEqual([a.t(0), a.t(1)], [9_800, 10_000]);
  });

  it('exports a wide CSV joined on time, header safe for spreadsheets', () => {
    const d = new PlotData();
    d.add(Date.UTC(2026, 0, 1, 0, 0, 0), [{ name: 'temp', value: 21.5, unit: '°C' }, { name: '=cmd', value: 1 }]);
    d.add(Date.UTC(2026, 0, 1, 0, 0, 1), [{ name: 'temp', value: 22 }]);
    assert.equal(d.toCsv(), [
      "time,temp (°C),'=cmd",
      '2026-01-01T00:00:00.000Z,21.5,1',
      '2026-01-01T00:00:01.000Z,22,',
      '',
    ].join('\n'));
    assert.equal(new PlotData().toCsv(), 'time\n', 'an empty chart exports just the header');
  });
});
