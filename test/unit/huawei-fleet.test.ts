// Release to Fleet on Huawei IoTDA. The form: its questions in order (`when` skips), the edge
// values of every range accepted and the next ones refused with a sentence, the summary, and the
// answers → the exact CreateBatchTask body. The provider against the emulator through the real
// signing client: a version that passed on the bench (a real verify task run by the board agent
// over MQTT) goes to listed devices and to device groups (subtasks on exactly their devices);
// bad answers, an unknown group, a bench task that did not pass and a taken task name are refused;
// a lost CreateBatchTask reply leaves exactly one task; a scheduled task and a need_confirm task wait.
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { answerProblems, askedQuestions, localTime, parseLocalTime, readAnswer, type FleetAnswers, type FleetForm, type FleetSource, type InputQuestion } from '../../src/core/clouds/fleet';
import { createProvider, type HuaweiProvider } from '../../src/core/clouds/huawei';
import { fleetTaskBody, fleetTaskName, huaweiFleetForm, K } from '../../src/core/clouds/huawei/fleet';
import { PATHS, upgradeDocument, type BatchTargetsResponse } from '../../src/core/clouds/huawei/wire';
import { verifyReference } from '../../src/core/clouds/verifyRef';
import { cloudErrorOf } from '../support/cloudError';
import type { CloudProvider } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { MemoryBoard } from '../bench/board/memoryBoard';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator } from '../bench/huawei-emulator';

const NOW = new Date(2026, 10, 30, 12, 0); // local time: the form reads and writes local minutes
const SOURCE: FleetSource = { packageName: 'bench-demo-firmware', version: '2.1.0', versionId: 'pkg123', verifyJobId: 'task1' };
const form = huaweiFleetForm(SOURCE, { now: () => NOW });
const q = (key: string) => form.questions.find((x) => x.key === key) as InputQuestion;
const typed = (key: string, v: string, a: FleetAnswers = {}) => readAnswer(q(key), v, a);
const err = (key: string, v: string) => {
  const r = typed(key, v);
  return 'error' in r ? r.error : undefined;
};
const local = (ms: number) => localTime(NOW.getTime() + ms);
const atOf = (typed: unknown) => new Date(parseLocalTime(String(typed))!);
const MIN = 60_000;
const DAY = 86_400_000;

const groupAnswers: FleetAnswers = {
  targetKind: 'groups',
  groupIds: '3f2b6c1e-0d4a-4c1b-9e7f-5a6b7c8d9e0f, 0a1b2c3d',
  retry: 'retry',
  retryCount: 5,
  retryIntervalMinutes: 1440,
  start: 'scheduled',
  scheduleAt: local(DAY),
  needConfirm: 'yes',
  taskName: 'fleet_2_1_0',
};
const deviceAnswers: FleetAnswers = { targetKind: 'devices', deviceIds: 'prod_dev-1,prod_dev-2', retry: 'none', start: 'now', needConfirm: 'no', taskName: 'fleet_now' };

