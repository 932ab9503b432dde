// A verify job cancelled on the cloud (from the console, the tree, another tool) while the board is
// still downloading: the release ends within seconds and says the job was cancelled, instead of
// watching until its timeout. Built AWS bundle (builtRelease.ts), board downloading slowly.
import { strict as assert } from 'assert';
import { startRelease, type ReleaseEvent } from '../../src/core/release';
import { startBuiltReleaseBench, type BuiltReleaseBench } from './builtRelease';
import { BUILD_HOOK_TIMEOUT_MS } from './builtBundle';

describe('release: the verify job cancelled on the cloud while the board works (built AWS bundle)', function () {
  this.timeout(120_000);
  let t: BuiltReleaseBench;
  before(async function () {
    this.timeout(BUILD_HOOK_TIMEOUT_MS);
    // 64 KiB at 4 KiB/s: the board is busy for ~16 s.
    t = await startBuiltReleaseBench(5, { bytesPerSecond: 4096 });
  });
  after(async () => {
    await t?.close();
  });

  it('ends FAILED within seconds, saying the job was cancelled (the watch would otherwise run to its 60 s timeout)', async () => {
    t.nextVersion();
    let cancelledAt = 0;
    const onEvent = (e: ReleaseEvent) => {
      if (cancelledAt || e.type !== 'rollout' || e.rollout.executions[0]?.status !== 'in-progress') return;
      cancelledAt = Date.now();
      t.b.aws.jobs.cancel(e.rollout.job.id, false, { comment: 'cancelled from the console' });
    };
    const r = await startRelease(t.b.config(), t.deps({ onEvent }));
    const took = Date.now() - cancelledAt;
    assert.ok(cancelledAt > 0, 'the board started working and the job was cancelled');
    assert.equal(r.status, 'failed', r.note);
    assert.match(r.note!, /The verify job was cancelled on the cloud \(CANCELED\) while bench-board-01 was IN_PROGRESS/);
    assert.ok(took < 10_000, `ended ${took} ms after the cancel`);
  });
});
