// Release to Fleet on Huawei IoTDA through the BUILT bundle (dist/clouds/huawei.js): Quick Release
// passes 3.0.0 on the bench board (a real build, a pty), then the provider's own form is answered
// and one firmwareUpgrade task goes to a device group whose two devices run the board agent over
// MQTT: both download from OBS, check the SHA-256 and end at 3.0.0. Failure path: answers outside
// the form's ranges are refused before any request, errors recognised by shape across bundles.
import { strict as assert } from 'assert';
import { answerProblems, askedQuestions, type FleetAnswers, type FleetSource, type InputQuestion } from '../../src/core/clouds/fleet';
import { isCloudError } from '../../src/core/errors';
import { startRelease } from '../../src/core/release';
import type { Rollout } from '../../src/core/model';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { MemoryBoard } from '../bench/board/memoryBoard';
import { PACKAGE, startHuaweiReleaseBench, type HuaweiReleaseBench } from './huaweiReleaseBench';

describe('Release to Fleet on Huawei IoTDA (built bundle, device group of two agents)', function () {
  this.timeout(120_000);
  let b: HuaweiReleaseBench;
  const agents: HuaweiOtaAgent[] = [];
  const boards: MemoryBoard[] = [];
  let source: FleetSource;
  let groupId: string;

  before(async () => {
    b = await startHuaweiReleaseBench({ emulator: { detailTimeoutMs: 15_000 } });
    const devices = b.hw.seed.devices(2);
    groupId = b.hw.seed.group('field-units', devices.map((d) => d.device_id)).group_id;
    for (const d of devices) {
      const board = new MemoryBoard('2.0.0');
      const agent = new HuaweiOtaAgent({ mqttUrl: b.hw.mqttUrl, deviceId: d.device_id, secret: d.secret, downloadTimeoutMs: 3000 });
      await agent.start(board);
      boards.push(board);
      agents.push(agent);
    }
    b.setVersion('3.0.0');
    const r = await startRelease(b.config(), b.deps());
    assert.equal(r.status, 'passed', r.note);
    source = { packageName: PACKAGE, version: '3.0.0', versionId: r.publish!.versionId, verifyJobId: r.job!.id };
  });
  after(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    await b?.close();
  });

  it('the form answered as the wizard would → one task on the group → both devices upgraded', async () => {
    const form = await b.provider.fleetForm!(source);
    const answers: FleetAnswers = { targetKind: 'groups', groupIds: groupId, retry: 'retry', retryCount: 1, retryIntervalMinutes: 1, start: 'now', needConfirm: 'no' };
    // The name the wizard offers (derived from the version): the one question left, taken as offered.
    const name = askedQuestions(form, answers).find((q) => q.key === 'taskName') as InputQuestion;
    answers.taskName = typeof name.initial === 'function' ? name.initial(answers) : name.initial;
    assert.deepEqual(answerProblems(form, answers), []);
    assert.equal(form.summary(answers).lines.length, 6);
    const job = await b.provider.startFleetRollout!(source, answers);
    assert.equal(job.kind, 'fleet');
    let last: Rollout | undefined;
    for await (const r of b.provider.watchJob(job.id, { intervalMs: 200 })) last = r;
    assert.equal(last?.job.rawStatus, 'Success', JSON.stringify(last?.executions));
    assert.deepEqual(last?.executions.map((e) => e.status), ['succeeded', 'succeeded']);
    assert.deepEqual(boards.map((x) => x.version), ['3.0.0', '3.0.0']);
    assert.equal([...b.hw.model.tasks.values()].filter((t) => t.task.task_name === answers.taskName).length, 1);
  });

  it('answers outside the ranges are refused before any request (a CloudError by shape, from the bundle)', async () => {
    const calls = b.hw.requests.length;
    const e = await b.provider.startFleetRollout!(source, { targetKind: 'groups', groupIds: 'not-a-group!', retry: 'retry', retryCount: 9, retryIntervalMinutes: 10, start: 'now', needConfirm: 'no', taskName: 'fleet_bad' }).then(
      () => assert.fail('expected a refusal'),
      (x: unknown) => x,
    );
    assert.ok(isCloudError(e), String(e));
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /group_id "not-a-group!"/);
    assert.match(e.message, /retry_count is a whole number 1–5; 9 given/);
    assert.equal(b.hw.requests.length, calls);
  });
});
