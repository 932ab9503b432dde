// The virtual board's Huawei IoTDA OTA client, as a device on IoTDA's MQTT system topics
// (cloud-apis.md §2.8; HW-DOC-3009 connect, -3028..3031 OTA): it connects with the documented
// credentials (client id {device_id}_0_{0|1}_{YYYYMMDDHH}, password HMAC-SHA256 of the secret keyed
// by the hour), subscribes to `$oc/devices/{device_id}/sys/events/down`, answers `version_query`
// with `version_report`, and on `firmware_upgrade_v2` (or the other upgrade events) downloads the
// package over HTTP, checks its size and SHA-256 against `sign`, reports `upgrade_progress_report`
// (progress, result_code) on `…/events/up`, installs and reboots through the board (serial: the
// download, the verification with the task id, the reset, the banner with the new version), then
// reports result_code 0 with the new version and a `version_report`.
// Board faults: bad-signature (→ result_code 7), download-timeout (→ 6), crash-on-boot (→ 10,
// rolled back), reject (→ 8).
//
//   --agent huawei:mqttUrl=mqtt://127.0.0.1:1883,deviceId=prod_bench-1,secret=…[,bytesPerSecond=2000000]

import { createHash } from 'crypto';
import mqtt, { type MqttClient } from 'mqtt';
import {
  downTopic,
  mqttCredentials,
  otaMessage,
  otaServices,
  RESULT,
  resultText,
  upTopic,
  type OtaEventType,
  type ProgressParas,
  type UpgradeParas,
} from '../../../../src/core/clouds/huawei/device';
import type { BoardHandle, CloudAgent } from '../agent';
import { download, DownloadTimeout } from '../download';
import { imageVersion } from '../flashProtocol';

export interface HuaweiAgentOptions {
  mqttUrl: string;
  deviceId: string;
  /** The device secret registered on IoTDA. */
  secret: string;
  /** Sign type 1: the platform also checks the timestamp (default 0). */
  checkTimestamp?: boolean;
  /** No data for this long → result_code 6 (the 'download-timeout' fault waits this long). */
  downloadTimeoutMs?: number;
  /** Pace the download (bytes/s) so progress is visible in a demo; unpaced when absent. */
  bytesPerSecond?: number;
  /** Report progress every N percent. */
  progressStep?: number;
}

const UPGRADE_EVENTS: readonly string[] = ['firmware_upgrade_v2', 'software_upgrade_v2', 'firmware_upgrade', 'software_upgrade'];


class UpgradeFailed extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class HuaweiOtaAgent implements CloudAgent {
  readonly cloud = 'huawei' as const;
  private client: MqttClient | undefined;
  private board!: BoardHandle;
  private busy: string | undefined;
  private stopped = false;
  private abort = new AbortController();
  /** Every event the agent published (tests read it). */
  readonly reports: { event_type: OtaEventType; paras: Record<string, unknown> }[] = [];
  readonly opts: Required<Omit<HuaweiAgentOptions, 'bytesPerSecond'>> & Pick<HuaweiAgentOptions, 'bytesPerSecond'>;

  constructor(opts: HuaweiAgentOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as HuaweiAgentOptions;
    this.opts = { checkTimestamp: false, downloadTimeoutMs: 10_000, progressStep: 25, ...given };
  }

