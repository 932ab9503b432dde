// The emulator's job state machine and its device side over MQTT, with the payloads of the AWS IoT
// Jobs MQTT API (as the FreeRTOS OTA agent and the Jobs library use them).
import { strict as assert } from 'assert';
import mqtt, { type MqttClient } from 'mqtt';
import { CreateJobCommand, CreateOTAUpdateCommand, DescribeJobCommand, DescribeJobExecutionCommand, GetJobDocumentCommand, GetOTAUpdateCommand, IoTClient, CancelJobCommand } from '@aws-sdk/client-iot';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';

// Payloads are JSON the test digs into freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Msg = { topic: string; body: Record<string, any> };

class Device {
  readonly inbox: Msg[] = [];
  private waiters: { re: RegExp; pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  private n = 0;
  constructor(
    readonly thing: string,
    readonly client: MqttClient,
  ) {
    client.on('message', (topic, payload) => {
      const m = { topic, body: JSON.parse(payload.toString()) };
      this.inbox.push(m);
      const i = this.waiters.findIndex((w) => w.re.test(topic) && w.pred(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
  }
  static async connect(url: string, thing: string): Promise<Device> {
    const client = await mqtt.connectAsync(url, { clientId: thing, reconnectPeriod: 0 });
    const d = new Device(thing, client);
    await client.subscribeAsync(`$aws/things/${thing}/jobs/#`, { qos: 1 });
    return d;
  }
  next(re: RegExp, pred: (m: Msg) => boolean = () => true, ms = 3000): Promise<Msg> {
    const have = this.inbox.find((m) => re.test(m.topic) && pred(m));
    if (have) {
      this.inbox.splice(this.inbox.indexOf(have), 1);
      return Promise.resolve(have);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms; got ${this.inbox.map((m) => m.topic).join(', ')}`)), ms);
      this.waiters.push({ re, pred, resolve: (m) => (clearTimeout(timer), this.inbox.splice(this.inbox.indexOf(m), 1), resolve(m)) });
    });
  }
  async request(sub: string, body: Record<string, unknown>): Promise<Msg> {
    const clientToken = `${++this.n}:${this.thing}`;
    const reply = this.next(new RegExp(`^\\$aws/things/${this.thing}/jobs/${sub.replace(/\$/g, '\\$')}/(accepted|rejected)$`), (m) => m.body.clientToken === clientToken);
    await this.client.publishAsync(`$aws/things/${this.thing}/jobs/${sub}`, JSON.stringify({ ...body, clientToken }), { qos: 1 });
    return reply;
  }
  update(jobId: string, body: Record<string, unknown>): Promise<Msg> {
    return this.request(`${jobId}/update`, body);
  }
  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

describe('aws emulator: jobs state machine and the device side (MQTT)', function () {
  this.timeout(20_000);
  let aws: AwsEmulator;
  let iot: IoTClient;
  const devices: Device[] = [];
  const role = 'arn:aws:iam::123456789012:role/ota-bench-role';

  before(async () => {
    aws = await startAwsEmulator({ minuteMs: 200 });
    iot = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, maxAttempts: 1 });
  });
  after(async () => {
    await Promise.all(devices.map((d) => d.close()));
    iot.destroy();
    await aws.close();
  });
  const device = async (thing: string) => {
    aws.seed.thing(thing);
    const d = await Device.connect(aws.mqttUrl, thing);
    devices.push(d);
    return d;
  };
  const describe_ = async (jobId: string) => (await iot.send(new DescribeJobCommand({ jobId }))).job!;

  it('notifies the device, resolves the presigned URL when it reads the document, and runs QUEUED → IN_PROGRESS → SUCCEEDED → COMPLETED', async () => {
    const dev = await device('dev-1');
    const obj = await aws.s3.putBuffer('ota-bench-firmware', 'fw/dev-1.bin', Buffer.from('firmware bytes'));
    const doc = { afr_ota: { protocols: ['HTTP'], files: [{ filepath: 'fw.bin', filesize: 14, fileid: 0, update_data_url: '${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/ota-bench-firmware/fw/dev-1.bin}', auth_scheme: 'aws.s3.presigned' }] } };
    await iot.send(new CreateJobCommand({ jobId: 'j-dev-1', targets: [aws.things.thing('dev-1').thingArn], document: JSON.stringify(doc), targetSelection: 'SNAPSHOT', presignedUrlConfig: { roleArn: role, expiresInSec: 300 } }));
    const notify = await dev.next(/\/notify-next$/);
    const ex = notify.body.execution;
    assert.equal(ex.jobId, 'j-dev-1');
    assert.equal(ex.status, 'QUEUED');
    assert.equal(typeof notify.body.timestamp, 'number');
    const url: string = ex.jobDocument.afr_ota.files[0].update_data_url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/ota-bench-firmware\/fw\/dev-1\.bin\?.*X-Amz-Signature=/);
    assert.match(url, /X-Amz-Expires=300/);
    assert.equal(await (await fetch(url)).text(), 'firmware bytes');
    assert.ok(obj.versionId);
    // The control plane keeps the placeholder.
    const cp = await iot.send(new GetJobDocumentCommand({ jobId: 'j-dev-1' }));
    assert.match(cp.document!, /\$\{aws:iot:s3-presigned-url:/);

    const next = await dev.request('$next/get', {});
    assert.match(next.topic, /\$next\/get\/accepted$/);
    assert.equal(next.body.execution.jobId, 'j-dev-1');

    const inProgress = await dev.update('j-dev-1', { status: 'IN_PROGRESS', statusDetails: { receive: '1/4' }, includeJobExecutionState: true });
    assert.match(inProgress.topic, /update\/accepted$/);
    assert.deepEqual(inProgress.body.executionState, { status: 'IN_PROGRESS', statusDetails: { receive: '1/4' }, versionNumber: 2 });
    const stale = await dev.update('j-dev-1', { status: 'IN_PROGRESS', expectedVersion: 1 });
    assert.match(stale.topic, /rejected$/);
    assert.equal(stale.body.code, 'VersionMismatch');
    const tooMany = await dev.update('j-dev-1', { status: 'IN_PROGRESS', statusDetails: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) });
    assert.equal(tooMany.body.code, 'InvalidRequest');
    const illegal = await dev.update('j-dev-1', { status: 'TIMED_OUT' });
    assert.equal(illegal.body.code, 'InvalidStateTransition');
    const mid = await iot.send(new DescribeJobExecutionCommand({ jobId: 'j-dev-1', thingName: 'dev-1' }));
    assert.deepEqual(mid.execution?.statusDetails?.detailsMap, { receive: '1/4' });
    assert.equal((await describe_('j-dev-1')).jobProcessDetails?.numberOfInProgressThings, 1);

    const done = await dev.update('j-dev-1', { status: 'SUCCEEDED', statusDetails: { reason: 'accepted  v1.0.1' } });
    assert.match(done.topic, /accepted$/);
    const job = await describe_('j-dev-1');
    assert.equal(job.status, 'COMPLETED');
    assert.ok(job.completedAt);
    assert.equal(job.jobProcessDetails?.numberOfSucceededThings, 1);
    const empty = await dev.next(/\/notify-next$/);
    assert.equal(empty.body.execution, undefined, 'nothing pending any more');
    const after = await dev.update('j-dev-1', { status: 'FAILED' });
    assert.equal(after.body.code, 'TerminalStateReached');
  });

  it('a device may use only its own topics, and must be a registered thing', async () => {
    const dev = await device('dev-2');
    aws.seed.thing('dev-3');
    await assert.rejects(dev.client.subscribeAsync('$aws/things/dev-3/jobs/#').then((g) => (g.some((x) => x.qos === 128) ? Promise.reject(new Error('refused')) : g)));
    await assert.rejects(mqtt.connectAsync(aws.mqttUrl, { clientId: 'not-a-thing', reconnectPeriod: 0, connectTimeout: 2000 }));
  });

  it('CancelJob(force) ends an in-progress execution; the device then gets TerminalStateReached', async () => {
    const dev = await device('dev-4');
    await iot.send(new CreateJobCommand({ jobId: 'j-cancel', targets: [aws.things.thing('dev-4').thingArn], document: '{}', targetSelection: 'SNAPSHOT' }));
    await dev.update('j-cancel', { status: 'IN_PROGRESS' });
    await iot.send(new CancelJobCommand({ jobId: 'j-cancel', force: true, comment: 'stop' }));
    const job = await describe_('j-cancel');
    assert.equal(job.status, 'CANCELED');
    assert.equal(job.forceCanceled, true);
    assert.equal(job.jobProcessDetails?.numberOfCanceledThings, 1);
    const r = await dev.update('j-cancel', { status: 'SUCCEEDED' });
    assert.equal(r.body.code, 'TerminalStateReached');
  });

  it('expands thing groups, applies abort criteria (job canceled, queued executions canceled) and retries', async () => {
    aws.seed.group('fleet-a', ['fa-1', 'fa-2', 'fa-3', 'fa-4']);
    await iot.send(
      new CreateJobCommand({
        jobId: 'j-abort',
        targets: [aws.things.group('fleet-a').thingGroupArn],
        document: '{}',
        targetSelection: 'SNAPSHOT',
        abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 50, minNumberOfExecutedThings: 2 }] },
      }),
    );
    assert.equal(aws.jobs.job('j-abort').executions.size, 4);
    aws.jobs.deviceUpdate('fa-1', 'j-abort', { status: 'FAILED' });
    assert.equal((await describe_('j-abort')).status, 'IN_PROGRESS', 'one execution is below minNumberOfExecutedThings');
    aws.jobs.deviceUpdate('fa-2', 'j-abort', { status: 'FAILED' });
    const job = await describe_('j-abort');
    assert.equal(job.status, 'CANCELED');
    assert.equal(job.reasonCode, 'ABORT_CRITERIA_MET');
    assert.deepEqual([job.jobProcessDetails?.numberOfFailedThings, job.jobProcessDetails?.numberOfCanceledThings], [2, 2]);

    aws.seed.thing('retry-1');
    await iot.send(new CreateJobCommand({ jobId: 'j-retry', targets: [aws.things.thing('retry-1').thingArn], document: '{}', jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] } }));
    const first = aws.jobs.execution('j-retry', 'retry-1').executionNumber;
    aws.jobs.deviceUpdate('retry-1', 'j-retry', { status: 'FAILED' });
    const again = aws.jobs.execution('j-retry', 'retry-1');
    assert.equal(again.status, 'QUEUED');
    assert.equal(again.retryAttempt, 1);
    assert.notEqual(again.executionNumber, first);
    aws.jobs.deviceUpdate('retry-1', 'j-retry', { status: 'FAILED' });
    assert.equal(aws.jobs.execution('j-retry', 'retry-1').status, 'FAILED');
    assert.equal((await describe_('j-retry')).status, 'COMPLETED');
  });

  describe('paced rollout (jobExecutionsRolloutConfig; an emulated minute is 200 ms here)', () => {
    const MINUTE = 200;
    const until = async (what: string, ok: () => boolean, ms = 5000) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    /** Execution creation times grouped into waves (a gap of half a minute starts a new one). */
    const waves = (jobId: string) => {
      const at = [...aws.jobs.job(jobId).executions.values()].map((e) => e.queuedAt.getTime()).sort((a, b) => a - b);
      const out: number[][] = [];
      for (const t of at) (out.length && t - out[out.length - 1][0] < MINUTE / 2 ? out[out.length - 1] : (out[out.length] = [])).push(t);
      return out;
    };
    const counts = async (jobId: string) => {
      const j = await describe_(jobId);
      const d = j.jobProcessDetails!;
      return { status: j.status, queued: d.numberOfQueuedThings, succeeded: d.numberOfSucceededThings, canceled: d.numberOfCanceledThings };
    };

    it('maximumPerMinute M over a group of N things: waves of M a minute apart, devices notified with their wave, counts follow', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `wave-${i + 1}`);
      const group = aws.seed.group('waves', names);
      const late = await Device.connect(aws.mqttUrl, 'wave-7');
      devices.push(late);
      const t0 = Date.now();
      await iot.send(new CreateJobCommand({ jobId: 'j-waves', targets: [group], document: '{}', targetSelection: 'SNAPSHOT', jobExecutionsRolloutConfig: { maximumPerMinute: 3 } }));
      const job = aws.jobs.job('j-waves');
      assert.deepEqual([...job.executions.keys()], names.slice(0, 3), 'the first wave at once, in target order');
      assert.deepEqual(await counts('j-waves'), { status: 'IN_PROGRESS', queued: 3, succeeded: 0, canceled: 0 });
      // The first wave is done before the next starts: the job must not complete yet.
      for (const t of names.slice(0, 3)) aws.jobs.deviceUpdate(t, 'j-waves', { status: 'SUCCEEDED' });
      assert.deepEqual(await counts('j-waves'), { status: 'IN_PROGRESS', queued: 0, succeeded: 3, canceled: 0 });
      await until('the second wave', () => job.executions.size >= 6);
      assert.deepEqual(await counts('j-waves'), { status: 'IN_PROGRESS', queued: 3, succeeded: 3, canceled: 0 });
      const notified = await late.next(/\/notify-next$/, (m) => m.body.execution?.jobId === 'j-waves', 3000);
      assert.equal(notified.body.execution.status, 'QUEUED');
      assert.ok(Date.now() - t0 >= 2 * MINUTE * 0.9, `wave-7 is notified with the third wave (${Date.now() - t0} ms)`);
      const w = waves('j-waves');
      assert.deepEqual(w.map((x) => x.length), [3, 3, 1]);
      for (let i = 1; i < w.length; i++) assert.ok(w[i][0] - w[i - 1][0] >= MINUTE * 0.9, `waves a minute apart: ${w.map((x) => x[0] - w[0][0])}`);
      for (const t of names.slice(3)) aws.jobs.deviceUpdate(t, 'j-waves', { status: 'SUCCEEDED' });
      assert.deepEqual(await counts('j-waves'), { status: 'COMPLETED', queued: 0, succeeded: 7, canceled: 0 });
    });

    it('exponentialRate grows the wave by incrementFactor when rateIncreaseCriteria is met, capped by maximumPerMinute', async () => {
      const group = aws.seed.group('exp-waves', Array.from({ length: 8 }, (_, i) => `exp-${i + 1}`));
      await iot.send(
        new CreateJobCommand({
          jobId: 'j-exp',
          targets: [group],
          document: '{}',
          jobExecutionsRolloutConfig: { maximumPerMinute: 4, exponentialRate: { baseRatePerMinute: 1, incrementFactor: 2, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } },
        }),
      );
      await until('all eight notified', () => aws.jobs.job('j-exp').executions.size === 8);
      assert.deepEqual(waves('j-exp').map((x) => x.length), [1, 2, 4, 1]);
    });

    it('canceling the job stops the rollout: things not notified yet never get an execution', async () => {
      const group = aws.seed.group('cancel-waves', ['cw-1', 'cw-2', 'cw-3', 'cw-4', 'cw-5']);
      await iot.send(new CreateJobCommand({ jobId: 'j-cancel-waves', targets: [group], document: '{}', jobExecutionsRolloutConfig: { maximumPerMinute: 2 } }));
      await iot.send(new CancelJobCommand({ jobId: 'j-cancel-waves' }));
      await new Promise((r) => setTimeout(r, 2.5 * MINUTE));
      assert.deepEqual([...aws.jobs.job('j-cancel-waves').executions.keys()], ['cw-1', 'cw-2']);
      assert.deepEqual(await counts('j-cancel-waves'), { status: 'CANCELED', queued: 0, succeeded: 0, canceled: 2 });
    });
  });

  it('times out an execution after inProgressTimeoutInMinutes (emulated minutes)', async () => {
    aws.seed.thing('slow-1');
    await iot.send(new CreateJobCommand({ jobId: 'j-timeout', targets: [aws.things.thing('slow-1').thingArn], document: '{}', timeoutConfig: { inProgressTimeoutInMinutes: 1 } }));
    aws.jobs.deviceUpdate('slow-1', 'j-timeout', { status: 'IN_PROGRESS' });
    const mid = await iot.send(new DescribeJobExecutionCommand({ jobId: 'j-timeout', thingName: 'slow-1' }));
    assert.ok((mid.execution?.approximateSecondsBeforeTimedOut ?? 0) > 0);
    await new Promise((r) => setTimeout(r, 350));
    const e = await iot.send(new DescribeJobExecutionCommand({ jobId: 'j-timeout', thingName: 'slow-1' }));
    assert.equal(e.execution?.status, 'TIMED_OUT');
    assert.equal((await describe_('j-timeout')).jobProcessDetails?.numberOfTimedOutThings, 1);
  });

  it('OTA updates build the afr_ota job; "SHA-256" yields a key devices do not read; failures show in the update', async () => {
    aws.seed.thing('ota-1');
    const obj = await aws.s3.putBuffer('ota-bench-firmware', 'fw/ota.bin', Buffer.alloc(100, 7));
    const files = (hashAlgorithm: string) => [
      {
        fileName: 'ota.bin',
        fileLocation: { s3Location: { bucket: 'ota-bench-firmware', key: 'fw/ota.bin', version: obj.versionId } },
        codeSigning: { customCodeSigning: { signature: { inlineDocument: new Uint8Array([1, 2, 3]) }, certificateChain: { certificateName: 'cs.crt' }, hashAlgorithm, signatureAlgorithm: 'ECDSA' } },
      },
    ];
    const target = [aws.things.thing('ota-1').thingArn];
    await iot.send(new CreateOTAUpdateCommand({ otaUpdateId: 'good', targets: target, roleArn: role, protocols: ['HTTP'], files: files('SHA256') }));
    await iot.send(new CreateOTAUpdateCommand({ otaUpdateId: 'typo', targets: target, roleArn: role, protocols: ['HTTP'], files: files('SHA-256') }));
    await new Promise((r) => setTimeout(r, 100));
    const good = await iot.send(new GetOTAUpdateCommand({ otaUpdateId: 'good' }));
    assert.equal(good.otaUpdateInfo?.otaUpdateStatus, 'CREATE_COMPLETE');
    assert.equal(good.otaUpdateInfo?.awsIotJobId, 'AFR_OTA-good');
    const gdoc = JSON.parse((await iot.send(new GetJobDocumentCommand({ jobId: 'AFR_OTA-good' }))).document!);
    assert.deepEqual(gdoc.afr_ota.files[0], {
      filepath: 'ota.bin',
      filesize: 100,
      fileid: 0,
      update_data_url: '${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/ota-bench-firmware/fw/ota.bin}',
      auth_scheme: 'aws.s3.presigned',
      'sig-sha256-ecdsa': 'AQID',
      certfile: 'cs.crt',
    });
    const tdoc = JSON.parse((await iot.send(new GetJobDocumentCommand({ jobId: 'AFR_OTA-typo' }))).document!);
    assert.ok(tdoc.afr_ota.files[0]['sig-sha-256-ecdsa'] && !tdoc.afr_ota.files[0]['sig-sha256-ecdsa']);
    await iot.send(new CreateOTAUpdateCommand({ otaUpdateId: 'nosigner', targets: target, roleArn: role, protocols: ['HTTP'], files: [{ fileName: 'x', fileLocation: files('SHA256')[0].fileLocation, codeSigning: { awsSignerJobId: 'missing-job' } }] }));
    await new Promise((r) => setTimeout(r, 100));
    const bad = await iot.send(new GetOTAUpdateCommand({ otaUpdateId: 'nosigner' }));
    assert.equal(bad.otaUpdateInfo?.otaUpdateStatus, 'CREATE_FAILED');
    assert.match(bad.otaUpdateInfo?.errorInfo?.message ?? '', /missing-job/);
  });

  it('substitutes package-version attributes from destinationPackageVersions', async () => {
    await aws.seed.packageWithVersions('subst', ['2.0.0']);
    aws.seed.thing('subst-1');
    const arn = aws.catalog.version('subst', '2.0.0').packageVersionArn;
    await iot.send(new CreateJobCommand({ jobId: 'j-subst', targets: [aws.things.thing('subst-1').thingArn], document: '{"v":"${aws:iot:package::version::attributes:version}"}', destinationPackageVersions: [arn] }));
    assert.equal((await iot.send(new GetJobDocumentCommand({ jobId: 'j-subst' }))).document, '{"v":"2.0.0"}');
    assert.match((await iot.send(new GetJobDocumentCommand({ jobId: 'j-subst', beforeSubstitution: true }))).document!, /\$\{aws:iot:package/);
  });
});
