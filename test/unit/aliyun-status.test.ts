// Alibaba OTA enums → what they mean for a release (cloud-apis.md §3.2 with the §0.2 corrections).
import assert from 'assert';
import {
  TASK_STATUSES,
  apiSignMethod,
  cancelFlags,
  executionStatus,
  firmwareStatus,
  isTaskFinal,
  jobKind,
  jobState,
  progressStep,
  pushSignMethod,
  taskProgress,
  taskState,
  taskStatusFilter,
} from '../../src/core/clouds/aliyun/status';

describe('aliyun status: firmware Status', () => {
  it('maps -1..3 with 1 = verified and 2 = verifying (the corrected values)', () => {
    assert.deepStrictEqual([-1, 0, 1, 2, 3].map((s) => firmwareStatus(s).state), ['verify-not-needed', 'unverified', 'verified', 'verifying', 'verify-failed']);
    assert.strictEqual(firmwareStatus('1').state, 'verified');
    assert.strictEqual(firmwareStatus(2).label, 'verifying');
  });

  it('a verify job only for unverified or failed firmware; a fleet job only when verified or not needed', () => {
    assert.deepStrictEqual([-1, 0, 1, 2, 3].map((s) => firmwareStatus(s).canStartVerify), [false, true, false, false, true]);
    assert.deepStrictEqual([-1, 0, 1, 2, 3].map((s) => firmwareStatus(s).canRollOut), [true, false, true, false, false]);
  });

  it('unknown values stay raw, allow nothing', () => {
    for (const raw of [4, '9', 'x', undefined, null]) {
      const s = firmwareStatus(raw);
      assert.strictEqual(s.state, 'unknown');
      assert.strictEqual(s.canRollOut, false);
      assert.strictEqual(s.canStartVerify, false);
    }
    assert.strictEqual(firmwareStatus(7).raw, '7');
  });
});

describe('aliyun status: jobs', () => {
  it('JobStatus, COMPLETE accepted as COMPLETED; unknown stays unknown', () => {
    assert.deepStrictEqual(['PLANNED', 'IN_PROGRESS', 'COMPLETED', 'COMPLETE', 'CANCELED'].map(jobState), ['scheduled', 'in-progress', 'completed', 'completed', 'canceled']);
    assert.strictEqual(jobState('PAUSED'), 'unknown');
    assert.strictEqual(jobState(undefined), 'unknown');
  });

  it("JobType in Alibaba's spelling VERFIY_FIRMWARE", () => {
    assert.strictEqual(jobKind('VERFIY_FIRMWARE'), 'verify');
    assert.strictEqual(jobKind('UPGRADE_FIRMWARE'), 'upgrade');
    assert.strictEqual(jobKind('SOMETHING'), 'unknown');
  });
});

describe('aliyun status: device tasks', () => {
  it('maps every documented TaskStatus; no TIMEOUT', () => {
    assert.deepStrictEqual(TASK_STATUSES.map(taskState), ['confirm', 'queued', 'notified', 'in-progress', 'succeeded', 'failed', 'canceled']);
    assert.strictEqual(taskState('TIMEOUT'), 'unknown');
  });

  it('neutral execution statuses: CONFIRM is queued, unknown stays unknown', () => {
    assert.deepStrictEqual(TASK_STATUSES.map(executionStatus), ['queued', 'queued', 'notified', 'in-progress', 'succeeded', 'failed', 'canceled']);
    assert.strictEqual(executionStatus('TIMEOUT'), 'unknown');
  });

  it('CONFIRM and unknown values are not final; SUCCEEDED, FAILED and CANCELED are', () => {
    assert.strictEqual(isTaskFinal('CONFIRM'), false);
    assert.strictEqual(isTaskFinal('QUEUED'), false);
    assert.strictEqual(isTaskFinal('WHATEVER'), false);
    assert.deepStrictEqual(['SUCCEEDED', 'FAILED', 'CANCELED'].map(isTaskFinal), [true, true, true]);
  });

  it('neutral filters back to TaskStatus; none for states Alibaba lacks', () => {
    assert.strictEqual(taskStatusFilter('in-progress'), 'IN_PROGRESS');
    assert.strictEqual(taskStatusFilter('confirm'), 'CONFIRM');
    assert.strictEqual(taskStatusFilter('timed-out'), undefined);
  });

  it('cancel flags by state, and at least one is required', () => {
    assert.deepStrictEqual(cancelFlags(['queued', 'in-progress']), { CancelQueuedTask: true, CancelInProgressTask: true });
    assert.deepStrictEqual(cancelFlags(['confirm', 'notified', 'scheduled']), { CancelUnconfirmedTask: true, CancelNotifiedTask: true, CancelScheduledTask: true });
    assert.throws(() => cancelFlags([]), /at least one state/);
  });

  it('Progress strings as 0–100', () => {
    assert.strictEqual(taskProgress('45'), 45);
    assert.strictEqual(taskProgress('100%'), 100);
    assert.strictEqual(taskProgress(150), 100);
    assert.strictEqual(taskProgress(''), undefined);
    assert.strictEqual(taskProgress('n/a'), undefined);
  });
});

describe('aliyun status: device progress steps and sign methods', () => {
  it('1..100 percent, -1..-4 failures with their meaning, anything else invalid', () => {
    assert.deepStrictEqual(progressStep('1'), { kind: 'percent', percent: 1 });
    assert.deepStrictEqual(progressStep(100), { kind: 'percent', percent: 100 });
    assert.deepStrictEqual(progressStep('-3'), { kind: 'failed', step: -3, reason: 'verification failed' });
    assert.deepStrictEqual(progressStep('-2'), { kind: 'failed', step: -2, reason: 'download failed' });
    for (const bad of ['0', '101', '-5', '1.5', 'abc', undefined]) assert.strictEqual(progressStep(bad).kind, 'invalid', String(bad));
  });

  it('MD5 on the API is Md5 in the push; unknown methods are refused', () => {
    assert.strictEqual(pushSignMethod('MD5'), 'Md5');
    assert.strictEqual(pushSignMethod('SHA256'), 'SHA256');
    assert.strictEqual(apiSignMethod('Md5'), 'MD5');
    assert.strictEqual(apiSignMethod('sha256'), 'SHA256');
    assert.strictEqual(apiSignMethod('SHA1'), undefined);
  });
});
