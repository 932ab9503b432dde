// IoTDA statuses onto neutral ones: FailWaitRetry keeps a watch going; Fail/PartialSuccess are not green.
import assert from 'assert';
import { detailState, packageStatus, progressCounts, rawDetailStatuses, rawTaskStatuses, taskState } from '../../src/core/clouds/huawei/status';
import { TASK_DETAIL_STATUSES, TASK_STATUSES } from '../../src/core/clouds/huawei/wire';

describe('Huawei status mapping', () => {
  it('maps every TaskDetail status, keeping the raw value', () => {
    const got = Object.fromEntries(TASK_DETAIL_STATUSES.map((s) => [s, detailState({ status: s })]));
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(got).map(([k, v]) => [k, [v.status, v.final]])),
      {
        Waitting: ['queued', false],
        Processing: ['in-progress', false],
        Success: ['succeeded', true],
        Fail: ['failed', true],
        FailWaitRetry: ['queued', false],
        Stopped: ['canceled', true],
        Removed: ['removed', true],
      },
    );
    for (const s of TASK_DETAIL_STATUSES) assert.strictEqual(got[s].rawStatus, s);
  });

  it('FailWaitRetry is not final and says why; a failed detail carries the device error', () => {
    const retry = detailState({ status: 'FailWaitRetry', error: { error_code: 'IOTDA.014016', error_msg: 'download timeout' } });
    assert.strictEqual(retry.final, false);
    assert.match(retry.reason!, /waiting for the task to retry/);
    assert.match(retry.reason!, /IOTDA\.014016: download timeout/);
    const fail = detailState({ status: 'Fail', error: { error_code: '7', error_msg: 'package verification failure' } });
    assert.strictEqual(fail.status, 'failed');
    assert.match(fail.reason!, /package verification failure/);
    assert.strictEqual(detailState({ status: 'Success', error: { error_msg: 'stale' } }).reason, undefined);
  });

  it('an unknown detail status is unknown and not final (a watch keeps going)', () => {
    const s = detailState({ status: 'Confirming' as never });
    assert.deepStrictEqual([s.status, s.final, s.rawStatus], ['unknown', false, 'Confirming']);
  });

  it('maps every Task status; Fail and PartialSuccess are final with failures, never completed', () => {
    const got = Object.fromEntries(TASK_STATUSES.map((s) => [s, taskState(s)]));
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(got).map(([k, v]) => [k, [v.status, v.final, v.failures]])),
      {
        Initializing: ['scheduled', false, false],
        Waitting: ['scheduled', false, false],
        Processing: ['in-progress', false, false],
        Success: ['completed', true, false],
        Fail: ['failed', true, true],
        PartialSuccess: ['partial', true, true],
        Stopped: ['canceled', true, false],
        Stopping: ['in-progress', false, false],
      },
    );
    assert.notStrictEqual(taskState('PartialSuccess').status, 'completed');
    assert.deepStrictEqual(taskState('Exploded'), { status: 'unknown', rawStatus: 'Exploded', final: false, failures: false });
  });

  it('turns neutral filters back into raw statuses', () => {
    assert.deepStrictEqual(rawTaskStatuses('scheduled'), ['Initializing', 'Waitting']);
    assert.deepStrictEqual(rawTaskStatuses('partial'), ['PartialSuccess']);
    assert.deepStrictEqual(rawDetailStatuses('queued'), ['Waitting', 'FailWaitRetry']);
    assert.deepStrictEqual(rawDetailStatuses('timed-out'), []);
  });

  it('task_progress becomes rollout counts (fail_wait_retry counted as queued)', () => {
    assert.deepStrictEqual(progressCounts({ total: 9, processing: 1, success: 2, fail: 1, waitting: 1, fail_wait_retry: 2, stopped: 1, removed: 1 }), {
      queued: 3, 'in-progress': 1, succeeded: 2, failed: 1, canceled: 1, removed: 1,
    });
    assert.deepStrictEqual(progressCounts(undefined), {});
    assert.deepStrictEqual(progressCounts({ total: 0, success: 0 }), {});
  });

  it('a package is published; its verify task says verifying, verified or verify-failed', () => {
    assert.strictEqual(packageStatus(), 'published');
    assert.strictEqual(packageStatus('in-progress'), 'verifying');
    assert.strictEqual(packageStatus('completed'), 'verified');
    assert.strictEqual(packageStatus('partial'), 'verify-failed');
    assert.strictEqual(packageStatus('failed'), 'verify-failed');
    assert.strictEqual(packageStatus('canceled'), 'published');
  });
});
