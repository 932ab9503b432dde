// The virtual board's AWS IoT OTA client, modelled on the FreeRTOS OTA agent: it takes jobs over
// MQTT (`$aws/things/<thing>/jobs/…`), downloads the image over HTTP from the presigned URL in the
// `afr_ota` document, checks size, SHA-256 and the signature (`sig-sha256-ecdsa` / `-rsa`) against
// the certificate the board trusts, reports `receive: "n/m"` and `self_test: ready|active`,
// installs and reboots through the board (banner with the new version on its serial port), and
// ends with SUCCEEDED (`reason: "accepted  v1.2.3"`) or FAILED/REJECTED with the reason.
// Fault switches on the board: bad-signature, download-timeout, crash-on-boot, reject.
//
//   --agent aws:mqttUrl=mqtt://127.0.0.1:1883,thingName=bench-board-01[,bytesPerSecond=2000000]

import { createHash } from 'crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { BoardHandle, CloudAgent } from '../agent';
import { download, DownloadTimeout } from '../download';
import { imageVersion } from '../flashProtocol';
import { verifySignature } from '../../../../src/core/signing/verify';

export interface AwsAgentOptions {
  mqttUrl: string;
  thingName: string;
  /** Download block size used for `receive` progress (the agent's HTTP block). */
  blockSize?: number;
  /** Report progress every N blocks (otaconfigOTA_UPDATE_STATUS_FREQUENCY). */
  statusEvery?: number;
  /** No data for this long → the download fails (and the 'download-timeout' fault waits this long). */
  downloadTimeoutMs?: number;
  /** Pace the download (bytes/s) so progress is visible in a demo; unpaced when absent. */
  bytesPerSecond?: number;
  /** How long to wait for `/update/accepted`. */
  replyTimeoutMs?: number;
}

type Execution = {
  jobId: string;
  status: string;
  statusDetails?: Record<string, string>;
  executionNumber?: number;
  versionNumber?: number;
  jobDocument?: { afr_ota?: AfrOta };
};

type AfrOta = {
  protocols?: string[];
  files?: Record<string, unknown>[];
};

class JobAborted extends Error {}

/** FreeRTOS packs versions as major<<24 | minor<<16 | build; `updatedBy` carries it in hex. */
export function packedVersion(v: string): string {
  const [maj = 0, min = 0, build = 0] = v.split(/[.+-]/).map((x) => parseInt(x, 10) || 0);
  const packed = (((maj & 0xff) << 24) | ((min & 0xff) << 16) | (build & 0xffff)) >>> 0;
  return `0x${packed.toString(16)}`;
}

