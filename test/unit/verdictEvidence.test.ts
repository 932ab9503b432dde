// The verdict's board evidence without a cloud: query reply as evidence, crashes fail a verify the
// cloud passed, a board that already ran the version, and warnings that never flip the verdict.
import { strict as assert } from 'assert';
import { crashEvidence, levelNotes, parseEvidenceSettings, versionReplyMatcher } from '../../src/core/release/evidence';
import { parseReleaseSettings, releaseConfig } from '../../src/core/release/settings';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import { SerialTap } from '../../src/core/release/serialWatch';
import { askBoardVersion } from '../../src/core/release/evidence';
import { SerialSession } from '../../src/core/serial/session';
import { InMemoryDriver } from './serialMemory';
import { decideVerdict, type VerdictInput } from '../../src/core/release/verdict';
import type { RolloutSummary, SerialLine } from '../../src/core/release/types';

const rollout = (status: string): RolloutSummary => ({ at: 1, jobStatus: 'completed', rawJobStatus: 'COMPLETED', done: true, counts: {}, executions: [{ target: 'bench-1', status, rawStatus: status.toUpperCase() }] });
const rx = (t: number, text: string): SerialLine => ({ t, text, dir: 'rx' });
const base = (over: Partial<VerdictInput> = {}): VerdictInput => ({ rollout: rollout('succeeded'), target: 'bench-1', version: '1.4.2', lines: [], serialConnected: true, bannerGraceMs: 5000, ...over });