describe('Huawei Release to Fleet: the form', () => {
  it('asks targets, retries, start, confirmation and name in order; `when` skips what the picks rule out', () => {
    assert.deepEqual(askedQuestions(form, groupAnswers).map((x) => x.key), [K.targetKind, K.groups, K.retry, K.retryCount, K.retryInterval, K.start, K.scheduleAt, K.needConfirm, K.taskName]);
    assert.deepEqual(askedQuestions(form, deviceAnswers).map((x) => x.key), [K.targetKind, K.devices, K.retry, K.start, K.needConfirm, K.taskName]);
    assert.equal(q(K.taskName).remember, false, 'a task name is a one-off');
    assert.equal(q(K.scheduleAt).remember, false, 'a start time goes stale');
    assert.deepEqual(answerProblems(form, groupAnswers), []);
    assert.deepEqual(answerProblems(form, deviceAnswers), []);
  });

  it('retry_count 1–5 and retry_interval 1–1440 minutes: the edges pass, the next values are refused in a sentence', () => {
    for (const v of ['1', '5']) assert.equal(err(K.retryCount, v), undefined, v);
    assert.match(err(K.retryCount, '0')!, /retry_count is a whole number 1–5; 0 given/);
    assert.match(err(K.retryCount, '6')!, /1–5; 6 given/);
    assert.match(err(K.retryCount, '2.5')!, /whole number/);
    assert.match(err(K.retryCount, 'three')!, /"three" is not a number/);
    for (const v of ['1', '1440']) assert.equal(err(K.retryInterval, v), undefined, v);
    assert.match(err(K.retryInterval, '0')!, /retry_interval is 1–1440 minutes; 0 given/);
    assert.match(err(K.retryInterval, '1441')!, /1441 given/);
  });

  it('the start time: local YYYY-MM-DD HH:mm within the next 7 days', () => {
    assert.equal(err(K.scheduleAt, local(MIN)), undefined);
    assert.equal(err(K.scheduleAt, local(7 * DAY)), undefined);
    assert.match(err(K.scheduleAt, local(7 * DAY + MIN))!, /within the next 7 days; .* is later/);
    assert.match(err(K.scheduleAt, local(0))!, /has passed/);
    assert.match(err(K.scheduleAt, '2026-12-01')!, /is not a local time written YYYY-MM-DD HH:mm/);
    assert.match(err(K.scheduleAt, '2026-02-30 10:00')!, /is not a local time/, 'a day February does not have');
    assert.equal(parseLocalTime('2026-12-01 08:05'), new Date(2026, 11, 1, 8, 5).getTime());
    assert.equal(typeof (q(K.scheduleAt).initial as (a: FleetAnswers) => string)({}), 'string');
    assert.equal(err(K.scheduleAt, (q(K.scheduleAt).initial as (a: FleetAnswers) => string)({})), undefined, 'the offered time is valid');
  });

  it('targets: device_ids (≤ 30,000, each as IoTDA documents) or group ids (≤ 36 hex and "-")', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `prod_dev-${i}`).join(',');
    assert.equal(err(K.devices, ids(30_000)), undefined);
    assert.match(err(K.devices, ids(30_001))!, /at most 30000 devices; 30001 given/);
    assert.match(err(K.devices, 'prod_dev-1, bad id')!, /device_id "bad id": An IoTDA device_id is 1–128 letters, digits/);
    assert.match(err(K.devices, 'a,a')!, /must not repeat a device/);
    assert.match(err(K.devices, ' , ')!, /at least one device_id/);
    assert.equal(err(K.groups, 'f'.repeat(36)), undefined);
    assert.match(err(K.groups, 'f'.repeat(37))!, /group_id "f{37}" is not a device group id: at most 36 hex characters/);
    assert.match(err(K.groups, 'north-region')!, /not a device group id/);
    assert.match(err(K.groups, 'abc,abc')!, /must not repeat a group/);
  });

  it('task_name: 1–128 letters, digits, "_" or Chinese; the offered one is derived from the version and valid', () => {
    assert.equal(err(K.taskName, 'a'.repeat(128)), undefined);
    assert.equal(err(K.taskName, '固件_升级_1'), undefined);
    assert.match(err(K.taskName, 'a'.repeat(129))!, /1–128 characters; .* has 129/);
    assert.match(err(K.taskName, 'fleet-2.1')!, /contains "-", "\."/);
    const name = fleetTaskName({ packageName: 'bench-demo-firmware', version: '2.1.0-rc.1' }, NOW);
    assert.match(name, /^ota_bench_fleet_bench_demo_firmware_2_1_0_rc_1_\d{17}[0-9a-f]{6}$/);
    assert.notEqual(fleetTaskName({ packageName: 'p', version: '1' }, NOW), fleetTaskName({ packageName: 'p', version: '1' }, NOW), 'two offers never share a name');
    assert.equal(err(K.taskName, name), undefined);
    assert.equal(err(K.taskName, fleetTaskName({ packageName: 'p'.repeat(200), version: '1' }, NOW)), undefined, 'a long package name is cut to fit');
  });

  it('a pick answer that is not an option, and a missing answer, are problems in a sentence each', () => {
    const problems = answerProblems(form, { ...deviceAnswers, retry: 'sometimes', deviceIds: null });
    assert.equal(problems.length, 2);
    assert.match(problems.join(' '), /deviceIds \(device_ids, comma-separated.*\): Enter a value/);
    assert.match(problems.join(' '), /retry \(When a device fails\): "sometimes" is not one of none, retry/);
  });

  it('the summary: a title and one line per setting', () => {
    const s = form.summary(groupAnswers);
    assert.equal(s.title, 'Create upgrade task "fleet_2_1_0" for bench-demo-firmware 2.1.0?');
    const at = atOf(groupAnswers.scheduleAt);
    assert.deepEqual(s.lines, [
      'Package: bench-demo-firmware 2.1.0 (package_id pkg123), passed in bench task task1',
      'Targets: every device in 2 device groups: 3f2b6c1e-0d4a-4c1b-9e7f-5a6b7c8d9e0f, 0a1b2c3d',
      'Retries: up to 5 per failed device, 1440 minutes apart',
      `Start: ${groupAnswers.scheduleAt} local (${at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')})`,
      'Devices wait for a confirmation: yes (ConfirmBatchTask or the console starts them)',
      'Task name: fleet_2_1_0',
    ]);
    assert.deepEqual(form.summary(deviceAnswers).lines.slice(1, 4), ['Targets: 2 devices: prod_dev-1, prod_dev-2', 'Retries: none', 'Start: now']);
  });

  it('answers → the exact CreateBatchTask body', () => {
    const at = atOf(groupAnswers.scheduleAt);
    assert.deepEqual(fleetTaskBody({ appId: 'app1' }, groupAnswers, upgradeDocument('pkg123')), {
      app_id: 'app1',
      task_name: 'fleet_2_1_0',
      task_type: 'firmwareUpgrade',
      targets_filter: { group_ids: ['3f2b6c1e-0d4a-4c1b-9e7f-5a6b7c8d9e0f', '0a1b2c3d'] },
      document: { package_ids: ['pkg123'] },
      need_confirm: true,
      task_policy: { schedule_time: at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''), retry_count: 5, retry_interval: 1440 },
    });
    assert.deepEqual(fleetTaskBody({}, deviceAnswers, upgradeDocument('pkg123', 'package_id')), {
      task_name: 'fleet_now',
      task_type: 'firmwareUpgrade',
      targets: ['prod_dev-1', 'prod_dev-2'],
      document: { package_id: 'pkg123' },
      need_confirm: false,
    });
  });
});