/** The inverse of packedVersion: "0x1000000" → "1.0.0". */
export function unpackedVersion(hex: string): string {
  const n = parseInt(hex, 16) >>> 0;
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${n & 0xffff}`;
}

export class AwsJobsAgent implements CloudAgent {
  readonly cloud = 'aws' as const;
  private client: MqttClient | undefined;
  private board!: BoardHandle;
  private busy: string | undefined;
  private tokens = 0;
  private waiting = new Map<string, { resolve: (ok: boolean) => void; reject: (e: Error) => void }>();
  /** Set between "self_test: ready" and the self-test after the reboot. */
  private selfTest: { jobId: string; newVersion: string; oldVersion: string; booted: boolean } | undefined;
  private stopped = false;
  /** Every update the agent sent (tests read it). */
  readonly reports: { jobId: string; status: string; statusDetails: Record<string, string> }[] = [];
  readonly opts: Required<Omit<AwsAgentOptions, 'bytesPerSecond'>> & Pick<AwsAgentOptions, 'bytesPerSecond'>;

  constructor(opts: AwsAgentOptions) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as AwsAgentOptions;
    this.opts = { blockSize: 4096, statusEvery: 64, downloadTimeoutMs: 10_000, replyTimeoutMs: 10_000, ...given };
  }

  private get base(): string {
    return `$aws/things/${this.opts.thingName}/jobs`;
  }

  async start(board: BoardHandle): Promise<void> {
    this.board = board;
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = mqtt.connect(this.opts.mqttUrl, { clientId: this.opts.thingName, reconnectPeriod: 500, connectTimeout: 5000, clean: true });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', (e) => this.board.log('W', 'mqtt', `connection error: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync([`${this.base}/notify-next`, `${this.base}/$next/get/+`, `${this.base}/+/update/+`], { qos: 1 });
    this.board.log('I', 'mqtt', `connected to ${this.opts.mqttUrl} as ${this.opts.thingName}`);
    this.requestNext();
  }

  private async disconnect(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiting.values()) w.reject(new JobAborted('agent stopped'));
    this.waiting.clear();
    await this.disconnect();
  }

  private token(): string {
    return `${++this.tokens}:${this.opts.thingName}`;
  }

  private requestNext(): void {
    this.client?.publish(`${this.base}/$next/get`, JSON.stringify({ clientToken: this.token() }), { qos: 1 });
  }

  private onMessage(topic: string, payload: Buffer): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (topic.endsWith('/update/accepted') || topic.endsWith('/update/rejected')) {
      const w = this.waiting.get(String(msg.clientToken));
      if (!w) return;
      this.waiting.delete(String(msg.clientToken));
      if (topic.endsWith('accepted')) w.resolve(true);
      else w.reject(new JobAborted(`update rejected: ${msg.code} ${msg.message ?? ''}`.trim()));
      return;
    }
    if (topic.endsWith('/notify-next') || topic.endsWith('/$next/get/accepted')) {
      const e = msg.execution as Execution | undefined;
      if (e) void this.onExecution(e);
    }
  }

  /** Sends UpdateJobExecution and waits for accepted (throws JobAborted when rejected, e.g. canceled). */
  private report(jobId: string, status: string, statusDetails: Record<string, string>): Promise<boolean> {
    const client = this.client;
    if (!client) return Promise.reject(new JobAborted('not connected'));
    const clientToken = this.token();
    this.reports.push({ jobId, status, statusDetails });
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(clientToken);
        reject(new JobAborted(`no reply to the ${status} update within ${this.opts.replyTimeoutMs} ms`));
      }, this.opts.replyTimeoutMs);
      this.waiting.set(clientToken, {
        resolve: (ok) => (clearTimeout(timer), resolve(ok)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      client.publish(`${this.base}/${jobId}/update`, JSON.stringify({ status, statusDetails, clientToken }), { qos: 1 });
    });
  }

  private async onExecution(e: Execution): Promise<void> {
    const afr = e.jobDocument?.afr_ota;
    if (!afr || this.stopped) return;
    const st = this.selfTest;
    if (st && st.jobId === e.jobId && e.statusDetails?.self_test === 'ready') {
      if (!st.booted) return; // still rebooting
      this.selfTest = undefined;
      return this.finishSelfTest(e.jobId, st);
    }
    // A board process restarted into the new image knows the job only from its status details, as
    // the FreeRTOS agent does after a real reset: not the version it was updated from, so run the self-test.
    const from = e.statusDetails?.updatedBy;
    if (!st && e.statusDetails?.self_test === 'ready' && from && from !== packedVersion(this.board.version)) {
      return this.finishSelfTest(e.jobId, { newVersion: this.board.version, oldVersion: unpackedVersion(from) });
    }
    if (this.busy) return;
    this.busy = e.jobId;
    try {
      await this.runJob(e, afr);
    } catch (err) {
      if (err instanceof JobAborted) this.board.log('W', 'ota', `job ${e.jobId} stopped: ${err.message}`);
      else this.board.log('E', 'ota', `job ${e.jobId} crashed the agent: ${(err as Error).message}`);
    } finally {
      this.busy = undefined;
    }
  }

  private async fail(jobId: string, reason: string, status: 'FAILED' | 'REJECTED' = 'FAILED'): Promise<void> {
    this.board.log('E', 'ota', `${status === 'REJECTED' ? 'rejecting' : 'failing'} job ${jobId}: ${reason}`);
    await this.report(jobId, status, { reason });
  }

  private async runJob(e: Execution, afr: AfrOta): Promise<void> {
    const board = this.board;
    const file = afr.files?.[0] ?? {};
    const size = Number(file.filesize);
    const blocks = Math.max(1, Math.ceil(size / this.opts.blockSize));
    board.log('I', 'ota', `job ${e.jobId}: ${file.filepath ?? 'image'} ${size} bytes (${blocks} blocks) via ${(afr.protocols ?? []).join('/') || '?'}`);
    if (board.faults.has('reject')) return this.fail(e.jobId, 'rejected: the device refused this update (fault "reject")', 'REJECTED');
    if (!(afr.protocols ?? []).includes('HTTP') || typeof file.update_data_url !== 'string') return this.fail(e.jobId, 'rejected: this board downloads over HTTP only (no update_data_url)');
    const sigKey = Object.keys(file).find((k) => /^sig-sha256-(ecdsa|rsa)$/.test(k));
    if (!sigKey) {
      const other = Object.keys(file).find((k) => k.startsWith('sig-'));
      return this.fail(e.jobId, `rejected: no signature under sig-sha256-ecdsa${other ? ` (found "${other}": check hashAlgorithm is SHA256)` : ''}`);
    }
    if (!Number.isInteger(size) || size <= 0) return this.fail(e.jobId, 'rejected: filesize missing from the job document');

    await this.report(e.jobId, 'IN_PROGRESS', { receive: `0/${blocks}` });
    let image: Buffer;
    try {
      image = await this.download(e.jobId, String(file.update_data_url), size, blocks);
    } catch (err) {
      if (err instanceof JobAborted) throw err;
      return this.fail(e.jobId, `download failed: ${(err as Error).message}`);
    }
    if (image.length !== size) return this.fail(e.jobId, `size mismatch: got ${image.length} bytes, the job says ${size}`);
    const sha = createHash('sha256').update(image).digest('hex');
    board.log('I', 'ota', `downloaded ${image.length} bytes, sha256 ${sha.slice(0, 16)}…`);

    let signature = Buffer.from(String(file[sigKey]), 'base64');
    if (board.faults.has('bad-signature')) signature = Buffer.from(signature.map((b, i) => (i === 8 ? b ^ 0x01 : b)));
    if (!board.trustedKeyPem) return this.fail(e.jobId, 'signature check failed: the board has no trusted code-signing certificate');
    if (!verifySignature(image, signature, board.trustedKeyPem)) {
      return this.fail(e.jobId, `signature check failed (${sigKey}, certfile ${file.certfile ?? 'built-in'}): the image was not signed by the trusted key`);
    }
    board.log('I', 'ota', `signature verified (${sigKey}, certfile ${file.certfile ?? 'built-in'})`);

    const oldVersion = board.version;
    const newVersion = imageVersion(image) ?? /(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/.exec(String(file.filepath ?? ''))?.[1] ?? 'unknown';
    await this.report(e.jobId, 'IN_PROGRESS', { self_test: 'ready', updatedBy: packedVersion(oldVersion) });
    // Reboot: the MQTT session goes down with the old image and comes back with the new one.
    const st = { jobId: e.jobId, newVersion, oldVersion, booted: false };
    this.selfTest = st;
    await this.disconnect();
    const booted = await board.installAndReboot(image, newVersion);
    if (this.stopped) return;
    if (!booted) {
      this.selfTest = undefined;
      await this.connect();
      return this.fail(e.jobId, `self-test failed: v${newVersion} crashed on boot; rolled back to v${oldVersion}`);
    }
    st.booted = true;
    // The new image reconnects and asks for its pending job; the self-test runs when it arrives.
    await this.connect();
  }

  private async finishSelfTest(jobId: string, st: { newVersion: string; oldVersion: string }): Promise<void> {
    try {
      this.board.log('I', 'ota', `self-test of v${st.newVersion} passed`);
      await this.report(jobId, 'IN_PROGRESS', { self_test: 'active', updatedBy: packedVersion(st.oldVersion) });
      await this.report(jobId, 'SUCCEEDED', { reason: `accepted  v${st.newVersion}`, updatedBy: `  v${st.oldVersion}` });
      this.board.log('I', 'ota', `job ${jobId} accepted: now running v${st.newVersion}`);
    } catch (err) {
      this.board.log('W', 'ota', `job ${jobId}: ${(err as Error).message}`);
    }
  }

  private async download(jobId: string, url: string, size: number, blocks: number): Promise<Buffer> {
    let reported = 0;
    let image: Buffer;
    try {
      image = await download(url, {
        size,
        timeoutMs: this.opts.downloadTimeoutMs,
        bytesPerSecond: this.opts.bytesPerSecond,
        stall: this.board.faults.has('download-timeout'),
        onStall: (got) => this.board.log('W', 'ota', `download stalled at ${got}/${size} bytes`),
        onData: async (got) => {
          const done = Math.min(blocks, Math.floor(got / this.opts.blockSize));
          if (done - reported < this.opts.statusEvery) return;
          reported = done;
          this.board.log('I', 'ota', `received ${done}/${blocks} blocks`);
          await this.report(jobId, 'IN_PROGRESS', { receive: `${done}/${blocks}` });
        },
      });
    } catch (e) {
      // The FreeRTOS agent counts in blocks.
      if (e instanceof DownloadTimeout) throw new Error(`timed out after ${Math.round(this.opts.downloadTimeoutMs / 1000)} s without data at ${Math.floor(e.got / this.opts.blockSize)}/${blocks} blocks`);
      throw e;
    }
    if (reported < blocks) await this.report(jobId, 'IN_PROGRESS', { receive: `${blocks}/${blocks}` });
    return image;
  }
}

/** `--agent aws:mqttUrl=…,thingName=…[,bytesPerSecond=…,downloadTimeoutMs=…]` */
export function createAgent(options: Record<string, string>): CloudAgent {
  if (!options.mqttUrl || !options.thingName) throw new Error('the aws agent needs mqttUrl=… and thingName=…');
  const num = (k: string) => (options[k] !== undefined ? Number(options[k]) : undefined);
  return new AwsJobsAgent({
    mqttUrl: options.mqttUrl,
    thingName: options.thingName,
    blockSize: num('blockSize'),
    statusEvery: num('statusEvery'),
    downloadTimeoutMs: num('downloadTimeoutMs'),
    bytesPerSecond: num('bytesPerSecond'),
  });
}