describe('verdict: board evidence', () => {
  it('the version query reply is evidence and is named as such; a reply with another version fails', () => {
    const reply = rx(10, 'version: 1.4.2');
    const ok = decideVerdict(base({ query: { line: reply, version: '1.4.2' }, queryAsked: true }));
    assert.equal(ok.result, 'passed');
    assert.deepEqual(ok.evidence, { kind: 'query', line: reply });
    assert.match(ok.reasons[0], /answered the version query with 1\.4\.2/);
    const wrong = decideVerdict(base({ query: { line: rx(10, 'version: 1.4.1'), version: '1.4.1' }, queryAsked: true }));
    assert.equal(wrong.result, 'failed');
    assert.match(wrong.reasons.join(' '), /answered the version query with 1\.4\.1, not 1\.4\.2/);
    const silent = decideVerdict(base({ queryAsked: true }));
    assert.match(silent.reasons.join(' '), /did not answer the version query/);
    assert.throws(() => versionReplyMatcher('version: \\S+'), /has no group for the version/);
    assert.equal(versionReplyMatcher('version: (\\S+)')('\x1b[0mversion: 2.0.0'), '2.0.0');
  });

  it('a crash after the update FAILS a verify the cloud passed, with the crash lines as evidence', async () => {
    const lines = [rx(1, 'I (5) boot: firmware version 1.4.2'), rx(2, "Guru Meditation Error: Core  0 panic'ed (LoadProhibited)."), rx(3, 'Backtrace: 0x400d2a19:0x3ffb1f50'), rx(4, 'rst:0x7 (TG0WDT_SYS_RESET),boot:0x13')];
    const crashes = await crashEvidence(lines, undefined);
    assert.deepEqual(crashes.map((c) => [c.name, c.lines.length]), [['ESP-IDF panic', 3]]);
    const v = decideVerdict(base({ bannerLine: lines[0], lines, crashes }));
    assert.equal(v.result, 'failed');
    assert.match(v.reasons.join(' '), /crashed after the update \(ESP-IDF panic\): "Guru Meditation Error/);
    assert.deepEqual(v.serialLines.map((l) => l.t), [2, 3, 4]);
    const loop = await crashEvidence([1, 2, 3].map((i) => rx(i * 1000, 'rst:0xc (SW_CPU_RESET),boot:0x13')), { bootLoop: { boots: 3, windowMs: 10_000 } });
    assert.match(decideVerdict(base({ bannerLine: lines[0], crashes: loop })).reasons.join(' '), /boot loop \(3 boots in 2 s\) after the update/);
    assert.equal(decideVerdict(base({ bannerLine: lines[0], crashes: [] })).result, 'passed');
  });

  it('a board that already ran the version: PASSED, but it says the verify proves nothing', () => {
    const v = decideVerdict(base({ bannerLine: rx(5, 'firmware version 1.4.2'), before: { version: '1.4.2', how: 'banner', same: true } }));
    assert.equal(v.result, 'passed');
    assert.match(v.reasons.join(' '), /already ran 1\.4\.2 before the job \(its last banner\), so this verify proves nothing/);
    const fresh = decideVerdict(base({ bannerLine: rx(5, 'firmware version 1.4.2'), before: { version: '1.4.1', how: 'query', same: false } }));
    assert.ok(!/proves nothing/.test(fresh.reasons.join(' ')));
  });

  it('warnings and errors are notes only: they never flip the verdict either way', () => {
    const lines = [rx(1, '\x1b[0;33mW (10) heap: low water mark\x1b[0m'), rx(2, 'E (11) mqtt: keepalive timeout'), rx(3, 'I (12) app: fine'), rx(4, '<wrn> net: slow')];
    const notes = levelNotes(lines, undefined);
    assert.deepEqual(notes, ['warning (heap): W (10) heap: low water mark', 'error (mqtt): E (11) mqtt: keepalive timeout', 'warning (net): <wrn> net: slow']);
    const pass = decideVerdict(base({ bannerLine: rx(5, 'firmware version 1.4.2'), notes }));
    assert.equal(pass.result, 'passed');
    assert.deepEqual(pass.notes, notes);
    const fail = decideVerdict(base({ rollout: rollout('failed'), notes }));
    assert.equal(fail.result, 'failed');
    assert.equal(levelNotes(Array.from({ length: 15 }, (_, i) => rx(i, `E (${i}) x: bad`)), undefined).at(-1), '… and 5 more warnings/errors');
  });

  it('evidence settings: good values reach the release config (ELF resolved in the workspace); each bad one is named, never thrown', () => {
    const good = parseReleaseSettings({ versionQuery: { command: 'version', reply: 'version: (\\S+)' }, elf: 'build/fw.elf', crashPatterns: [{ name: 'mine', pattern: 'MY_ASSERT' }], bootLoop: { boots: 4, windowSeconds: 30 }, levelPattern: '^(?<level>[EW])/' });
    assert.deepEqual(good.errors, []);
    assert.deepEqual(good.settings.evidence, { versionQuery: { command: 'version', reply: 'version: (\\S+)' }, elf: 'build/fw.elf', crashPatterns: [{ name: 'mine', pattern: 'MY_ASSERT' }], bootLoop: { boots: 4, windowMs: 30_000 }, levelPattern: '^(?<level>[EW])/' });
    const { config } = releaseConfig(good.settings, { name: 'p', kind: 'aws', region: 'us-east-1', thingName: 't', signing: { mode: 'hash-only' } } as never, '/ws/demo');
    assert.equal(config?.evidence?.elf, '/ws/demo/build/fw.elf');
    const bad = parseEvidenceSettings({ versionQuery: { command: 'version', reply: 'version: \\S+' }, crashPatterns: [{ name: 'x', pattern: '(' }], bootLoop: { boots: 1 }, levelPattern: '(' });
    assert.deepEqual(bad.evidence, {});
    assert.equal(bad.errors.length, 4);
    assert.match(bad.errors.join('\n'), /versionQuery: .*has no group for the version[\s\S]*crashPatterns: Crash pattern "x"[\s\S]*bootLoop must be[\s\S]*levelPattern: .*not a valid regular expression/);
    assert.deepEqual(parseEvidenceSettings({ versionQuery: { command: '', reply: '' } }), { evidence: {}, errors: [] }, 'the empty default is not an error');
  });

  it('over a session, the watcher asks the board its version and reports the port going and coming back; away, the query is simply not answered', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', { path: 'p' });
    const s = new SerialSession(d, { reconnectIntervalMs: 20 });
    await s.open('p');
    const tap = new SerialTap(serialWatcher({ onLines: (l) => s.onLines(l), lines: () => s.buffer.toArray(), send: (t) => s.send(t), onStatus: (l) => s.onStatus(l) }));
    const port: string[] = [];
    const off = tap.onPort((state) => port.push(state));
    const cfg = { versionQuery: { command: 'version', reply: 'version: (\\S+)' }, queryTimeoutMs: 300 };
    const asked = askBoardVersion(tap, cfg, Date.now());
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(d.open.get('p')!.written.map((b) => b.toString()).join(''), 'version\n');
    d.open.get('p')!.feed('version: 3.1.4\r\n');
    assert.deepEqual((await asked)?.version, '3.1.4');
    d.unplug('p');
    assert.equal(await askBoardVersion(tap, cfg, Date.now()), undefined, 'port away: no answer, no throw');
    d.present.set('p', { path: 'p' });
    assert.ok(await s.waitFor('open', 1000));
    assert.deepEqual(port, ['lost', 'back']);
    off();
    tap.dispose();
    await s.close();
  });
});
