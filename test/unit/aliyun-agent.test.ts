// The virtual board's Alibaba OTA client on a real pty board, against a plain aedes broker that
// checks the Alink MQTT login and a tiny HTTP file server: pushes on /ota/device/upgrade, progress
// steps, the serial story (download, verify, reboot, banner) and the version report that marks
// success; each failure with its step and desc.
import assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'http';
import { createServer, type Server } from 'net';
import type { AddressInfo } from 'net';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { checkAlinkLogin } from '../bench/aliyun-emulator/alinkAuth';
import { AliyunOtaAgent, type AgentReport } from '../bench/board/agents/aliyun';
import { VirtualBoard } from '../bench/board/board';
import type { BoardFault } from '../bench/board/agent';
import { deviceTopics } from '../../src/core/clouds/aliyun/wire';

const PK = 'a1BenchPk';
const DN = 'bench-ali-1';
const SECRET = 'device-secret-1';
const topics = deviceTopics(PK, DN);

type Broker = {
  handle: (s: unknown) => void;
  publish: (p: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean; cmd: 'publish'; dup: boolean }, cb: (e?: Error) => void) => void;
  on: (ev: string, fn: (...a: never[]) => void) => void;
  close: (cb: () => void) => void;
};

let broker: Broker;
let mqttServer: Server;
let mqttUrl: string;
let files: HttpServer;
let filesUrl: string;
const images = new Map<string, Buffer>();
/** Device → platform messages seen by the broker. */
const seen: { topic: string; payload: Record<string, unknown> }[] = [];
const logins: { ok: boolean; reason?: string }[] = [];

let dir: string;
let board: VirtualBoard | undefined;
let agent: AliyunOtaAgent | undefined;
let serial: string[] = [];

async function bench(opts: { version?: string; faults?: BoardFault[]; secret?: string; downloadTimeoutMs?: number } = {}) {
  agent = new AliyunOtaAgent({ mqttUrl, productKey: PK, deviceName: DN, deviceSecret: opts.secret ?? SECRET, progressEvery: 25, downloadTimeoutMs: opts.downloadTimeoutMs ?? 5000 });
  const b = new VirtualBoard({ link: join(dir, `board-${Date.now()}`), version: opts.version ?? '1.0.0', logPeriodMs: 0, color: false, faults: opts.faults, agents: [agent], bootDelayMs: 10 });
  board = b; // stopped after each test, also when start() fails
  const println = b.println.bind(b);
  b.println = (text: string) => {
    serial.push(text);
    return println(text);
  };
  await b.start();
  return { board: b, agent };
}

const push = (data: Record<string, unknown>) =>
  new Promise<void>((resolve) => broker.publish({ topic: topics.upgrade, payload: Buffer.from(JSON.stringify({ code: '1000', data, id: Date.now(), message: 'success' })), qos: 1, retain: false, cmd: 'publish', dup: false }, () => resolve()));

function image(version: string, bytes = 200_000): { url: string; data: Buffer; md5: string; sha256: string } {
  const data = Buffer.concat([Buffer.from(`FW_VERSION=${version}\n`), randomBytes(bytes)]);
  const name = `/fw-${version}-${images.size}.bin`;
  images.set(name, data);
  return { url: `${filesUrl}${name}`, data, md5: createHash('md5').update(data).digest('hex'), sha256: createHash('sha256').update(data).digest('hex') };
}

