// The virtual board's Alibaba IoT OTA client, modelled on the Link SDK's OTA (cloud-apis.md §3.4):
// it logs in over MQTT with its device secret, reports its version on `/ota/device/inform/…`,
// takes pushes on `/ota/device/upgrade/…` (and asks `thing.ota.firmware.get` after each boot),
// downloads over HTTP, checks the size and `sign` (Md5 or SHA256), reports `/ota/device/progress/…`
// steps 1..100 or -1 upgrade / -2 download / -3 verification / -4 flash failed with a `desc`,
// installs and reboots through the board (boot banner with the new version on serial), and then
// informs the new version, which is what marks the task SUCCEEDED on the platform.
// Fault switches on the board: bad-signature, download-timeout, crash-on-boot, reject.
//
//   --agent aliyun:mqttUrl=mqtt://127.0.0.1:1883,productKey=a1Bench,deviceName=bench-1,deviceSecret=…[,bytesPerSecond=…]

import { createHash } from 'crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { BoardHandle, CloudAgent } from '../agent';
import { download } from '../download';
import { imageVersion } from '../flashProtocol';
import { alinkLogin } from '../../aliyun-emulator/alinkAuth';
import { deviceTopics, type UpgradePush } from '../../../../src/core/clouds/aliyun/wire';

export interface AliyunAgentOptions {
  mqttUrl: string;
  productKey: string;
  deviceName: string;
  /** Signs the MQTT login; without it the agent logs in with the username only. */
  deviceSecret?: string;
  /** Report download progress every N percent. */
  progressEvery?: number;
  /** No data for this long → download failed (and the 'download-timeout' fault waits this long). */
  downloadTimeoutMs?: number;
  /** Pace the download (bytes/s) so progress is visible in a demo; unpaced when absent. */
  bytesPerSecond?: number;
}

type Push = UpgradePush['data'];

/** What the agent published, in order (tests read it). */
export type AgentReport = { kind: 'inform'; version: string } | { kind: 'progress'; step: number; desc?: string } | { kind: 'get' };

class Stopped extends Error {}

export class AliyunOtaAgent implements CloudAgent {
  readonly cloud = 'aliyun' as const;
  private client: MqttClient | undefined;
  private board!: BoardHandle;
  private busy: string | undefined;
  private ids = 0;
  private stopped = false;
  readonly reports: AgentReport[] = [];
  readonly opts: Required<Omit<AliyunAgentOptions, 'bytesPerSecond' | 'deviceSecret'>> & Pick<AliyunAgentOptions, 'bytesPerSecond' | 'deviceSecret'>;
  private readonly topics: ReturnType<typeof deviceTopics>;

  constructor(opts: AliyunAgentOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as AliyunAgentOptions;
    this.opts = { progressEvery: 10, downloadTimeoutMs: 10_000, ...given };
    this.topics = deviceTopics(opts.productKey, opts.deviceName);
  }

  /** The version being installed, if any (a device takes one upgrade at a time). */
  get busyWith(): string | undefined {
    return this.busy;
  }

  async start(board: BoardHandle): Promise<void> {
    this.board = board;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.disconnect();
  }