describe('Huawei Release to Fleet: the provider against the emulator', function () {
  this.timeout(60_000);
  let hw: HuaweiEmulator;
  let agent: HuaweiOtaAgent;
  let provider: CloudProvider & HuaweiProvider;
  let source: FleetSource;
  let fleet: string[];

  before(async () => {
    hw = await startHuaweiEmulator({ detailTimeoutMs: 20_000 });
    agent = new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret });
    await agent.start(new MemoryBoard());
    provider = await createProvider({ ...hw.profile(), credentials: 'secrets' } as CloudProfile, async (f) => (hw.credentials as unknown as Record<string, string>)[f], { backoffMs: 10 });
    fleet = hw.seed.devices(4).map((d) => d.device_id);
    // The version that passes on the bench: its image on OBS, its package record, a verify task
    // the board agent runs to Success.
    const image = Buffer.concat([Buffer.from('FW_VERSION=2.1.0\n'), Buffer.alloc(20_000, 7)]);
    const key = 'fw/2.1.0.bin';
    const s3 = new S3Client({ endpoint: hw.obsEndpoint, region: hw.region, forcePathStyle: true, credentials: { accessKeyId: hw.credentials.accessKey, secretAccessKey: hw.credentials.secretKey } });
    await s3.send(new PutObjectCommand({ Bucket: HUAWEI_DEFAULTS.bucket, Key: key, Body: image }));
    s3.destroy();
    const sign = createHash('sha256').update(image).digest('hex');
    const pkg = hw.model.createPackage({ package_type: 'firmwarePackage', product_id: hw.device.productId, version: '2.1.0', file_location: { obs_location: { region_name: hw.region, bucket_name: HUAWEI_DEFAULTS.bucket, object_key: key, sign } } }, HUAWEI_DEFAULTS.appId);
    for (let end = Date.now() + 10_000; !hw.model.devices.get(hw.device.id)?.online; ) {
      if (Date.now() > end) throw new Error('the bench device never came online');
      await new Promise((r) => setTimeout(r, 25));
    }
    const job = await provider.startVerifyJob({ packageName: 'bench-demo-firmware', version: '2.1.0', versionId: pkg.package_id, reference: verifyReference('bench-demo-firmware', '2.1.0', new Date(), 128, undefined, '_') });
    let done;
    for await (const r of provider.watchJob(job.id, { intervalMs: 50 })) done = r;
    assert.equal(done?.job.rawStatus, 'Success');
    source = { packageName: 'bench-demo-firmware', version: '2.1.0', versionId: pkg.package_id, verifyJobId: job.id };
  });
  after(async () => {
    await agent?.stop();
    await hw?.close();
  });

  const answers = (over: FleetAnswers): FleetAnswers => ({ targetKind: 'devices', deviceIds: fleet.join(','), retry: 'none', start: 'now', needConfirm: 'no', ...over });
  const tasksNamed = (name: string) => [...hw.model.tasks.values()].filter((t) => t.task.task_name === name);
  const detailTargets = (taskId: string) => hw.model.details(hw.model.task(taskId)).map((d) => d.target).sort();

  it('the provider offers the form; listed devices get one subtask each, with the bench task\'s document', async () => {
    const f: FleetForm = await provider.fleetForm(source);
    assert.equal(f.job, 'upgrade task');
    assert.equal(f.questions[0].key, K.targetKind);
    const job = await provider.startFleetRollout(source, answers({ deviceIds: fleet.slice(0, 3).join(', '), taskName: 'fleet_devices' }));
    assert.equal(job.kind, 'fleet');
    assert.deepEqual(detailTargets(job.id), fleet.slice(0, 3).sort());
    const task = hw.model.task(job.id).task;
    assert.deepEqual(task.document, { package_ids: [source.versionId] });
    assert.equal(task.need_confirm, false);
    assert.equal(task.task_policy, undefined);
    assert.equal((await provider.describeJob(job.id)).job.kind, 'fleet');
  });

  it('device groups: subtasks on exactly the groups\' devices (a device in two groups once); retry policy sent as numbers even when typed as text', async () => {
    const a = hw.seed.group('north', [fleet[0], fleet[1]]);
    const b = hw.seed.group('south', [fleet[1], fleet[2]]);
    const job = await provider.startFleetRollout(source, answers({ targetKind: 'groups', groupIds: `${a.group_id},${b.group_id}`, retry: 'retry', retryCount: ' 2', retryIntervalMinutes: '15', taskName: 'fleet_groups' }));
    assert.deepEqual(detailTargets(job.id), [fleet[0], fleet[1], fleet[2]].sort());
    const task = hw.model.task(job.id).task;
    assert.deepEqual(task.targets_filter, { group_ids: [a.group_id, b.group_id] });
    assert.deepEqual(task.task_policy, { retry_count: 2, retry_interval: 15 });
  });

  it('an unknown device group is refused by IoTDA; the CloudError names it', async () => {
    const before = hw.model.tasks.size;
    const e = await cloudErrorOf(provider.startFleetRollout(source, answers({ targetKind: 'groups', groupIds: '0000aaaa-0000-0000-0000-000000000000', taskName: 'fleet_nogroup' })));
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /device group 0000aaaa-0000-0000-0000-000000000000 does not exist/);
    assert.equal(hw.model.tasks.size, before);
  });

  it('bad answers are refused before any call, naming what to fix', async () => {
    const calls = hw.requests.length;
    const e = await cloudErrorOf(provider.startFleetRollout(source, answers({ retry: 'retry', retryCount: 6, retryIntervalMinutes: 0, deviceIds: 'bad id', taskName: 'fleet-1' })));
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /retry_count is a whole number 1–5; 6 given/);
    assert.match(e.message, /retry_interval is 1–1440 minutes; 0 given/);
    assert.match(e.message, /device_id "bad id"/);
    assert.match(e.message, /task_name allows only/);
    const past = await cloudErrorOf(provider.startFleetRollout(source, answers({ start: 'scheduled', scheduleAt: localTime(Date.now() - 2 * MIN), taskName: 'fleet_past' })));
    assert.match(past.message, /schedule_time must lie within the next 7 days/);
    assert.equal(hw.requests.length, calls, 'no request reached IoTDA');
  });

  it('only a version that passed: a bench task that is gone, upgraded another package or has not succeeded is refused (the form too)', async () => {
    const gone = await cloudErrorOf(provider.startFleetRollout({ ...source, verifyJobId: 'ffffffffffffffffffff0000' }, answers({ taskName: 'fleet_gone' })));
    assert.equal(gone.code, 'invalid');
    assert.match(gone.message, /bench task ffffffffffffffffffff0000 is no longer on IoTDA/);
    const other = await cloudErrorOf(provider.startFleetRollout({ ...source, versionId: 'not-this-one' }, answers({ taskName: 'fleet_other' })));
    assert.match(other.message, /upgraded package .*, not not-this-one/);
    assert.equal(tasksNamed('fleet_gone').length + tasksNamed('fleet_other').length, 0);
    // A bench task still waiting (its device is offline): the form itself is refused, before any question.
    const waiting = hw.model.createTask({ task_name: 'bench_waiting', task_type: 'firmwareUpgrade', targets: [fleet[3]], document: { package_ids: [source.versionId!] } }, HUAWEI_DEFAULTS.appId);
    const early = await cloudErrorOf(provider.fleetForm({ ...source, verifyJobId: waiting.task_id }));
    assert.equal(early.code, 'invalid');
    assert.match(early.message, new RegExp(`bench task ${waiting.task_id} is Waitting, not Success: only a version that passed`));
    hw.model.stop(waiting.task_id);
  });

  it('a task name already used is refused (the question says so too): the name must find exactly this task', async () => {
    const f = await provider.fleetForm(source);
    assert.match((await f.confirmAnswer!(K.taskName, { taskName: 'fleet_devices' }))!, /already has upgrade task "fleet_devices"/);
    assert.equal(await f.confirmAnswer!(K.taskName, { taskName: 'fleet_fresh_name' }), undefined);
    const e = await cloudErrorOf(provider.startFleetRollout(source, answers({ taskName: 'fleet_devices' })));
    assert.match(e.message, /already has upgrade task "fleet_devices"/);
    assert.equal(tasksNamed('fleet_devices').length, 1);
  });

  it('a lost CreateBatchTask reply: the task is found by its name, exactly one exists', async () => {
    hw.faults.loseReplyNext(1, { action: 'CreateBatchTask' });
    const job = await provider.startFleetRollout(source, answers({ deviceIds: fleet[3], taskName: 'fleet_lost_reply' }));
    assert.equal(hw.faults.byAction.CreateBatchTask?.['lose-reply'], 1, 'the reply really was lost');
    const tasks = tasksNamed('fleet_lost_reply');
    assert.equal(tasks.length, 1);
    assert.equal(job.id, tasks[0].task.task_id);
    assert.equal(job.kind, 'fleet');
  });

  it('a scheduled task waits for its time while an immediate one starts; need_confirm waits for ConfirmBatchTask', async () => {
    const [idle1, idle2, idle3] = hw.seed.devices(3, `${hw.device.productId}_online`).map((d) => d.device_id);
    for (const d of [idle1, idle2, idle3]) hw.model.setOnline(d, true);
    const later = await provider.startFleetRollout(source, answers({ deviceIds: idle1, start: 'scheduled', scheduleAt: localTime(Date.now() + DAY), taskName: 'fleet_tomorrow' }));
    const confirm = await provider.startFleetRollout(source, answers({ deviceIds: idle2, needConfirm: 'yes', taskName: 'fleet_confirm' }));
    const now = await provider.startFleetRollout(source, answers({ deviceIds: idle3, taskName: 'fleet_at_once' }));
    await new Promise((r) => setTimeout(r, 300));
    const status = (id: string) => hw.model.details(hw.model.task(id))[0].status;
    assert.equal(status(now.id), 'Processing', 'an immediate task starts on an online idle device');
    assert.equal(status(later.id), 'Waitting');
    assert.equal((await provider.describeJob(later.id)).job.status, 'scheduled');
    assert.match(hw.model.task(later.id).task.task_policy!.schedule_time!, /^\d{8}T\d{6}Z$/);
    assert.equal(status(confirm.id), 'Waitting');
    const r = await provider.client.request<BatchTargetsResponse>('Confirming', 'POST', PATHS.taskAction(hw.projectId, confirm.id, 'confirm'), { body: {} });
    assert.deepEqual(r.targets, [{ target: idle2, status: 'Success' }]);
    assert.equal(status(confirm.id), 'Processing');
  });
});

