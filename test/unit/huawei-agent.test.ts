// The virtual board's Huawei OTA client against a plain MQTT broker (aedes, checking IoTDA's CONNECT
// credentials) and a tiny HTTP file server: no cloud emulator involved.
import assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { checkMqttConnect, downTopic, otaMessage, otaServices, upTopic, type UpgradeParas } from '../../src/core/clouds/huawei/device';
import type { BoardFault, BoardHandle } from '../bench/board/agent';
import { createAgent, HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { startBroker, type Broker } from '../bench/kit';

const DEVICE = 'prod1_bench-1';
const SECRET = 'device-secret-0123';

/** A board that records its serial lines and "reboots" the way the virtual board prints it. */
class FakeBoard implements BoardHandle {
  version = '1.0.0';
  readonly faults = new Set<BoardFault>();
  readonly lines: string[] = [];
  installs = 0;
  log(level: 'I' | 'W' | 'E' | 'D', tag: string, message: string): void {
    this.lines.push(`${level} ${tag}: ${message}`);
  }
  async installAndReboot(image: Buffer, newVersion: string): Promise<boolean> {
    this.installs++;
    this.lines.push('rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    await new Promise((r) => setTimeout(r, 20));
    if (this.faults.has('crash-on-boot')) {
      this.lines.push(`Guru Meditation Error: v${newVersion} crashed; rolled back to v${this.version}`);
      return false;
    }
    this.version = newVersion;
    this.lines.push(`I boot: firmware version ${newVersion}`);
    return true;
  }
}

type Up = { event_type: string; paras: Record<string, unknown> };

describe('Huawei board agent (MQTT + HTTP, no emulator)', function () {
  this.timeout(15_000);
  let broker: Broker;
  let http: Server;
  let base: string;
  const ups: Up[] = [];
  const refused: string[] = [];
  const files = new Map<string, Buffer>();
  let agent: HuaweiOtaAgent | undefined;
  let board: FakeBoard;

  const image = Buffer.concat([Buffer.from('FW_VERSION=1.1.0\n'), randomBytes(64 * 1024)]);
  const sha = createHash('sha256').update(image).digest('hex');

  before(async () => {
    broker = await startBroker({
      authenticate: (id, user, pass) => {
        const why = checkMqttConnect(id, user, pass, (d) => (d === DEVICE ? SECRET : undefined));
        if (why) refused.push(why);
        return why;
      },
      authorizePublish: (id, topic) => topic === upTopic(id.replace(/_0_[01]_\d{10}$/, '')),
      onPublish: (_id, topic, payload) => {
        if (topic !== upTopic(DEVICE)) return;
        for (const s of otaServices(JSON.parse(payload.toString()))) ups.push({ event_type: s.event_type, paras: s.paras });
      },
    });
    files.set('/fw.bin', image);
    http = createServer((req, res) => {
      const body = files.get(req.url ?? '');
      if (!body) return void res.writeHead(404, { 'Content-Type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      // In 16 pieces, a little apart, so the download sees progress as over a real link.
      res.writeHead(200, { 'Content-Length': body.length });
      const piece = Math.ceil(body.length / 16);
      let at = 0;
      const next = () => {
        if (at >= body.length) return void res.end();
        res.write(body.subarray(at, (at += piece)));
        setTimeout(next, 5);
      };
      next();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await broker.close();
    http.closeAllConnections(); // fetch keeps connections alive for seconds
    await new Promise<void>((r) => http.close(() => r()));
  });

  beforeEach(async () => {
    ups.length = 0;
    refused.length = 0;
    board = new FakeBoard();
    agent = new HuaweiOtaAgent({ mqttUrl: broker.url, deviceId: DEVICE, secret: SECRET, downloadTimeoutMs: 400, progressStep: 25 });
    await agent.start(board);
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
  });

  const paras = (over: Partial<UpgradeParas> = {}): UpgradeParas => ({
    version: '1.1.0', url: `${base}/fw.bin`, file_size: image.length, file_name: 'fw.bin', sign: sha, task_id: 'task-0001', ...over,
  });
  const notify = (p: UpgradeParas, event: 'firmware_upgrade_v2' | 'software_upgrade_v2' = 'firmware_upgrade_v2') => broker.publish(downTopic(DEVICE), otaMessage(DEVICE, event, p));

  async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; up: ${JSON.stringify(ups)}; serial: ${board.lines.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** The report that ends an upgrade: a non-zero result_code, or 0 at 100%. */
  const outcome = () => until('the final upgrade_progress_report', () => ups.find((u) => u.event_type === 'upgrade_progress_report' && (u.paras.result_code !== 0 || u.paras.progress === 100)));

  it('connects with the documented credentials and reports its version; a wrong secret is refused', async () => {
    await until('the boot version_report', () => ups.find((u) => u.event_type === 'version_report'));
    assert.deepStrictEqual(ups[0].paras, { fw_version: '1.0.0', sw_version: '1.0.0' });
    assert.ok(broker.clients().some((c) => /^prod1_bench-1_0_0_\d{10}$/.test(c)), broker.clients().join());
    const bad = new HuaweiOtaAgent({ mqttUrl: broker.url, deviceId: DEVICE, secret: 'wrong-secret' });
    await assert.rejects(bad.start(new FakeBoard()));
    await bad.stop();
    assert.match(refused.join(), /wrong password/);
  });

  it('answers version_query with version_report', async () => {
    await until('boot report', () => ups.find((u) => u.event_type === 'version_report'));
    ups.length = 0;
    await broker.publish(downTopic(DEVICE), otaMessage(DEVICE, 'version_query', {}));
    const r = await until('version_report', () => ups.find((u) => u.event_type === 'version_report'));
    assert.strictEqual(r.paras.fw_version, '1.0.0');
  });

  it('upgrades: progress, SHA-256 verified with the task id, reboot, banner, result_code 0 with the new version', async () => {
    await notify(paras());
    const end = await outcome();
    assert.deepStrictEqual(end.paras, { result_code: 0, progress: 100, version: '1.1.0', description: 'upgrade succeeded' });
    const progress = ups.filter((u) => u.event_type === 'upgrade_progress_report').map((u) => u.paras.progress as number);
    assert.deepStrictEqual(progress, [...progress].sort((a, b) => a - b));
    assert.deepStrictEqual([progress[0], progress.at(-1)], [0, 100]);
    assert.ok(progress.filter((p) => p > 0 && p < 100).length >= 3, `intermediate progress every 25%: ${progress.join()}`);
    const report = await until('the new version_report', () => ups.find((u) => u.event_type === 'version_report' && u.paras.fw_version === '1.1.0'));
    assert.ok(report);
    const serial = board.lines.join('\n');
    assert.match(serial, /task task-0001: downloading \d+ bytes/);
    assert.match(serial, new RegExp(`task task-0001: sha256 verified \\(${sha.slice(0, 16)}…\\)`));
    assert.match(serial, /rst:0xc \(SW_CPU_RESET\)/);
    assert.match(serial, /firmware version 1\.1\.0/);
    assert.strictEqual(board.version, '1.1.0');
  });

  it('a package whose SHA-256 differs from sign → result_code 7, nothing installed', async () => {
    await notify(paras({ sign: 'ab'.repeat(32) }));
    const end = await outcome();
    assert.strictEqual(end.paras.result_code, 7);
    assert.strictEqual(end.paras.version, '1.0.0');
    assert.match(String(end.paras.description), /sha256 mismatch/);
    assert.match(board.lines.join('\n'), /E ota: task task-0001: sha256 mismatch.*result_code 7 \(package verification failure\)/);
    assert.strictEqual(board.installs, 0);
    assert.strictEqual(board.version, '1.0.0');
  });

  it('fault bad-signature → result_code 7 even with the right sign', async () => {
    board.faults.add('bad-signature');
    await notify(paras());
    assert.strictEqual((await outcome()).paras.result_code, 7);
    assert.strictEqual(board.installs, 0);
  });

  it('fault download-timeout → result_code 6 after the timeout', async () => {
    board.faults.add('download-timeout');
    await notify(paras());
    const end = await outcome();
    assert.strictEqual(end.paras.result_code, 6);
    assert.match(String(end.paras.description), /timed out/);
    assert.match(board.lines.join('\n'), /download stalled/);
  });

  it('fault crash-on-boot → result_code 10, rolled back to the old version', async () => {
    board.faults.add('crash-on-boot');
    await notify(paras());
    const end = await outcome();
    assert.strictEqual(end.paras.result_code, 10);
    assert.strictEqual(end.paras.version, '1.0.0');
    assert.strictEqual(board.installs, 1);
    assert.strictEqual(board.version, '1.0.0');
  });

  it('fault reject → result_code 8 without downloading', async () => {
    board.faults.add('reject');
    await notify(paras());
    assert.strictEqual((await outcome()).paras.result_code, 8);
    assert.strictEqual(ups.filter((u) => u.paras.progress === 0 && u.paras.result_code === 0).length, 0);
  });

  it('a missing package (HTTP 404) → result_code 255 naming the HTTP error', async () => {
    await notify(paras({ url: `${base}/gone.bin` }));
    const end = await outcome();
    assert.strictEqual(end.paras.result_code, 255);
    assert.match(String(end.paras.description), /HTTP 404 NoSuchKey/);
  });

  it('a second task while one runs → result_code 1 (device in use); the first carries on to its own end', async () => {
    board.faults.add('download-timeout');
    await notify(paras());
    await until('download started', () => board.lines.find((l) => l.includes('downloading')));
    await notify(paras({ task_id: 'task-0002' }), 'software_upgrade_v2');
    const busy = await until('busy report', () => ups.find((u) => u.paras.result_code === 1));
    assert.match(String(busy.paras.description), /busy with task task-0001/);
    const first = await until('the first task to end', () => ups.find((u) => u.paras.result_code === 6));
    assert.match(String(first.paras.description), /timed out/);
  });

  it('createAgent reads its options and refuses missing ones', () => {
    assert.ok(createAgent({ mqttUrl: 'mqtt://127.0.0.1:1', deviceId: 'd', secret: 's', bytesPerSecond: '1000' }) instanceof HuaweiOtaAgent);
    assert.throws(() => createAgent({ mqttUrl: 'mqtt://x' }), /deviceId=… and secret=…/);
  });
});
