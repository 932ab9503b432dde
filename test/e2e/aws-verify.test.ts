// The whole AWS bench: the provider (real SDK) publishes a signed 4 MB image to the emulator,
// starts a verify job on the virtual board, and watches it; the board's AWS agent takes the job
// over MQTT, downloads through the presigned URL, checks the signature and reboots; its serial
// port (a real pty, read by the extension's own serial session) prints the new version.
import { strict as assert } from 'assert';
import { generateKeyPairSync, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createProvider, type AwsProvider } from '../../src/core/clouds/aws';
import type { Rollout } from '../../src/core/model';
import type { Artifact } from '../../src/core/clouds/provider';
import { digestFile, loadSigningKey } from '../../src/core/signing';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { AwsJobsAgent } from '../bench/board/agents/aws';
import { verifyReference } from '../../src/core/clouds/verifyRef';

/** A fresh verify reference, as the release makes one before asking the cloud. */
const ref = (pkg: string, version: string) => verifyReference(pkg, version);

const MB = 1024 * 1024;

describe('AWS verify job end to end (emulator + virtual board on a pty)', function () {
  this.timeout(90_000);
  let aws: AwsEmulator;
  let provider: AwsProvider;
  let board: VirtualBoard;
  let agent: AwsJobsAgent;
  let serial: SerialSession;
  let dir: string;
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-aws-e2e-'));
    writeFileSync(join(dir, 'signing-key.pem'), trusted.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'wrong-key.pem'), stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // One emulated minute = 1 s, so in-progress timeouts are testable.
    aws = await startAwsEmulator({ minuteMs: 1000 });
    provider = await createProvider(aws.profile(), undefined, { credentials: aws.credentials, watchMaxRequestsPerSecond: 20 });
    agent = new AwsJobsAgent({ mqttUrl: aws.mqttUrl, thingName: 'bench-board-01', statusEvery: 128, downloadTimeoutMs: 1500 });
    board = await startBoard({
      link: join(dir, 'ttyBENCH'),
      version: '1.0.0',
      logPeriodMs: 0,
      color: false,
      trustedKeyPem: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      agents: [agent],
    });
    serial = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 100_000 });
    assert.equal(await serial.open(board.link), true);
  });

  after(async () => {
    await serial?.close();
    await board?.stop();
    provider?.dispose();
    await aws?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serialText = () => serial.buffer.last(100_000).filter((l) => l.dir === 'rx').map((l) => l.text);

  async function release(version: string, keyFile = 'signing-key.pem', size = 4 * MB): Promise<Artifact> {
    const path = join(dir, `firmware-${version}.bin`);
    const image = randomBytes(size);
    image.write(`OTA_BENCH firmware FW_VERSION=${version}\n`, 0, 'latin1');
    writeFileSync(path, image);
    const key = await loadSigningKey(join(dir, keyFile));
    const d = await digestFile(path, { key });
    const artifact: Artifact = { path, size: d.size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex!, signature: d.signature, signatureAlgorithm: 'ECDSA' };
    const published = await provider.publish({ packageName: 'bench-firmware', version, artifact, attributes: { gitCommit: 'e2e' }, options: { aws: { certificateName: 'code_sign.crt' } } });
    assert.equal(published.version.status, 'published');
    return artifact;
  }

  async function watchToEnd(jobId: string, opts: { onBackoff?: () => void } = {}): Promise<Rollout[]> {
    const seen: Rollout[] = [];
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 60_000);
    for await (const r of provider.watchJob(jobId, { intervalMs: 150, signal: ac.signal, onBackoff: opts.onBackoff })) seen.push(r);
    clearTimeout(guard);
    assert.ok(seen.length, 'the watch yielded snapshots');
    assert.ok(seen[seen.length - 1].done, 'the watch ended because the job is done');
    return seen;
  }

  it('publishes a 4 MB image, verifies it on the board: SUCCEEDED and the serial port prints the new version', async () => {
    const artifact = await release('1.2.3');
    const job = await provider.startVerifyJob({ packageName: 'bench-firmware', version: '1.2.3', artifact, timeoutMinutes: 30, reference: ref('bench-firmware', '1.2.3') });
    const seen = await watchToEnd(job.id);
    const last = seen[seen.length - 1];
    assert.equal(last.job.status, 'completed');
    assert.deepEqual(last.counts, { succeeded: 1 });
    const e = last.executions[0];
    assert.equal(e.target, 'bench-board-01');
    assert.equal(e.status, 'succeeded');
    // The device's reason reaches the neutral Execution.reason; the raw map keeps the AWS agent's keys.
    assert.equal(e.reason, 'accepted  v1.2.3');
    assert.equal(e.statusDetails?.updatedBy, '  v1.0.0');
    assert.equal(e.progress, 100);
    // The device's own progress went through the cloud: receive n/m and the self-test phases.
    const details = agent.reports.filter((r) => r.jobId === job.id).map((r) => r.statusDetails);
    assert.ok(details.some((d) => /^\d+\/1024$/.test(d.receive ?? '') && d.receive !== '0/1024' && d.receive !== '1024/1024'), 'intermediate receive progress');
    assert.deepEqual(details.filter((d) => d.self_test).map((d) => d.self_test), ['ready', 'active']);
    assert.equal(board.version, '1.2.3');
    assert.equal(board.installs.at(-1)?.bytes, 4 * MB);
    // Serial: the reboot and the banner with the new version, seen through a real pty.
    const deadline = Date.now() + 3000;
    while (!serialText().some((l) => /firmware version 1\.2\.3/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const text = serialText();
    assert.ok(text.some((l) => /rst:0xc \(SW_CPU_RESET\)/.test(l)), 'reset printed');
    assert.ok(text.some((l) => /firmware version 1\.2\.3/.test(l)), `banner with the new version; got:\n${text.slice(-15).join('\n')}`);
    assert.ok(text.some((l) => /signature verified \(sig-sha256-ecdsa, certfile code_sign\.crt\)/.test(l)));
  });

  it('an image signed with the wrong key: FAILED with the reason, the board stays on its version', async () => {
    const artifact = await release('1.2.4', 'wrong-key.pem');
    const job = await provider.startVerifyJob({ packageName: 'bench-firmware', version: '1.2.4', artifact, reference: ref('bench-firmware', '1.2.4') });
    const last = (await watchToEnd(job.id)).at(-1)!;
    const e = last.executions[0];
    assert.equal(e.status, 'failed');
    assert.match(e.reason ?? '', /signature check failed/);
    assert.deepEqual(last.counts, { failed: 1 });
    assert.equal(board.version, '1.2.3');
    assert.ok(serialText().some((l) => /failing job .*signature check failed/.test(l)));
  });

  it('survives throttling during the watch (backs off, then sees SUCCEEDED)', async () => {
    const artifact = await release('1.2.5', 'signing-key.pem', MB);
    const job = await provider.startVerifyJob({ packageName: 'bench-firmware', version: '1.2.5', artifact, reference: ref('bench-firmware', '1.2.5') });
    const before = aws.faults.counts.throttle;
    // More than the SDK's own 3 attempts: the watch itself must back off and carry on.
    aws.faults.throttleNext(8, { service: 'iot', pathPrefix: '/jobs' });
    let backoffs = 0;
    const last = (await watchToEnd(job.id, { onBackoff: () => backoffs++ })).at(-1)!;
    assert.equal(aws.faults.counts.throttle - before, 8);
    assert.ok(backoffs >= 2, `the watch backed off (${backoffs})`);
    assert.equal(last.executions[0].status, 'succeeded');
    assert.equal(board.version, '1.2.5');
  });

  it('board faults reach the cloud as the job result: reject, crash on boot (rollback), download timeout', async () => {
    const cases: { fault: 'reject' | 'crash-on-boot' | 'download-timeout'; version: string; status: string; reason: RegExp }[] = [
      { fault: 'reject', version: '1.3.0', status: 'rejected', reason: /refused this update/ },
      { fault: 'crash-on-boot', version: '1.3.1', status: 'failed', reason: /crashed on boot; rolled back to v1\.2\.5/ },
      { fault: 'download-timeout', version: '1.3.2', status: 'failed', reason: /download failed: timed out/ },
    ];
    for (const c of cases) {
      const artifact = await release(c.version, 'signing-key.pem', 256 * 1024);
      board.setFault(c.fault, true);
      try {
        const job = await provider.startVerifyJob({ packageName: 'bench-firmware', version: c.version, artifact, reference: ref('bench-firmware', c.version) });
        const e = (await watchToEnd(job.id)).at(-1)!.executions[0];
        assert.equal(e.status, c.status, c.fault);
        assert.match(e.reason ?? '', c.reason);
      } finally {
        board.setFault(c.fault, false);
      }
      assert.equal(board.version, '1.2.5', `${c.fault} leaves the board on its version`);
    }
  });

  it('a board that never answers: the execution TIMES OUT by the job\'s in-progress timeout', async () => {
    const artifact = await release('1.4.0', 'signing-key.pem', 64 * 1024);
    await agent.stop();
    try {
      const job = await provider.startVerifyJob({ packageName: 'bench-firmware', version: '1.4.0', artifact, timeoutMinutes: 1, reference: ref('bench-firmware', '1.4.0') });
      // Something reports IN_PROGRESS (as a device would) and then goes silent.
      aws.jobs.deviceUpdate('bench-board-01', job.id, { status: 'IN_PROGRESS', statusDetails: { receive: '1/16' } });
      const last = (await watchToEnd(job.id)).at(-1)!;
      assert.equal(last.executions[0].status, 'timed-out');
      assert.deepEqual(last.counts, { 'timed-out': 1 });
    } finally {
      await agent.start(board);
    }
  });
});