describe('Huawei emulator: CreateBatchTask policy, groups and confirm as documented', function () {
  this.timeout(20_000);
  let hw: HuaweiEmulator;
  let provider: HuaweiProvider;
  let packageId: string;
  before(async () => {
    hw = await startHuaweiEmulator();
    provider = (await createProvider({ ...hw.profile(), credentials: 'secrets' } as CloudProfile, async (f) => (hw.credentials as unknown as Record<string, string>)[f])) as HuaweiProvider;
    packageId = hw.model.createPackage({ package_type: 'firmwarePackage', product_id: hw.device.productId, version: '3.0.0', file_location: { obs_location: { region_name: hw.region, bucket_name: 'b-1', object_key: 'fw.bin' } } }, HUAWEI_DEFAULTS.appId).package_id;
  });
  after(() => hw?.close());

  const iotdaTime = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const create = (extra: object) => provider.client.request<{ task_id: string }>('Creating', 'POST', PATHS.tasks(hw.projectId), { body: { task_name: `t_${Math.random().toString(16).slice(2)}`, task_type: 'firmwareUpgrade', targets: [hw.device.id], document: { package_ids: [packageId] }, ...extra }, create: true });
  async function refused(extra: object, re: RegExp) {
    const e = await cloudErrorOf(create(extra));
    assert.equal(e.code, 'invalid');
    assert.match(e.message, /IOTDA\.000006/);
    assert.match(e.message, re);
    assert.match(e.message, /request id/, 'X-Request-Id is sent');
  }

  it('schedule_time: the format, and a time within 7 days (not past, not later)', async () => {
    await refused({ task_policy: { schedule_time: '2026-12-01T08:00:00Z' } }, /schedule_time/);
    await refused({ task_policy: { schedule_time: iotdaTime(new Date(Date.now() - 60_000)) } }, /schedule_time .* within the next 7 days/);
    await refused({ task_policy: { schedule_time: iotdaTime(new Date(Date.now() + 7 * DAY + 60_000)) } }, /within the next 7 days/);
    const ok = await create({ task_policy: { schedule_time: iotdaTime(new Date(Date.now() + 7 * DAY - 60_000)) } });
    assert.equal(hw.model.task(ok.task_id).task.status, 'Waitting');
  });

  it('retry_count and retry_interval: both or neither, 0–5 and 1–1440', async () => {
    await refused({ task_policy: { retry_count: 2 } }, /retry_interval is required/);
    await refused({ task_policy: { retry_interval: 5 } }, /retry_count is required/);
    await refused({ task_policy: { retry_count: 6, retry_interval: 5 } }, /retry_count/);
    await refused({ task_policy: { retry_count: 1, retry_interval: 1441 } }, /retry_interval/);
    await create({ task_policy: { retry_count: 5, retry_interval: 1440 } });
  });

  it('targets_filter.group_ids: ids of ≤ 36 hex and "-", groups that exist and have devices; targets win over it', async () => {
    await refused({ targets: undefined, targets_filter: { group_ids: ['not a group'] } }, /group_ids\[0\]/);
    await refused({ targets: undefined, targets_filter: { group_ids: [] } }, /group_ids/);
    const empty = hw.seed.group('empty', []);
    await refused({ targets: undefined, targets_filter: { group_ids: [empty.group_id] } }, /have no devices/);
    await refused({ need_confirm: 'yes' }, /need_confirm must be a boolean/);
    const g = hw.seed.group('one', hw.seed.devices(2, 'otabench_product_g').map((d) => d.device_id));
    const both = await create({ targets_filter: { group_ids: [g.group_id] } });
    assert.deepEqual(hw.model.details(hw.model.task(both.task_id)).map((d) => d.target), [hw.device.id], 'targets take precedence');
  });

  it('a schedule_time a few seconds ahead: the subtask waits, then starts at that time', async () => {
    hw.model.setOnline('otabench_product_g-1', true);
    const at = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    const t = await create({ targets: ['otabench_product_g-1'], task_policy: { schedule_time: iotdaTime(at) } });
    const status = () => hw.model.details(hw.model.task(t.task_id))[0].status;
    assert.equal(status(), 'Waitting');
    await new Promise((r) => setTimeout(r, at.getTime() - Date.now() - 300));
    assert.equal(status(), 'Waitting', 'not before its time');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(status(), 'Processing');
  });
});