  /** `ask`: after boot, also ask for a pending package (not after a rollback: the failure comes first). */
  private async connect(ask = true): Promise<void> {
    const { productKey, deviceName, deviceSecret } = this.opts;
    const login = deviceSecret ? alinkLogin({ productKey, deviceName, deviceSecret }) : { clientId: `${productKey}.${deviceName}|securemode=3|`, username: `${deviceName}&${productKey}`, password: '' };
    const client = mqtt.connect(this.opts.mqttUrl, { ...login, reconnectPeriod: 500, connectTimeout: 5000, clean: true });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (e) => this.board.log('W', 'mqtt', `connection error: ${e.message}`));
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
    } catch (e) {
      this.client = undefined;
      await client.endAsync(true).catch(() => undefined);
      throw e;
    }
    await client.subscribeAsync([this.topics.upgrade, this.topics.firmwareGetReply], { qos: 1 });
    this.board.log('I', 'mqtt', `connected to ${this.opts.mqttUrl} as ${deviceName}&${productKey}`);
    // As the Link SDK does after boot: report the running version, then ask for a pending package.
    await this.inform(this.board.version);
    if (!ask) return;
    this.reports.push({ kind: 'get' });
    await client.publishAsync(this.topics.firmwareGet, JSON.stringify({ id: this.id(), version: '1.0', params: {}, method: 'thing.ota.firmware.get' }), { qos: 1 });
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private id(): string {
    return String(++this.ids);
  }

  private async inform(version: string): Promise<void> {
    this.reports.push({ kind: 'inform', version });
    await this.client?.publishAsync(this.topics.inform, JSON.stringify({ id: this.id(), params: { version } }), { qos: 1 });
  }

  private async progress(step: number, desc?: string): Promise<void> {
    if (this.stopped) throw new Stopped('agent stopped');
    this.reports.push({ kind: 'progress', step, desc });
    const params: Record<string, string> = { step: String(step) };
    if (desc) params.desc = desc;
    await this.client?.publishAsync(this.topics.progress, JSON.stringify({ id: this.id(), params }), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let msg: { code?: string | number; data?: Partial<Push> };
    try {
      msg = JSON.parse(payload.toString());
    } catch {
      this.board.log('W', 'ota', `ignored a message on ${topic} that is not JSON`);
      return;
    }
    if (topic !== this.topics.upgrade && topic !== this.topics.firmwareGetReply) return;
    const d = msg.data;
    if (!d || typeof d.url !== 'string' || !d.version) return; // `data:{}`: nothing pending
    if (this.busy) {
      this.board.log('W', 'ota', `busy with v${this.busy}; ignoring the push of v${d.version}`);
      return;
    }
    void this.run(d as Push);
  }

  private async fail(step: -1 | -2 | -3 | -4, desc: string): Promise<void> {
    this.board.log('E', 'ota', `upgrade failed (step ${step}): ${desc}`);
    await this.progress(step, desc);
  }

  private async run(p: Push): Promise<void> {
    this.busy = p.version;
    try {
      await this.upgrade(p);
    } catch (e) {
      if (!(e instanceof Stopped)) this.board.log('E', 'ota', `the OTA client crashed: ${(e as Error).message}`);
    } finally {
      this.busy = undefined;
    }
  }

  private async upgrade(p: Push): Promise<void> {
    const board = this.board;
    board.log('I', 'ota', `upgrade to v${p.version}: ${p.size} bytes, sign ${p.signMethod}`);
    if (board.faults.has('reject')) return this.fail(-1, 'the device refused this update (fault "reject")');
    if (p.signMethod !== 'Md5' && p.signMethod !== 'SHA256') return this.fail(-3, `unsupported signMethod "${p.signMethod}" (Md5 or SHA256)`);
    let image: Buffer;
    try {
      image = await this.download(p);
    } catch (e) {
      if (e instanceof Stopped) throw e;
      return this.fail(-2, `download failed: ${(e as Error).message}`);
    }
    if (image.length !== p.size) return this.fail(-2, `download failed: got ${image.length} bytes, the push says ${p.size}`);
    board.log('I', 'ota', `downloaded ${image.length} bytes`);

    // 'bad-signature': the board hashes what it would flash, so a flipped byte shows as a mismatch.
    const checked = board.faults.has('bad-signature') ? Buffer.from(image.map((b, i) => (i === 0 ? b ^ 0x01 : b))) : image;
    const digest = createHash(p.signMethod === 'Md5' ? 'md5' : 'sha256').update(checked).digest('hex');
    if (digest !== String(p.sign).toLowerCase()) {
      return this.fail(-3, `sign mismatch (${p.signMethod}): the image hashes to ${digest}, the push says ${p.sign}`);
    }
    board.log('I', 'ota', `sign verified (${p.signMethod} ${digest.slice(0, 16)}…)`);

    const oldVersion = board.version;
    const newVersion = imageVersion(image) ?? p.version;
    board.log('I', 'ota', `flashing v${newVersion} and rebooting`);
    // Reboot: the MQTT session goes down with the old image and comes back with the new one.
    await this.disconnect();
    const booted = await board.installAndReboot(image, newVersion);
    if (this.stopped) return;
    // Reconnecting informs the running version (see connect): the new one marks success.
    await this.connect(booted);
    if (!booted) return this.fail(-4, `v${newVersion} crashed on boot; rolled back to v${oldVersion}`);
    board.log('I', 'ota', `running v${board.version}; reported to the platform`);
  }

  private async download(p: Push): Promise<Buffer> {
    let reported = 0;
    const image = await download(p.url, {
      size: p.size,
      timeoutMs: this.opts.downloadTimeoutMs,
      bytesPerSecond: this.opts.bytesPerSecond,
      stall: this.board.faults.has('download-timeout'),
      onStall: (got) => this.board.log('W', 'ota', `download stalled at ${got}/${p.size} bytes`),
      onData: async (got) => {
        const pct = Math.min(100, Math.floor((got / Math.max(1, p.size)) * 100));
        if (pct < 1 || pct - reported < this.opts.progressEvery) return;
        reported = pct;
        this.board.log('I', 'ota', `download ${pct}%`);
        await this.progress(pct);
      },
    });
    if (reported < 100 && image.length === p.size) await this.progress(100);
    return image;
  }
}

/** `--agent aliyun:mqttUrl=…,productKey=…,deviceName=…[,deviceSecret=…,bytesPerSecond=…,downloadTimeoutMs=…]` */
export function createAgent(options: Record<string, string>): CloudAgent {
  if (!options.mqttUrl || !options.productKey || !options.deviceName) throw new Error('the aliyun agent needs mqttUrl=…, productKey=… and deviceName=…');
  const num = (k: string) => (options[k] !== undefined ? Number(options[k]) : undefined);
  return new AliyunOtaAgent({
    mqttUrl: options.mqttUrl,
    productKey: options.productKey,
    deviceName: options.deviceName,
    deviceSecret: options.deviceSecret,
    progressEvery: num('progressEvery'),
    downloadTimeoutMs: num('downloadTimeoutMs'),
    bytesPerSecond: num('bytesPerSecond'),
  });
}
