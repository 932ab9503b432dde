// Every configurable range of a fleet rollout, checked before anything is sent (the wizard's
// field errors) — and the emulator, playing AWS, agrees on each boundary.
import { strict as assert } from 'assert';
import { CreateJobCommand, IoTClient } from '@aws-sdk/client-iot';
import { buildFleetJob, buildFleetOtaUpdate, validateRollout, type FleetRolloutInput, type RolloutConfig } from '../../src/core/clouds/aws/rollout';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';

const fields = (c: RolloutConfig) => validateRollout(c).map((e) => e.field);

describe('aws: rollout validation (pure)', () => {
  it('accepts the documented bounds and a typical config', () => {
    assert.deepEqual(
      validateRollout({
        maximumPerMinute: 1000,
        exponentialRate: { baseRatePerMinute: 1, incrementFactor: 5, rateIncreaseCriteria: { numberOfSucceededThings: 1 } },
        abortCriteria: [
          { failureType: 'FAILED', thresholdPercentage: 0, minNumberOfExecutedThings: 1 },
          { failureType: 'ALL', thresholdPercentage: 100, minNumberOfExecutedThings: 10 },
        ],
        inProgressTimeoutInMinutes: 10080,
        presignedUrlExpiresInSec: 60,
        retryCriteria: [{ failureType: 'TIMED_OUT', numberOfRetries: 10 }],
      }),
      [],
    );
    assert.deepEqual(validateRollout({ maximumPerMinute: 1, exponentialRate: { baseRatePerMinute: 1, incrementFactor: 1.1, rateIncreaseCriteria: { numberOfNotifiedThings: 5 } }, inProgressTimeoutInMinutes: 1, presignedUrlExpiresInSec: 3600 }), []);
  });

  const table: [string, RolloutConfig, string][] = [
    ['maximumPerMinute 0', { maximumPerMinute: 0 }, 'maximumPerMinute'],
    ['maximumPerMinute 1001', { maximumPerMinute: 1001 }, 'maximumPerMinute'],
    ['maximumPerMinute 2.5', { maximumPerMinute: 2.5 }, 'maximumPerMinute'],
    ['baseRatePerMinute 0', { exponentialRate: { baseRatePerMinute: 0, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.baseRatePerMinute'],
    ['baseRatePerMinute 1001', { exponentialRate: { baseRatePerMinute: 1001, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.baseRatePerMinute'],
    ['incrementFactor 1.0', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 1.0, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.incrementFactor'],
    ['incrementFactor 5.1', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 5.1, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.incrementFactor'],
    ['incrementFactor 1.55', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 1.55, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.incrementFactor'],
    ['no rate criteria', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: {} } }, 'exponentialRate.rateIncreaseCriteria'],
    ['both rate criteria', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1, numberOfSucceededThings: 1 } } }, 'exponentialRate.rateIncreaseCriteria'],
    ['rate criteria 0', { exponentialRate: { baseRatePerMinute: 5, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 0 } } }, 'exponentialRate.rateIncreaseCriteria.numberOfSucceededThings'],
    ['base rate above max', { maximumPerMinute: 10, exponentialRate: { baseRatePerMinute: 20, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } }, 'exponentialRate.baseRatePerMinute'],
    ['threshold -1', { abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: -1, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[0].thresholdPercentage'],
    ['threshold 100.5', { abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: 100.5, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[0].thresholdPercentage'],
    ['threshold 10.999', { abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: 10.999, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[0].thresholdPercentage'],
    ['min executed 0', { abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: 10, minNumberOfExecutedThings: 0 }] }, 'abortCriteria[0].minNumberOfExecutedThings'],
    ['failure type', { abortCriteria: [{ failureType: 'CANCELED' as never, thresholdPercentage: 10, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[0].failureType'],
    ['duplicate failure type', { abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: 10, minNumberOfExecutedThings: 1 }, { failureType: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[1].failureType'],
    ['timeout 0', { inProgressTimeoutInMinutes: 0 }, 'inProgressTimeoutInMinutes'],
    ['timeout 10081', { inProgressTimeoutInMinutes: 10081 }, 'inProgressTimeoutInMinutes'],
    ['presign 59', { presignedUrlExpiresInSec: 59 }, 'presignedUrlExpiresInSec'],
    ['presign 3601', { presignedUrlExpiresInSec: 3601 }, 'presignedUrlExpiresInSec'],
    ['retries 11', { retryCriteria: [{ failureType: 'FAILED', numberOfRetries: 11 }] }, 'retryCriteria[0].numberOfRetries'],
    ['retries -1', { retryCriteria: [{ failureType: 'FAILED', numberOfRetries: -1 }] }, 'retryCriteria[0].numberOfRetries'],
    ['retry REJECTED', { retryCriteria: [{ failureType: 'REJECTED' as never, numberOfRetries: 1 }] }, 'retryCriteria[0].failureType'],
  ];
  for (const [name, config, field] of table) {
    it(`flags ${name} on ${field}`, () => {
      const errs = validateRollout(config);
      assert.ok(errs.some((e) => e.field === field), `${JSON.stringify(errs)}`);
      assert.ok(errs.every((e) => e.message.length > 10));
    });
  }

  it('builds CreateJob / CreateOTAUpdate requests only when everything is valid', () => {
    const input: FleetRolloutInput = {
      via: 'job',
      id: 'fleet-rollout-1',
      targets: ['arn:aws:iot:us-east-1:123456789012:thinggroup/fleet'],
      roleArn: 'arn:aws:iam::123456789012:role/ota',
      document: '{"afr_ota":{}}',
      rollout: { maximumPerMinute: 50, abortCriteria: [{ failureType: 'ALL', thresholdPercentage: 25, minNumberOfExecutedThings: 4 }], inProgressTimeoutInMinutes: 60 },
    };
    const ok = buildFleetJob(input);
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.request?.targetSelection, 'SNAPSHOT');
    assert.deepEqual(ok.request?.abortConfig, { criteriaList: [{ failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 25, minNumberOfExecutedThings: 4 }] });
    assert.deepEqual(ok.request?.timeoutConfig, { inProgressTimeoutInMinutes: 60 });
    const bad = buildFleetJob({ ...input, id: 'has space', targets: ['not-an-arn'], roleArn: 'x', rollout: { maximumPerMinute: 0 } });
    assert.equal(bad.request, undefined);
    assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['id', 'maximumPerMinute', 'roleArn', 'targets[0]'].sort());
    const ota = buildFleetOtaUpdate({ ...input, via: 'ota-update', files: [{ fileName: 'fw.bin', codeSigning: { awsSignerJobId: 'j' } }] });
    assert.deepEqual(ota.errors, []);
    assert.deepEqual(ota.request?.awsJobAbortConfig, { abortCriteriaList: [{ failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 25, minNumberOfExecutedThings: 4 }] });
    assert.deepEqual(fields({}), []);
    assert.ok(buildFleetOtaUpdate({ ...input, via: 'ota-update', files: [] }).errors.some((e) => e.field === 'files'));
  });
});

describe('aws: the emulator enforces the same rollout ranges', function () {
  this.timeout(20_000);
  let aws: AwsEmulator;
  let iot: IoTClient;
  let thing: string;
  before(async () => {
    aws = await startAwsEmulator();
    iot = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, maxAttempts: 1 });
    thing = aws.seed.thing('range-thing');
  });
  after(async () => {
    iot.destroy();
    await aws.close();
  });

  const base = (n: number, rollout: RolloutConfig): FleetRolloutInput => ({
    via: 'job',
    id: `range-${n}`,
    targets: [thing],
    roleArn: 'arn:aws:iam::123456789012:role/ota',
    document: '{}',
    rollout,
  });

  it('accepts what validateRollout accepts and rejects what it rejects (boundaries)', async () => {
    const cases: RolloutConfig[] = [
      { maximumPerMinute: 1000 },
      { maximumPerMinute: 1001 },
      { inProgressTimeoutInMinutes: 10080 },
      { inProgressTimeoutInMinutes: 10081 },
      { presignedUrlExpiresInSec: 59 },
      { exponentialRate: { baseRatePerMinute: 1000, incrementFactor: 5, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
      { exponentialRate: { baseRatePerMinute: 10, incrementFactor: 1.0, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
      { abortCriteria: [{ failureType: 'TIMED_OUT', thresholdPercentage: 100, minNumberOfExecutedThings: 1 }] },
      { abortCriteria: [{ failureType: 'TIMED_OUT', thresholdPercentage: 101, minNumberOfExecutedThings: 1 }] },
      { retryCriteria: [{ failureType: 'ALL', numberOfRetries: 11 }] },
    ];
    for (const [i, rollout] of cases.entries()) {
      const local = validateRollout(rollout);
      // Build without local validation to see what AWS (the emulator) says.
      const request = buildFleetJob(base(i, {})).request!;
      const r = rollout;
      Object.assign(request, {
        jobExecutionsRolloutConfig: r.maximumPerMinute !== undefined || r.exponentialRate ? { maximumPerMinute: r.maximumPerMinute, exponentialRate: r.exponentialRate } : undefined,
        abortConfig: r.abortCriteria ? { criteriaList: r.abortCriteria.map((a) => ({ ...a, action: 'CANCEL' })) } : undefined,
        timeoutConfig: r.inProgressTimeoutInMinutes !== undefined ? { inProgressTimeoutInMinutes: r.inProgressTimeoutInMinutes } : undefined,
        presignedUrlConfig: { roleArn: 'arn:aws:iam::123456789012:role/ota', expiresInSec: r.presignedUrlExpiresInSec ?? 3600 },
        jobExecutionsRetryConfig: r.retryCriteria ? { criteriaList: r.retryCriteria } : undefined,
      });
      const remote = await iot.send(new CreateJobCommand(request)).then(
        () => 'ok',
        (e: Error) => e.name,
      );
      assert.equal(remote === 'ok', local.length === 0, `case ${i} ${JSON.stringify(rollout)}: local ${JSON.stringify(local)} remote ${remote}`);
      if (remote !== 'ok') assert.equal(remote, 'InvalidRequestException');
    }
  });
});
