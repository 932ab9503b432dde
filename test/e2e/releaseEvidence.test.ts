// The verdict's board evidence end to end (AWS emulator, the board's AWS agent, its serial port on a
// real pty read by the extension's session): a native-USB board whose port goes away on reset and
// comes back as a new pty at the same path, a banner without the version (the version query
// answers), a board that panics after its agent reported success, and a verify that proves nothing.
import { strict as assert } from 'assert';
import { createPublicKey } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { resumeRelease, startRelease, type ReleaseEvent } from '../../src/core/release';
import { BoardSupervisor } from './boardProcess';
import { startReleaseBench, type ReleaseBench } from './releaseBench';

const QUERY = { versionQuery: { command: 'version', reply: 'version: (\\S+)' } };

describe('release evidence from the board (replug, version query, crash)', function () {
  this.timeout(180_000);
  let b: ReleaseBench;

  before(async () => {
    b = await startReleaseBench({ imageKb: 256 });
  });
  after(async () => {
    await b?.close();
  });
  afterEach(() => {
    for (const f of ['usb-reset', 'quiet-boot', 'panic-after-boot']) b.board.setFault(f, false);
  });

  it('the port goes away on the reset and comes back as a new pty at the same path: PASSED on the banner, the pane hears of it', async () => {
    b.setVersion('2.1.0');
    b.board.setFault('usb-reset', true);
    const events: ReleaseEvent[] = [];
    const r = await startRelease(b.config({ evidence: QUERY }), b.deps({ onEvent: (e) => events.push(e) }));
    assert.equal(r.status, 'passed', r.note);
    assert.equal(r.verdict?.evidence?.kind, 'banner');
    assert.match(r.verdict!.evidence!.line.text, /firmware version 2\.1\.0/);
    assert.equal(r.boardBefore?.version, '1.0.0', 'asked before the job');
    assert.equal(r.boardBefore?.how, 'query');
    assert.equal(r.verdict?.before?.same, false);
    const port = events.filter((e) => e.type === 'serial-port').map((e) => (e as { state: string }).state);
    assert.deepEqual(port, ['lost', 'back']);
    assert.ok(b.serial.status.reconnects >= 1);
  });

  it('a banner without the version: the version query answers and counts as evidence; without a query it FAILS saying so', async () => {
    b.board.setFault('quiet-boot', true);
    b.setVersion('2.2.0');
    const r = await startRelease(b.config({ evidence: QUERY, watch: { intervalMs: 100, bannerGraceMs: 500, timeoutMs: 60_000 } }), b.deps());
    assert.equal(r.status, 'passed', r.note);
    assert.equal(r.verdict?.evidence?.kind, 'query');
    assert.equal(r.verdict!.evidence!.line.text, 'version: 2.2.0');
    assert.match(r.verdict!.reasons[0], /answered the version query with 2\.2\.0/);

    b.setVersion('2.3.0');
    const f = await startRelease(b.config({ watch: { intervalMs: 100, bannerGraceMs: 500, timeoutMs: 60_000 } }), b.deps());
    assert.equal(f.status, 'failed');
    assert.match(f.verdict!.reasons.join(' '), /never printed version 2\.3\.0.*set otaBench\.release\.versionQuery/);
  });

  it('the cloud says SUCCEEDED but the board panics after the update: FAILED with the crash lines; a re-verify of the running version proves nothing', async () => {
    b.setVersion('2.4.0');
    b.board.setFault('panic-after-boot', true);
    const events: ReleaseEvent[] = [];
    const r = await startRelease(b.config({ evidence: QUERY, watch: { intervalMs: 100, bannerGraceMs: 1500, timeoutMs: 60_000 } }), b.deps({ onEvent: (e) => events.push(e) }));
    assert.equal(r.rollout?.executions[0].status, 'succeeded', 'the cloud is happy');
    assert.equal(r.status, 'failed', 'the board is not');
    const why = r.verdict!.reasons.join(' ');
    assert.match(why, /crashed after the update \(ESP-IDF panic\): "Guru Meditation Error/, why);
    assert.ok(r.verdict!.crashes!.some((c) => c.lines.some((l) => /^Backtrace: 0x400d2a19/.test(l.text))), 'the dump is evidence');
    assert.ok(r.verdict!.serialLines.some((l) => /Guru Meditation/.test(l.text)));
    assert.ok(events.some((e) => e.type === 'serial-crash' && e.name === 'ESP-IDF panic'), 'the timeline marks it');

    // The board now runs 2.4.0: verifying 2.4.0 again passes, but says it proves nothing.
    const again = await resumeRelease((await b.store.load())!, b.deps());
    assert.equal(again.status, 'passed', again.note);
    assert.equal(again.boardBefore?.version, '2.4.0');
    assert.match(again.verdict!.reasons.join(' '), /already ran 2\.4\.0 before the job \(its answer to the version query\), so this verify proves nothing/);
  });
});

describe('release evidence: the board restarts as a new process on a new pty at the same path', function () {
  this.timeout(180_000);
  let b: ReleaseBench;
  let sup: BoardSupervisor | undefined;

  before(async () => {
    b = await startReleaseBench({ imageKb: 256 });
  });
  after(async () => {
    await sup?.stop();
    await b?.close();
  });

  it('the update resets the board: its process ends, a new one boots the new image; the verify PASSES on the banner caught after the replug', async () => {
    // Swap the in-process board for a board process at the same path, with the same AWS agent.
    await b.board.stop();
    const trusted = join(b.dir, 'trusted.pem');
    writeFileSync(trusted, createPublicKey(readFileSync(join(b.root, 'keys', 'demo-signing-key.pem'))).export({ type: 'spki', format: 'pem' }));
    sup = new BoardSupervisor(b.board.link, ['--agent', `aws:mqttUrl=${b.aws.mqttUrl},thingName=bench-board-01,statusEvery=128,downloadTimeoutMs=3000`, '--trusted-key', trusted]);
    await sup.start('1.0.0');
    assert.ok(await b.serial.waitFor('open', 5000), 'the session found the new process\'s port');

    b.setVersion('3.0.0');
    const events: ReleaseEvent[] = [];
    const lost = b.serial.status.reconnects;
    const r = await startRelease(b.config({ evidence: QUERY }), b.deps({ onEvent: (e) => events.push(e) }));
    assert.equal(r.status, 'passed', r.note);
    assert.deepEqual(sup.versions, ['1.0.0', '3.0.0'], 'a second process booted the new image');
    assert.equal(r.verdict?.evidence?.kind, 'banner');
    assert.match(r.verdict!.evidence!.line.text, /firmware version 3\.0\.0/);
    assert.equal(r.boardBefore?.version, '1.0.0');
    assert.ok(b.serial.status.reconnects > lost, 'the port really went away and came back');
    assert.deepEqual(events.filter((e) => e.type === 'serial-port').map((e) => (e as { state: string }).state), ['lost', 'back']);
  });
});
