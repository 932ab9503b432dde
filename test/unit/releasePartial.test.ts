// Partial releases the editor's commands run: "Sign Artifact" / "Publish Version" stop after their
// step and a resume continues from there; "Start Verify Job" on an already published version runs
// only start-verify → watch → verdict (no local artifact). And the pane's view of both.
import { strict as assert } from 'assert';
import { resumeRelease, startRelease } from '../../src/core/release/pipeline';
import { resumePoint } from '../../src/core/release/record';
import { verifyOnlyRecord } from '../../src/core/release/verifyOnly';
import { releaseView, rolloutView, TimelineBuilder } from '../../src/core/release/view';
import { benchesCleanedAfterEach, benchNow } from './releaseHarness';

const bench = benchesCleanedAfterEach();

describe('release: partial runs (stopAfter) and verify-only', () => {
  it('stops after signing with nothing uploaded; a resume continues at the upload and passes', async () => {
    const b = bench();
    const r = await startRelease(b.config, b.deps, undefined, { stopAfter: 'sign' });
    assert.equal(r.status, 'stopped');
    assert.equal(resumePoint(r), 'upload');
    assert.match(r.note!, /Stopped after "Hash and sign".*"Upload"/);
    assert.equal(b.cloud.counts.objectsStored, 0, 'nothing uploaded');
    assert.deepEqual(r.steps.filter((s) => s.status === 'done').map((s) => s.id), ['build', 'locate', 'version', 'sign']);
    const last = b.events.at(-1)!;
    assert.ok(last.type === 'release' && last.status === 'stopped');

    const stored = (await b.store.load())!;
    assert.equal(stored.status, 'stopped');
    const done = await resumeRelease(stored, b.deps);
    assert.equal(done.status, 'passed', done.note);
    assert.equal(b.builds.count, 1, 'the build ran once');
    assert.equal(b.cloud.counts.objectsStored, 1);
    assert.equal(done.steps.find((s) => s.id === 'sign')!.attempts, 1, 'signing was not redone');
  });

  it('stops after publishing; the version is usable and no job was started', async () => {
    const b = bench();
    const r = await startRelease(b.config, b.deps, undefined, { stopAfter: 'publish' });
    assert.equal(r.status, 'stopped');
    assert.equal(resumePoint(r), 'start-verify');
    assert.equal(r.publish?.status, 'published');
    assert.equal(b.cloud.counts.jobsCreated, 0);
  });

  it('verifies an already published version without a local artifact, and fails it when the board never prints it', async () => {
    const b = bench();
    // Publish 1.4.2 first (as an earlier session would have).
    const first = await startRelease(b.config, b.deps, undefined, { stopAfter: 'publish' });
    const pub = first.publish!;
    const record = verifyOnlyRecord(b.config, { packageId: pub.packageId, versionId: pub.versionId, version: pub.version, status: 'published', arn: pub.arn }, benchNow());
    assert.equal(resumePoint(record), 'start-verify');
    assert.equal(record.artifact, undefined);
    await b.store.save(record);
    const passed = await resumeRelease(record, b.deps);
    assert.equal(passed.status, 'passed', passed.note);
    assert.equal(b.cloud.counts.objectsStored, 1, 'nothing uploaded again');
    assert.equal(b.cloud.counts.jobsCreated, 1);
    const view = releaseView(passed);
    assert.deepEqual(view.steps.map((s) => s.status), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'done', 'done', 'done']);
    assert.equal(view.verdict?.result, 'passed');
    assert.equal(view.resumable, false);

    // The board stays silent this time: FAILED with the reason, resumable.
    b.cloud.onInstall = () => undefined;
    const again = verifyOnlyRecord(b.config, { packageId: pub.packageId, versionId: pub.versionId, version: pub.version, status: 'published' }, benchNow());
    const failed = await resumeRelease(again, b.deps);
    assert.equal(failed.status, 'failed');
    const fv = releaseView(failed);
    assert.equal(fv.verdict?.result, 'failed');
    assert.match(fv.verdict!.reasons.join(' '), /never printed version 1\.4\.2/);
    assert.equal(fv.resumable, true);
  });

  it('builds a timeline: step rows, one row per execution change, the verdict; ANSI stripped from the banner', async () => {
    const b = bench();
    const tl = new TimelineBuilder();
    const rows: ReturnType<TimelineBuilder['fromEvent']> = [];
    let lastRollout: ReturnType<typeof rolloutView> | undefined;
    const prev = b.deps.onEvent!;
    b.deps.onEvent = (e) => {
      prev(e);
      rows.push(...tl.fromEvent(e));
      if (e.type === 'rollout') lastRollout = rolloutView(e.rollout);
    };
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'passed');
    const texts = rows.map((x) => `${x.kind}:${x.text}`);
    assert.ok(texts.includes('step:Upload\u2026'));
    assert.ok(texts.some((t) => /^step:Upload: Uploaded/.test(t)));
    assert.ok(texts.some((t) => /^execution:bench-board-01: SUCCEEDED/.test(t)), texts.join('\n'));
    assert.ok(texts.some((t) => /^verdict:The board reports the expected version: I \(12\) boot: firmware version 1\.4\.2$/.test(t)), texts.join('\n'));
    assert.match(texts.at(-1)!, /^verdict:PASSED: /);
    // No duplicate execution rows for unchanged snapshots.
    const execRows = texts.filter((t) => t.startsWith('execution:'));
    assert.equal(new Set(execRows).size, execRows.length);
    assert.equal(lastRollout?.counts.succeeded, 1);
    assert.equal(lastRollout?.executions[0].target, 'bench-board-01');
  });
});
