// The IoTDA v5 REST client: every call signed (SDK-HMAC-SHA256 or V11-HMAC-SHA256 as the endpoint
// needs, X-Project-Id, Instance-Id, X-Security-Token), through the provider kit's callCloud (a
// deadline and the caller's cancel on every call, failures as CloudError), with back-off on 429
// and 5xx. Creates are not resent after a reply that may have been lost: the caller looks for what
// it created (by task_name, by version) instead, so nothing is made twice.

import { request as httpRequest, Agent as HttpAgent } from 'http';
import { request as httpsRequest, Agent as HttpsAgent } from 'https';
import { callCloud } from '../kit/call';
import { sleep } from '../kit/clock';
import { huaweiClassifier, IotdaHttpError } from './errors';
import { buildQuery, sign, type AkSk, type SignAlgorithm } from './sign';
import { isIoTDAErrorBody } from './wire';

export interface IotdaClientOptions {
  endpoint: string;
  region: string;
  projectId: string;
  instanceId?: string;
  credentials: AkSk & { source: 'env' | 'secrets' };
  algorithm: SignAlgorithm;
  /** Deadline of one call, retries included (default 30 s). */
  timeoutMs?: number;
  /** Attempts of a call that may be repeated safely (default 3). */
  maxAttempts?: number;
  /** First back-off pause in ms (doubles per attempt). */
  backoffMs?: number;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * A create (CreateOtaPackage, CreateBatchTask): resent only after 429 (the platform refused it
   * unseen); a 5xx or a dropped connection may hide a success, so it is the caller's to look.
   */
  create?: boolean;
}

export class IotdaClient {
  private readonly classify;

  constructor(readonly opts: IotdaClientOptions) {
    this.classify = huaweiClassifier({ keysFrom: opts.credentials.source });
  }

  get endpoint(): string {
    return this.opts.endpoint;
  }

  /** One API call: `path` from wire.ts PATHS; the parsed JSON reply (undefined for 204). */
  request<T>(what: string, method: string, path: string, o: RequestOptions = {}): Promise<T> {
    return callCloud({ what, classify: this.classify, endpoint: this.endpoint, timeoutMs: this.opts.timeoutMs, signal: o.signal }, async (signal) => {
      const attempts = this.opts.maxAttempts ?? 3;
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.once<T>(method, path, o, signal);
        } catch (e) {
          const status = e instanceof IotdaHttpError ? e.status : 0;
          const again = o.create ? status === 429 : status === 429 || status >= 500 || status === 0;
          if (!again || attempt >= attempts || signal.aborted) throw e;
          await sleep((this.opts.backoffMs ?? 250) * 2 ** (attempt - 1), signal);
        }
      }
    });
  }

  private async once<T>(method: string, path: string, o: RequestOptions, signal: AbortSignal): Promise<T> {
    const q = o.query ? buildQuery(o.query) : '';
    const url = `${this.endpoint}${path}${q ? `?${q}` : ''}`;
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
    const signed = sign({ method, url, headers, body }, this.opts.credentials, { algorithm: this.opts.algorithm, region: this.opts.region, projectId: this.opts.projectId, instanceId: this.opts.instanceId });
    const { host: _host, ...send } = signed.headers; // fetch sets Host itself (the same value)
    void _host;
    const res = await send1(url, { method, headers: send, body, signal });
    const text = res.text;
    const requestId = res.requestId;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status < 200 || res.status > 299) {
      if (isIoTDAErrorBody(json)) throw new IotdaHttpError(res.status, json.error_code, json.error_msg, requestId);
      throw new IotdaHttpError(res.status, `HTTP ${res.status}`, text.slice(0, 200) || `HTTP ${res.status}`, requestId);
    }
    return json as T;
  }
}

// node:http rather than fetch: already loaded (fetch's first use loads undici, ~100 ms on a cold
// tree expansion), and keep-alive sockets shared by the profile's calls.
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 8 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 8 }) };

function send1(url: string, o: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }): Promise<{ status: number; text: string; requestId?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const tls = u.protocol === 'https:';
    const req = (tls ? httpsRequest : httpRequest)(u, { method: o.method, headers: o.body === undefined ? o.headers : { ...o.headers, 'Content-Length': String(Buffer.byteLength(o.body)) }, agent: tls ? agents.https : agents.http, signal: o.signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), requestId: [res.headers['x-request-id']].flat()[0] }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('socket hang up: the reply was cut off')));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}
