// Quick Release end to end on the AWS emulator with the virtual board: the demo workspace's real
// build (4 MB stamped image), local ECDSA signing, the real AWS provider (SDK clients), the board's
// AWS agent over MQTT, its banner read through a real pty by the extension's serial session.
import { strict as assert } from 'assert';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { createProvider } from '../../src/core/clouds/aws';
import { resumePoint, resumeRelease, startRelease } from '../../src/core/release';
import { writeVerifyBundle } from '../../src/core/release/bundle';
import { rolloutView, serialEntry, TimelineBuilder } from '../../src/core/release/view';
import { startReleaseBench, type ReleaseBench } from './releaseBench';
import { statuses } from './releaseRuns';

describe('Quick Release end to end (AWS emulator + virtual board on a pty)', function () {
  this.timeout(120_000);
  let b: ReleaseBench;

  before(async () => {
    b = await startReleaseBench();
  });
  after(async () => {
    await b?.close();
  });

  it('Quick Release → PASSED: built, signed, published, verified on the board, which printed the new version', async () => {
    b.setVersion('1.5.0');
    const timeline = new TimelineBuilder();
    const rows: ReturnType<TimelineBuilder['fromEvent']> = [];
    const snapshots: ReturnType<typeof rolloutView>[] = [];
    const deps = b.deps({
      onEvent: (e) => {
        b.events.push(e);
        rows.push(...timeline.fromEvent(e));
        if (e.type === 'rollout') snapshots.push(rolloutView(e.rollout));
      },
    });
    const r = await startRelease(b.config(), deps);
    assert.equal(r.status, 'passed', r.note);
    // The AWS provider publishes as it registers: the publish step finds it done.
    assert.deepEqual(statuses(r), { build: 'done', locate: 'done', version: 'done', sign: 'done', upload: 'done', register: 'done', publish: 'skipped', 'start-verify': 'done', watch: 'done', verdict: 'done' });
    assert.equal(r.version?.value, '1.5.0');
    assert.equal(r.artifact?.size, 4 * 1024 * 1024);
    assert.equal(r.artifact?.embeddedVersion, '1.5.0');
    assert.equal(r.publish?.status, 'published');
    assert.equal(r.verdict?.result, 'passed');
    assert.match(r.verdict!.bannerLine!.text, /firmware version 1\.5\.0/);
    assert.equal(r.rollout?.executions[0].target, 'bench-board-01');
    assert.equal(r.rollout?.executions[0].status, 'succeeded');
    assert.equal(b.board.version, '1.5.0');
    assert.equal(b.uploads(), 1, 'one upload');

    // The cloud saw the download progress and the self-test; the timeline interleaves it with serial.
    assert.ok(snapshots.some((s) => s.executions.some((e) => e.status === 'in-progress')), 'an in-progress snapshot');
    const lines = b.serial.buffer.toArray().filter((l) => l.t >= r.job!.requestedAt);
    const merged = [...rows, ...lines.map(serialEntry)].sort((x, y) => x.t - y.t);
    const order = (re: RegExp) => merged.findIndex((e) => re.test(e.text));
    const startedJob = order(/^Start verify job: Started/);
    const downloaded = order(/ota: downloaded 4194304 bytes/);
    const banner = order(/boot: firmware version 1\.5\.0/);
    const succeeded = order(/^bench-board-01: SUCCEEDED/);
    assert.ok(startedJob >= 0 && downloaded > startedJob && banner > downloaded && succeeded > downloaded, merged.map((e) => `${e.kind} ${e.text}`).join('\n'));

    // The verify bundle holds the record, the snapshots and the serial log with the banner.
    const { folder, files } = await writeVerifyBundle(b.dir, { record: r, snapshots, serial: lines, timeline: rows, jobDocument: await b.provider.getJobDocument(r.job!.id) });
    assert.deepEqual(files.sort(), ['README.txt', 'job-document.json', 'job-snapshots.json', 'release.json', 'serial.log', 'timeline.log']);
    assert.match(readFileSync(join(folder, 'serial.log'), 'utf8'), /firmware version 1\.5\.0/);
    assert.ok(!readFileSync(join(folder, 'serial.log'), 'utf8').includes('\u001b['), 'no ANSI in the saved log');
    assert.equal(JSON.parse(readFileSync(join(folder, 'release.json'), 'utf8')).verdict.result, 'passed');
    assert.match(readFileSync(join(folder, 'job-document.json'), 'utf8'), /afr_ota/);
    assert.match(readFileSync(join(folder, 'README.txt'), 'utf8'), /Verdict {4}PASSED/);
  });

  it('a wrong signing key → FAILED with the cloud reason and the board\u2019s serial lines; the board keeps its version', async () => {
    b.setVersion('1.5.1');
    const r = await startRelease(b.config({ signing: { mode: 'local-key', keyFile: 'keys/wrong-key.pem' } }), b.deps());
    assert.equal(r.status, 'failed');
    assert.equal(r.verdict?.result, 'failed');
    const why = r.verdict!.reasons.join(' ');
    assert.match(why, /failed on bench-board-01 \(FAILED\).*signature check failed/, why);
    assert.ok(r.verdict!.serialLines.some((l) => /signature check failed/.test(l.text)), r.verdict!.serialLines.map((l) => l.text).join('\n'));
    assert.equal(r.steps.find((s) => s.id === 'verdict')!.status, 'failed');
    assert.equal(resumePoint(r), 'start-verify', 'a re-run starts a new verify job, nothing is uploaded again');
    assert.equal(b.board.version, '1.5.0');
  });

  it('the upload interrupted (the emulator drops the connection), then the registration: each resume completes without a second upload', async () => {
    b.setVersion('1.5.2');
    const before = b.uploads();
    // One attempt per request, so a dropped connection fails the step instead of being retried.
    const oneShot = await createProvider(b.aws.profile('bench'), undefined, { credentials: b.aws.credentials, maxAttempts: 1, watchMaxRequestsPerSecond: 20 });
    try {
      b.aws.faults.dropNext(1, { service: 's3', method: 'PUT' });
      const first = await startRelease(b.config(), b.deps({ provider: oneShot }));
      assert.equal(first.status, 'failed');
      assert.equal(resumePoint(first), 'upload');
      assert.equal(first.steps.find((s) => s.id === 'upload')!.status, 'failed');
      assert.equal(b.uploads(), before, 'nothing stored');

      // The resume uploads; now the registration's connection drops after the bytes are stored.
      b.aws.faults.dropNext(1, { service: 'iot', method: 'PUT', pathPrefix: '/packages/bench-demo-firmware/versions/' });
      const second = await resumeRelease((await b.store.load())!, b.deps({ provider: oneShot }));
      assert.equal(second.status, 'failed', second.note);
      assert.equal(resumePoint(second), 'register');
      assert.match(second.note!, /Uploaded but not registered|register/i);
      assert.equal(b.uploads(), before + 1, 'stored once');

      const third = await resumeRelease((await b.store.load())!, b.deps({ provider: oneShot }));
      assert.equal(third.status, 'passed', third.note);
      assert.equal(b.uploads(), before + 1, 'the resume found the uploaded image: no second upload');
      assert.equal(third.steps.find((s) => s.id === 'register')!.attempts, 2);
      assert.equal(third.steps.find((s) => s.id === 'upload')!.attempts, 2);
      const versions = b.aws.requests.filter((r) => r.service === 'iot' && r.method === 'PUT' && r.path === '/packages/bench-demo-firmware/versions/1.5.2' && r.status === 200 && !r.fault);
      assert.equal(versions.length, 1, 'one version registered');
      assert.equal(b.board.version, '1.5.2');
    } finally {
      oneShot.dispose();
    }
  });

  it('a cancel right after the upload, then Resume: registers and verifies without uploading again', async () => {
    b.setVersion('1.5.3');
    const before = b.uploads();
    const ac = new AbortController();
    const r = await startRelease(b.config(), b.deps({ onEvent: (e) => e.type === 'step' && e.step === 'register' && e.status === 'started' && ac.abort() }), ac.signal);
    assert.equal(r.status, 'canceled');
    assert.equal(resumePoint(r), 'register');
    assert.match(r.note!, /Uploaded but not registered/);
    assert.equal(b.uploads(), before + 1);
    const done = await resumeRelease((await b.store.load())!, b.deps());
    assert.equal(done.status, 'passed', done.note);
    assert.equal(b.uploads(), before + 1, 'no second upload');
    assert.ok(existsSync(b.store.path));
  });
});
