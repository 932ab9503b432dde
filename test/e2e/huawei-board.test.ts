// The virtual board with its Huawei IoTDA agent, seen through its real pty: an upgrade shows the
// download, the SHA-256 verification with the task id, the reset and the new banner on serial; a
// package that does not match its sign shows result_code 7 and the board keeps its version. The
// device side is a plain MQTT broker checking IoTDA's CONNECT credentials, plus an HTTP file server
// (the IoTDA emulator drives the same agent in the Huawei e2e tests).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { checkMqttConnect, downTopic, otaMessage, otaServices, upTopic } from '../../src/core/clouds/huawei/device';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { startBroker, type Broker } from '../bench/kit';
import { waitLine as nextLine } from './serialLines';

const waitLine = (s: SerialSession, re: RegExp, ms = 8000) => nextLine(s, re, ms, true);
const root = resolve(__dirname, '../..');
const DEVICE = 'prod1_bench-hw';
const SECRET = 'bench-device-secret';

describe('virtual board: Huawei IoTDA agent on a real pty', function () {
  this.timeout(60_000);
  let dir: string;
  let session: SerialSession;
  let broker: Broker;
  let http: Server;
  let base: string;
  let board: VirtualBoard | undefined;
  const results: Record<string, unknown>[] = [];
  const image = Buffer.concat([Buffer.from('FW_VERSION=2.0.1\n'), Buffer.alloc(200_000, 7)]);
  const sha = createHash('sha256').update(image).digest('hex');

  before(async () => {
    broker = await startBroker({
      authenticate: (id, user, pass) => checkMqttConnect(id, user, pass, (d) => (d === DEVICE ? SECRET : undefined)),
      onPublish: (_id, topic, payload) => {
        if (topic === upTopic(DEVICE)) for (const s of otaServices(JSON.parse(payload.toString()))) if (s.event_type === 'upgrade_progress_report') results.push(s.paras);
      },
    });
    http = createServer((req, res) => (req.url === '/pkg.bin' ? res.writeHead(200).end(image) : res.writeHead(404).end()));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await broker.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otab-hw-'));
    session = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 100 });
    results.length = 0;
  });
  afterEach(async () => {
    await session.close();
    await board?.stop();
    board = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const final = async () => {
    const end = Date.now() + 10_000;
    for (;;) {
      const r = results.find((p) => p.result_code !== 0 || p.progress === 100);
      if (r) return r;
      if (Date.now() > end) throw new Error(`no final upgrade_progress_report: ${JSON.stringify(results)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  async function boardWithAgent(): Promise<VirtualBoard> {
    const agent = new HuaweiOtaAgent({ mqttUrl: broker.url, deviceId: DEVICE, secret: SECRET, downloadTimeoutMs: 2000 });
    board = await startBoard({ link: join(dir, 'tty'), version: '2.0.0', logPeriodMs: 0, agents: [agent] });
    await session.open(board.link);
    await waitLine(session, /mqtt: connected to mqtt:\/\/127\.0\.0\.1:\d+ as prod1_bench-hw_0_0_\d{10}/);
    return board;
  }

  it('an upgrade shows download, verification with the task id, reset and the new banner; result_code 0 with v2.0.1', async () => {
    const b = await boardWithAgent();
    await broker.publish(downTopic(DEVICE), otaMessage(DEVICE, 'firmware_upgrade_v2', { version: '2.0.1', url: `${base}/pkg.bin`, file_size: image.length, sign: sha, task_id: 'task-e2e-1' }));
    await waitLine(session, /ota: task task-e2e-1: downloading 200017 bytes/);
    await waitLine(session, new RegExp(`ota: task task-e2e-1: sha256 verified \\(${sha.slice(0, 16)}`));
    await waitLine(session, /rst:0xc \(SW_CPU_RESET\)/);
    await waitLine(session, /boot: firmware version 2\.0\.1/);
    assert.deepEqual(await final(), { result_code: 0, progress: 100, version: '2.0.1', description: 'upgrade succeeded' });
    assert.equal(b.version, '2.0.1');
  });

  it('a package that does not match its sign: result_code 7 on MQTT and on serial; the board keeps its version', async () => {
    const b = await boardWithAgent();
    await broker.publish(downTopic(DEVICE), otaMessage(DEVICE, 'firmware_upgrade_v2', { version: '2.0.1', url: `${base}/pkg.bin`, file_size: image.length, sign: 'f'.repeat(64), task_id: 'task-e2e-2' }));
    await waitLine(session, /task task-e2e-2: sha256 mismatch.*result_code 7 \(package verification failure\)/);
    const r = await final();
    assert.equal(r.result_code, 7);
    assert.equal(b.version, '2.0.0');
    assert.deepEqual(b.installs, []);
  });

  it('main.ts runs the board with `--agent huawei:…` and it connects with its device credentials', async () => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', join(dir, 'tty-cli'), '--rate', '0', '--agent', `huawei:mqttUrl=${broker.url},deviceId=${DEVICE},secret=${SECRET}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((res, rej) => {
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d: Buffer) => d.toString().includes('board ready') && res());
        child.on('exit', (code) => rej(new Error(`board exited ${code}: ${err}`)));
      });
      const end = Date.now() + 10_000;
      while (!broker.clients().some((c) => c.startsWith(`${DEVICE}_0_0_`))) {
        if (Date.now() > end) throw new Error(`the board never connected; clients: ${broker.clients().join()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
