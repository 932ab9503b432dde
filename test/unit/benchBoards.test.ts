// Several boards on the bench: the boards setting, a session per board with its own reconnects and a
// connected count, and a verdict per targeted board where the release passes only when all passed.
import { strict as assert } from 'assert';
import { benchVerdict, type BenchWatcher } from '../../src/core/release/benchVerdict';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import type { RolloutSummary } from '../../src/core/release/types';
import { boardTarget, BenchSessions, parseBenchBoards } from '../../src/core/serial/bench';
import type { SerialSession } from '../../src/core/serial/session';
import { InMemoryDriver } from './serialMemory';
import { startRelease } from '../../src/core/release/pipeline';
import { benchesCleanedAfterEach, FakeSerial } from './releaseHarness';

const rollout = (...execs: [string, string][]): RolloutSummary => ({ at: 1, jobStatus: 'completed', rawJobStatus: 'COMPLETED', done: true, counts: {}, executions: execs.map(([target, status]) => ({ target, status, rawStatus: status.toUpperCase() })) });
const watcherOf = (s: SerialSession) => serialWatcher({ onLines: (l) => s.onLines(l), lines: () => s.buffer.toArray(), send: (t) => s.send(t), onStatus: (l) => s.onStatus(l) });

describe('bench boards', () => {
  it('parses the boards setting; each bad entry is named and left out', () => {
    const { boards, errors } = parseBenchBoards([
      { name: 'desk-left', port: '/dev/ttyUSB0', baudRate: 921600, devices: { aws: 'thing-1', 'my-huawei': 'dev-9' } },
      { name: 'desk-right', port: '/dev/ttyUSB1', devices: { aws: 'thing-2' } },
      { name: 'desk-left', port: '/dev/ttyUSB2' },
      { name: 'nameless' },
      { name: 'x', port: '/dev/ttyUSB0' },
      { name: 'y', port: '/dev/ttyUSB3', baudRate: 'fast' },
    ]);
    assert.deepEqual(boards.map((b) => b.name), ['desk-left', 'desk-right']);
    assert.equal(errors.length, 4);
    assert.match(errors.join('\n'), /\[2\]: the name "desk-left" is used twice[\s\S]*\[3\] \("nameless"\) needs a "port"[\s\S]*\[4\] \("x"\): the port \/dev\/ttyUSB0 is already "desk-left"'s[\s\S]*\[5\] \("y"\): baudRate/);
    assert.equal(boardTarget(boards[0], { name: 'my-huawei', kind: 'huawei' }), 'dev-9', 'by profile name');
    assert.equal(boardTarget(boards[0], { name: 'prod', kind: 'aws' }), 'thing-1', 'by cloud');
    assert.equal(boardTarget(boards[1], { name: 'prod', kind: 'aliyun' }), undefined);
    assert.deepEqual(parseBenchBoards({}).errors, ['otaBench.bench.boards must be a list of {"name", "port", "devices": {"<profile or cloud>": "<device id>"}}.']);
  });

  it('a session per board, each reconnecting on its own; the count of connected boards', async () => {
    const d = new InMemoryDriver();
    d.present.set('/dev/a', { path: '/dev/a' });
    const bench = new BenchSessions(d, { reconnectIntervalMs: 20 });
    const opened = await bench.apply([
      { name: 'a', port: '/dev/a', devices: {} },
      { name: 'b', port: '/dev/b', devices: {} },
    ]);
    assert.equal(opened, 1);
    assert.equal(bench.summary, '1/2 boards connected');
    d.present.set('/dev/b', { path: '/dev/b' });
    assert.ok(await bench.sessions.get('b')!.waitFor('open', 1000));
    assert.equal(bench.summary, '2/2 boards connected');
    d.unplug('/dev/a');
    assert.equal(bench.connected, 1, 'one board away does not touch the other');
    await bench.apply([{ name: 'b', port: '/dev/b', devices: {} }]);
    assert.equal(bench.summary, '1/1 board connected');
    await bench.close();
  });

  it('the verdict is given per targeted board; the release passes only when every board passed', async () => {
    const d = new InMemoryDriver();
    d.present.set('/dev/a', { path: '/dev/a' });
    d.present.set('/dev/b', { path: '/dev/b' });
    const bench = new BenchSessions(d);
    await bench.apply([
      { name: 'left', port: '/dev/a', devices: { aws: 'thing-1' } },
      { name: 'right', port: '/dev/b', devices: { aws: 'thing-2' } },
    ]);
    const boards: BenchWatcher[] = [
      { name: 'left', target: 'thing-1', serial: watcherOf(bench.sessions.get('left')!) },
      { name: 'right', target: 'thing-2', serial: watcherOf(bench.sessions.get('right')!) },
    ];
    const since = Date.now() - 1;
    await new Promise((r) => setTimeout(r, 5));
    d.open.get('/dev/a')!.feed('I (5) boot: firmware version 2.0.0\n');
    d.open.get('/dev/b')!.feed("I (5) boot: firmware version 2.0.0\nGuru Meditation Error: Core  0 panic'ed (LoadProhibited).\n");
    const base = { targets: ['thing-1', 'thing-2'], version: '2.0.0', since, config: {}, bannerGraceMs: 200, now: Date.now };
    const mixed = await benchVerdict({ ...base, boards, rollout: rollout(['thing-1', 'succeeded'], ['thing-2', 'succeeded']) });
    assert.equal(mixed.result, 'failed');
    assert.deepEqual(mixed.boards!.map((b) => [b.board, b.target, b.result]), [['left', 'thing-1', 'passed'], ['right', 'thing-2', 'failed']]);
    assert.match(mixed.reasons[0], /^left \(thing-1\): PASSED/);
    assert.match(mixed.reasons[1], /^right \(thing-2\): FAILED: .*crashed after the update \(ESP-IDF panic\)/);
    assert.ok(mixed.serialLines.some((l) => /Guru Meditation/.test(l.text)));

    const good = await benchVerdict({ ...base, boards: boards.slice(0, 1), targets: ['thing-1'], rollout: rollout(['thing-1', 'succeeded']) });
    assert.equal(good.result, 'passed');
    const missing = await benchVerdict({ ...base, boards: boards.slice(0, 1), targets: ['thing-1', 'thing-9'], rollout: rollout(['thing-1', 'succeeded'], ['thing-9', 'succeeded']) });
    assert.equal(missing.result, 'failed');
    assert.match(missing.reasons[1], /^thing-9: FAILED: .*No bench board has thing-9 as its device \(otaBench\.bench\.boards\)/);
    await bench.close();
  });

  describe('in the release pipeline', () => {
    const bench = benchesCleanedAfterEach();

    it('with bench boards, the verdict step judges the targeted device on its own board: PASSED there, FAILED when the device has no board', async () => {
      const b = bench();
      const other = new FakeSerial();
      const ok = await startRelease(b.config, { ...b.deps, boards: [{ name: 'desk', target: 'bench-board-01', serial: b.serial }, { name: 'spare', target: 'not-in-this-job', serial: other }] });
      assert.equal(ok.status, 'passed', ok.note);
      assert.deepEqual(ok.verdict!.boards!.map((x) => [x.board, x.target, x.result, x.evidence?.kind]), [['desk', 'bench-board-01', 'passed', 'banner']]);
      assert.equal(ok.boardsBefore?.['bench-board-01']?.same, false, 'the desk board ran another version before');
      assert.doesNotMatch(ok.verdict!.reasons.join(' '), /proves nothing/);

      // A board that already runs the version: its own verdict says the verify proves nothing.
      const same = bench();
      same.serial.print('I (1) boot: firmware version 1.4.2');
      const again = await startRelease(same.config, { ...same.deps, boards: [{ name: 'desk', target: 'bench-board-01', serial: same.serial }] });
      assert.equal(again.boardsBefore?.['bench-board-01']?.version, '1.4.2');
      assert.match(again.verdict!.reasons.join(' '), /desk \(bench-board-01\): PASSED.*already ran 1\.4\.2 before the job.*proves nothing/);

      const b2 = bench();
      const r = await startRelease(b2.config, { ...b2.deps, boards: [{ name: 'spare', target: 'some-other-thing', serial: other }] });
      assert.equal(r.status, 'failed');
      assert.match(r.verdict!.reasons.join(' '), /bench-board-01: FAILED: .*No bench board has bench-board-01 as its device/);
    });
  });
});