async function until<T>(what: string, get: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; reports ${JSON.stringify(agent?.reports)}; serial:\n${serial.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const progressOf = (reports: AgentReport[]) => reports.filter((r): r is Extract<AgentReport, { kind: 'progress' }> => r.kind === 'progress');
const failed = () => progressOf(agent!.reports).find((r) => r.step < 0);
const informs = () => seen.filter((s) => s.topic === topics.inform).map((s) => (s.payload.params as { version: string }).version);

describe('aliyun board agent (aedes + HTTP files + a real pty board)', function () {
  this.timeout(30_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-ali-agent-'));
    const { Aedes } = await import('aedes');
    broker = (await Aedes.createBroker({
      authenticate: (client: { id: string }, username: string, password: Buffer, cb: (e: Error | null, ok: boolean) => void) => {
        const r = checkAlinkLogin({ clientId: client.id, username, password }, (pk, dn) => (pk === PK && dn === DN ? SECRET : undefined));
        logins.push(r.ok ? { ok: true } : { ok: false, reason: r.reason });
        if (r.ok) cb(null, true);
        else cb(Object.assign(new Error(r.reason), { returnCode: 4 }), false);
      },
    } as never)) as unknown as Broker;
    broker.on('publish', ((packet: { topic: string; payload: Buffer }, client: unknown) => {
      if (client && packet.topic.startsWith('/')) seen.push({ topic: packet.topic, payload: JSON.parse(packet.payload.toString()) });
    }) as never);
    mqttServer = createServer((s) => broker.handle(s));
    await new Promise<void>((r) => mqttServer.listen(0, '127.0.0.1', r));
    mqttUrl = `mqtt://127.0.0.1:${(mqttServer.address() as AddressInfo).port}`;
    files = createHttpServer((req, res) => {
      const data = images.get(req.url ?? '');
      if (!data) return res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      res.writeHead(200, { 'content-length': String(data.length) });
      res.end(data);
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => files.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => mqttServer.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    seen.length = 0;
    logins.length = 0;
    serial = [];
  });

  afterEach(async () => {
    await board?.stop();
    board = undefined;
    agent = undefined;
  });

  it('logs in with the Alink HMAC password, reports its version and asks for a pending package', async () => {
    await bench({ version: '1.0.0' });
    assert.deepStrictEqual(logins, [{ ok: true }]);
    await until('the version report', () => informs().length > 0);
    assert.deepStrictEqual(informs(), ['1.0.0']);
    await until('the firmware get', () => seen.some((s) => s.topic === topics.firmwareGet && s.payload.method === 'thing.ota.firmware.get'));
  });

  it('a wrong device secret: the broker refuses the login and the board does not start its agent', async () => {
    await assert.rejects(bench({ secret: 'wrong' }), /Not authorized|Bad username|refused|password/i);
    assert.strictEqual(logins[0].ok, false);
    assert.match(logins[0].reason ?? '', /bad password/);
  });

  it('Md5 push: progress 25..100, download / sign verified / flashing / banner on serial, then informs the new version', async () => {
    const { board: b, agent: a } = await bench({ version: '1.0.0' });
    await until('connected', () => informs().length === 1);
    const img = image('2.0.0');
    await push({ size: img.data.length, version: '2.0.0', url: img.url, sign: img.md5, signMethod: 'Md5', md5: img.md5 });
    await until('the new version report', () => informs().includes('2.0.0'));
    const steps = progressOf(a.reports).map((r) => r.step);
    assert.ok(steps.length >= 2 && steps.every((s, i) => s >= 1 && s <= 100 && (i === 0 || s > steps[i - 1])), `steps ${steps}`);
    assert.strictEqual(steps.at(-1), 100);
    assert.strictEqual(b.version, '2.0.0');
    const text = serial.join('\n');
    for (const re of [/upgrade to v2\.0\.0: \d+ bytes, sign Md5/, /download \d+%/, /sign verified \(Md5 /, /flashing v2\.0\.0 and rebooting/, /rst:0xc \(SW_CPU_RESET\)/, /firmware version 2\.0\.0/]) assert.match(text, re);
    assert.ok(text.indexOf('sign verified') < text.lastIndexOf('firmware version 2.0.0'));
    // the progress topic carried the steps as strings, as the Link SDK sends them
    const wire = seen.filter((s) => s.topic === topics.progress).map((s) => (s.payload.params as { step: string }).step);
    assert.deepStrictEqual(wire, steps.map(String));
  });

  it('SHA256 push verifies with SHA-256', async () => {
    const { board: b } = await bench({ version: '1.0.0' });
    await until('connected', () => informs().length === 1);
    const img = image('2.1.0');
    await push({ size: img.data.length, version: '2.1.0', url: img.url, sign: img.sha256.toUpperCase(), signMethod: 'SHA256' });
    await until('the new version report', () => informs().includes('2.1.0'));
    assert.strictEqual(b.version, '2.1.0');
    assert.match(serial.join('\n'), /sign verified \(SHA256 /);
  });

  it('a sign that does not match: step -3 with the reason, nothing installed', async () => {
    const { board: b } = await bench({ version: '1.0.0' });
    await until('connected', () => informs().length === 1);
    const img = image('3.0.0');
    await push({ size: img.data.length, version: '3.0.0', url: img.url, sign: 'ab'.repeat(16), signMethod: 'Md5' });
    const f = await until('a failure step', failed);
    assert.strictEqual(f.step, -3);
    assert.match(f.desc ?? '', /sign mismatch \(Md5\): the image hashes to [0-9a-f]{32}, the push says abab/);
    const wire = await until('-3 on the progress topic', () => seen.find((s) => s.topic === topics.progress && (s.payload.params as { step: string }).step === '-3'));
    assert.match((wire.payload.params as { desc: string }).desc, /sign mismatch/);
    assert.strictEqual(b.version, '1.0.0');
    assert.match(serial.join('\n'), /upgrade failed \(step -3\): sign mismatch/);
    assert.deepStrictEqual(informs(), ['1.0.0']);
  });

  it('fault bad-signature: a correct sign still fails verification (-3)', async () => {
    await bench({ faults: ['bad-signature'] });
    await until('connected', () => informs().length === 1);
    const img = image('3.1.0');
    await push({ size: img.data.length, version: '3.1.0', url: img.url, sign: img.md5, signMethod: 'Md5' });
    assert.strictEqual((await until('a failure step', failed)).step, -3);
  });

  it('a download that fails (404) or stalls: step -2 with the reason', async () => {
    await bench({ faults: ['download-timeout'], downloadTimeoutMs: 400 });
    await until('connected', () => informs().length === 1);
    await push({ size: 10, version: '4.0.0', url: `${filesUrl}/missing.bin`, sign: 'x', signMethod: 'Md5' });
    const f = await until('a failure step', failed);
    assert.strictEqual(f.step, -2);
    assert.match(f.desc ?? '', /HTTP 404 NoSuchKey/);
    await until('the agent to be idle again', () => agent!.busyWith === undefined || undefined);
    agent!.reports.length = 0;
    const img = image('4.0.1');
    await push({ size: img.data.length, version: '4.0.1', url: img.url, sign: img.md5, signMethod: 'Md5' });
    const g = await until('the stall failure', failed);
    assert.strictEqual(g.step, -2);
    assert.match(g.desc ?? '', /timed out after 0 s without data|timed out/);
    assert.match(serial.join('\n'), /download stalled at/);
  });

  it('fault reject: step -1; fault crash-on-boot: step -4 and the old version reported again', async () => {
    await bench({ version: '1.0.0', faults: ['reject'] });
    await until('connected', () => informs().length === 1);
    const img = image('5.0.0');
    await push({ size: img.data.length, version: '5.0.0', url: img.url, sign: img.md5, signMethod: 'Md5' });
    const r = await until('a failure step', failed);
    assert.strictEqual(r.step, -1);
    assert.match(r.desc ?? '', /refused/);
    await board!.stop();
    seen.length = 0;
    serial = [];

    const { board: b } = await bench({ version: '1.0.0', faults: ['crash-on-boot'] });
    await until('connected', () => informs().length === 1);
    const img2 = image('5.1.0');
    await push({ size: img2.data.length, version: '5.1.0', url: img2.url, sign: img2.md5, signMethod: 'Md5' });
    const c = await until('a failure step', failed);
    assert.strictEqual(c.step, -4);
    assert.match(c.desc ?? '', /v5\.1\.0 crashed on boot; rolled back to v1\.0\.0/);
    assert.strictEqual(b.version, '1.0.0');
    assert.deepStrictEqual(informs(), ['1.0.0', '1.0.0']);
    assert.match(serial.join('\n'), /Guru Meditation Error/);
  });
});