  async start(board: BoardHandle): Promise<void> {
    this.board = board;
    this.stopped = false;
    this.abort = new AbortController();
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    const { deviceId, secret, checkTimestamp, mqttUrl } = this.opts;
    const cred = mqttCredentials(deviceId, secret, new Date(), checkTimestamp);
    const client = mqtt.connect(mqttUrl, { ...cred, reconnectPeriod: 500, connectTimeout: 5000, clean: true });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (e) => this.board.log('W', 'mqtt', `connection error: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (e) => {
        void client.endAsync(true).catch(() => undefined);
        reject(e);
      });
    });
    await client.subscribeAsync(downTopic(deviceId), { qos: 1 });
    this.board.log('I', 'mqtt', `connected to ${mqttUrl} as ${cred.clientId}`);
    // A device reports its version when it comes up, so the platform knows what it runs.
    this.publish('version_report', { fw_version: this.board.version, sw_version: this.board.version });
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private publish(event: OtaEventType, paras: Record<string, unknown>): void {
    this.reports.push({ event_type: event, paras });
    this.client?.publish(upTopic(this.opts.deviceId), JSON.stringify(otaMessage(this.opts.deviceId, event, paras)), { qos: 1 });
  }

  private progress(p: ProgressParas): void {
    this.publish('upgrade_progress_report', { ...p });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== downTopic(this.opts.deviceId)) return;
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString());
    } catch {
      this.board.log('W', 'ota', `ignored a message that is not JSON on ${topic}`);
      return;
    }
    for (const s of otaServices(msg)) {
      if (s.event_type === 'version_query') this.publish('version_report', { fw_version: this.board.version, sw_version: this.board.version });
      else if (UPGRADE_EVENTS.includes(s.event_type)) void this.onUpgrade(s.event_type, s.paras as unknown as UpgradeParas);
    }
  }

  private async onUpgrade(event: string, p: UpgradeParas): Promise<void> {
    const task = p.task_id ?? '(no task id)';
    if (this.stopped) return;
    if (this.busy) {
      this.board.log('W', 'ota', `task ${task}: busy with task ${this.busy}; refusing`);
      this.progress({ result_code: RESULT.inUse, progress: 0, version: this.board.version, description: `busy with task ${this.busy}` });
      return;
    }
    this.busy = task;
    let end: ProgressParas;
    try {
      end = await this.upgrade(event, task, p);
    } catch (err) {
      const code = err instanceof UpgradeFailed ? err.code : RESULT.internal;
      const why = (err as Error).message;
      if (!this.stopped) this.board.log('E', 'ota', `task ${task}: ${why}; ${resultText(code)}`);
      end = { result_code: code, progress: 0, version: this.board.version, description: why };
    } finally {
      // Idle before the final report: the platform may send the next task as soon as it hears it.
      this.busy = undefined;
    }
    if (this.stopped) return;
    this.progress(end);
    if (end.result_code === RESULT.success) {
      this.publish('version_report', { fw_version: this.board.version, sw_version: this.board.version });
      this.board.log('I', 'ota', `task ${task}: now running v${this.board.version}`);
    }
  }

  /** Runs one upgrade; resolves with the final report, throws UpgradeFailed with its result_code. */
  private async upgrade(event: string, task: string, p: UpgradeParas): Promise<ProgressParas> {
    const board = this.board;
    const size = Number(p.file_size);
    board.log('I', 'ota', `task ${task}: ${event} to v${p.version}, ${p.file_name ?? 'package'} ${size} bytes`);
    if (board.faults.has('reject')) throw new UpgradeFailed(RESULT.unsupported, 'rejected by the device (fault "reject")');
    if (typeof p.url !== 'string' || !/^https?:\/\//.test(p.url)) throw new UpgradeFailed(RESULT.unsupported, 'no http(s) url in the upgrade notification');
    if (typeof p.sign !== 'string' || !/^[0-9a-fA-F]{64}$/.test(p.sign)) throw new UpgradeFailed(RESULT.verifyFailed, 'the notification has no SHA-256 sign to check the package against');
    if (!Number.isInteger(size) || size <= 0) throw new UpgradeFailed(RESULT.unsupported, 'file_size missing from the notification');

    const oldVersion = board.version;
    this.progress({ result_code: RESULT.success, progress: 0, version: oldVersion, description: 'downloading' });
    board.log('I', 'ota', `task ${task}: downloading ${size} bytes from ${new URL(p.url).host}`);
    const image = await this.download(task, p, size, oldVersion);
    board.log('I', 'ota', `task ${task}: downloaded ${image.length} bytes`);
    if (image.length !== size) throw new UpgradeFailed(RESULT.verifyFailed, `size mismatch: got ${image.length} bytes, file_size says ${size}`);

    let sha = createHash('sha256').update(image).digest('hex');
    if (board.faults.has('bad-signature')) sha = (sha[0] === '0' ? '1' : '0') + sha.slice(1);
    if (sha !== p.sign.toLowerCase()) {
      throw new UpgradeFailed(RESULT.verifyFailed, `sha256 mismatch: package ${sha.slice(0, 16)}…, sign ${p.sign.slice(0, 16).toLowerCase()}…`);
    }
    board.log('I', 'ota', `task ${task}: sha256 verified (${sha.slice(0, 16)}…)`);

    // The image says what it is; the platform then compares that with the package version.
    const newVersion = imageVersion(image) ?? p.version;
    board.log('I', 'ota', `task ${task}: installing v${newVersion} and rebooting`);
    await this.disconnect();
    const booted = await board.installAndReboot(image, newVersion);
    if (this.stopped) throw new UpgradeFailed(RESULT.internal, 'the board stopped');
    await this.connect();
    if (!booted) throw new UpgradeFailed(RESULT.installFailed, `v${newVersion} crashed on boot; rolled back to v${oldVersion}`);
    return { result_code: RESULT.success, progress: 100, version: board.version, description: 'upgrade succeeded' };
  }

  private async download(task: string, p: UpgradeParas, size: number, version: string): Promise<Buffer> {
    let reported = 0;
    try {
      return await download(p.url, {
        size,
        timeoutMs: this.opts.downloadTimeoutMs,
        bytesPerSecond: this.opts.bytesPerSecond,
        stall: this.board.faults.has('download-timeout'),
        signal: this.abort.signal,
        headers: p.access_token ? { Authorization: `Bearer ${p.access_token}` } : undefined,
        onStall: (got) => this.board.log('W', 'ota', `task ${task}: download stalled at ${got}/${size} bytes`),
        onData: (got) => {
          const pct = Math.min(100, Math.floor((got / size) * 100));
          if (pct - reported < this.opts.progressStep || pct >= 100) return;
          reported = pct;
          this.board.log('I', 'ota', `task ${task}: downloaded ${pct}%`);
          this.progress({ result_code: RESULT.success, progress: pct, version, description: 'downloading' });
        },
      });
    } catch (e) {
      if (e instanceof DownloadTimeout) throw new UpgradeFailed(RESULT.downloadTimeout, `download ${e.message}`);
      throw new UpgradeFailed(RESULT.internal, `download failed: ${(e as Error).message}`);
    }
  }
}

/** `--agent huawei:mqttUrl=…,deviceId=…,secret=…[,checkTimestamp=1,bytesPerSecond=…,downloadTimeoutMs=…]` */
export function createAgent(options: Record<string, string>): CloudAgent {
  if (!options.mqttUrl || !options.deviceId || !options.secret) throw new Error('the huawei agent needs mqttUrl=…, deviceId=… and secret=…');
  const num = (k: string) => (options[k] !== undefined ? Number(options[k]) : undefined);
  return new HuaweiOtaAgent({
    mqttUrl: options.mqttUrl,
    deviceId: options.deviceId,
    secret: options.secret,
    checkTimestamp: options.checkTimestamp === '1' || options.checkTimestamp === 'true',
    downloadTimeoutMs: num('downloadTimeoutMs'),
    bytesPerSecond: num('bytesPerSecond'),
    progressStep: num('progressStep'),
  });
}
