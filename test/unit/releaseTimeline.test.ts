// Crashes and port loss in the release timeline (core/release/view TimelineBuilder).
import { strict as assert } from 'assert';
import { TimelineBuilder } from '../../src/core/release/view';

describe('release timeline: crashes, boot loops and the port', () => {
  it('a crash becomes a crash row at its first line, ANSI removed; a boot loop too', () => {
    const tl = new TimelineBuilder();
    const line = { seq: 1, t: 1000, dir: 'rx' as const, text: "\x1b[0;31mGuru Meditation Error: Core  0 panic'ed (LoadProhibited)\x1b[0m" };
    assert.deepEqual(tl.fromEvent({ type: 'serial-crash', at: 1500, name: 'ESP-IDF panic', kind: 'crash', line }), [
      { t: 1000, kind: 'crash', text: "Crash (ESP-IDF panic): Guru Meditation Error: Core  0 panic'ed (LoadProhibited)", level: 'error' },
    ]);
    const boot = { seq: 9, t: 2000, dir: 'rx' as const, text: 'rst:0x1 (POWERON_RESET),boot:0x13' };
    assert.deepEqual(tl.fromEvent({ type: 'serial-crash', at: 2100, name: 'boot loop', kind: 'boot-loop', line: boot }), [
      { t: 2000, kind: 'crash', text: 'Boot loop: rst:0x1 (POWERON_RESET),boot:0x13', level: 'error' },
    ]);
  });

  it('the port going away and coming back is said in the timeline (a warning, then info)', () => {
    const tl = new TimelineBuilder();
    assert.deepEqual(tl.fromEvent({ type: 'serial-port', at: 5, state: 'lost', message: '/dev/ttyUSB0 disappeared' }), [
      { t: 5, kind: 'step', text: "The board's port went away: /dev/ttyUSB0 disappeared", level: 'warn' },
    ]);
    assert.equal(tl.fromEvent({ type: 'serial-port', at: 6, state: 'back', message: 'reconnected' })[0].level, 'info');
    assert.deepEqual(tl.fromEvent({ type: 'log', at: 7, step: 'build', text: 'x' }), [], 'other events add nothing');
  });
});
