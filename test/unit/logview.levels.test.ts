// The monitor's level/tag filter, crash index and the saved log's header (pure parts).
import { strict as assert } from 'assert';
import { CrashIndex } from '../../src/shared/logview/crashes';
import { compileLevelFilter, describeLevelFilter, formatTagList, parseTagList } from '../../src/shared/logview/levels';
import { LogModel } from '../../src/shared/logview/logModel';
import type { LogLine } from '../../src/shared/protocol';
import { savedLogHeader } from '../../src/vscode/monitor/logHeader';

let seq = 0;
const line = (text: string, extra: Partial<LogLine> = {}): LogLine => ({ seq: seq++, t: 0, text, dir: 'rx', ...extra });

describe('logview: levels, tags and crashes', () => {
  it('minimum level keeps that level and the more severe ones; unleveled board lines go, ours and crashes stay', () => {
    const f = compileLevelFilter({ min: 'warn', include: [], exclude: [] });
    assert.equal(f.active, true);
    assert.equal(f.test(line('e', { level: 'error' })), true);
    assert.equal(f.test(line('w', { level: 'warn' })), true);
    assert.equal(f.test(line('i', { level: 'info' })), false);
    assert.equal(f.test(line('printf')), false);
    assert.equal(f.test(line('sent', { dir: 'tx' })), true);
    assert.equal(f.test(line('note', { dir: 'sys' })), true);
    assert.equal(f.test(line('Guru Meditation', { crash: 'ESP-IDF panic' })), true);
    const all = compileLevelFilter({ min: 'all', include: [], exclude: [] });
    assert.equal(all.active, false);
    assert.equal(all.test(line('printf')), true);
  });

  it('tags: include keeps only those (case-insensitive), exclude hides them', () => {
    const inc = compileLevelFilter({ min: 'all', include: ['WiFi'], exclude: [] });
    assert.equal(inc.test(line('a', { tag: 'wifi' })), true);
    assert.equal(inc.test(line('b', { tag: 'mqtt' })), false);
    assert.equal(inc.test(line('c')), false, 'an untagged line is not "wifi"');
    const exc = compileLevelFilter({ min: 'all', include: [], exclude: ['mqtt'] });
    assert.equal(exc.test(line('b', { tag: 'mqtt' })), false);
    assert.equal(exc.test(line('c')), true);
  });

  it('parses and formats the tags field ("wifi, ota, -mqtt")', () => {
    assert.deepEqual(parseTagList('wifi, ota -mqtt,!http, wifi, -'), { include: ['wifi', 'ota'], exclude: ['mqtt', 'http'] });
    assert.deepEqual(parseTagList('  '), { include: [], exclude: [] });
    assert.equal(formatTagList({ include: ['wifi'], exclude: ['mqtt'] }), 'wifi, -mqtt');
    assert.equal(describeLevelFilter({ min: 'warn', include: [], exclude: ['mqtt'] }), 'level warn and more severe · tags -mqtt');
    assert.equal(describeLevelFilter({ min: 'all', include: [], exclude: [] }), 'all levels and tags');
  });

  it('the model combines the level filter with the text filter and rebuilds on change', () => {
    const m = new LogModel(100);
    m.append(line('E (1) wifi: down', { level: 'error', tag: 'wifi' }));
    m.append(line('I (2) wifi: up', { level: 'info', tag: 'wifi' }));
    m.append(line('E (3) mqtt: gone', { level: 'error', tag: 'mqtt' }));
    m.setLevels({ min: 'error', include: [], exclude: [] });
    assert.equal(m.view.count, 2);
    assert.equal(m.filtering, true);
    m.setFilter({ include: 'mqtt', exclude: '', regex: false });
    assert.equal(m.view.count, 1);
    m.setLevels({ min: 'all', include: [], exclude: [] });
    m.setFilter({ include: '', exclude: '', regex: false });
    assert.equal(m.view.count, 3);
    assert.equal(m.filtering, false);
  });

  it('a crash run (panic, dump, backtrace) is one crash; next/previous wrap; evicted crashes leave', () => {
    const c = new CrashIndex();
    const kinds = [undefined, 'panic', 'panic', 'panic', undefined, 'fatal', undefined, 'panic'];
    kinds.forEach((k, i) => c.add(i, k));
    assert.equal(c.count, 3);
    assert.deepEqual([c.at(0), c.at(1), c.at(2)].map((m) => m?.line), [1, 5, 7]);
    assert.equal(c.next(0)?.line, 1, 'the first crash below the top of the view');
    assert.equal(c.position, 1);
    assert.equal(c.next(0)?.line, 5, 'then the one after the current, wherever the view is');
    assert.equal(c.next(0)?.line, 7);
    assert.equal(c.next(0)?.line, 1, 'wraps to the first');
    assert.equal(c.prev(0)?.line, 7, 'wraps to the newest');
    assert.equal(c.prev(0)?.line, 5);
    c.position = 0;
    assert.equal(c.prev(6)?.line, 5, 'without a current crash: the last above the top of the view');
    c.position = 0;
    assert.equal(c.next(5)?.line, 7);
    assert.equal(c.position, 3);
    c.dropBefore(2);
    assert.equal(c.count, 2);
    assert.equal(c.position, 2, 'the position follows the crash it pointed at');
    c.reset();
    assert.equal(c.next(0), undefined, 'no crash: nothing to go to');
    assert.equal(c.position, 0);
  });

  it('the saved log header says when, from where and how the monitor was filtering', () => {
    const h = savedLogHeader({
      savedAt: new Date('2026-01-02T03:04:05Z'),
      port: { state: 'open', path: '/dev/ttyUSB0', baudRate: 115200 },
      lines: 1234,
      levels: { min: 'warn', include: ['wifi'], exclude: ['mqtt'] },
      view: undefined,
    });
    assert.deepEqual(h.split('\n'), [
      '# OTA Bench serial log',
      '# saved: 2026-01-02T03:04:05.000Z',
      '# port: /dev/ttyUSB0 @ 115200 baud (open)',
      '# lines: 1,234',
      '# monitor levels: level warn and more severe · tags wifi, -mqtt',
      '# monitor filter: none',
      '#',
      '',
    ]);
    const none = savedLogHeader({ savedAt: new Date(0), lines: 0 });
    assert.match(none, /# port: none\n/);
    assert.match(none, /# monitor levels: all levels and tags\n/);
  });
});
