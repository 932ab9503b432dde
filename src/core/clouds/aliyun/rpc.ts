// A small RPC client for the IoT Platform OpenAPI (2018-01-20): signs each call with sign.ts,
// sends `POST /?<params>` with an empty body, and turns the three ways Alibaba reports failure
// into one error shape: HTTP 200 with `Success:false`, a 4xx/5xx JSON `{Code, Message}`, and a
// body that is not JSON. Every call has a timeout and honours an AbortSignal.

import { request as httpRequest, type IncomingMessage } from 'http';
import { request as httpsRequest } from 'https';
import { IOT_API_VERSION, signRpc, type AliyunCredentials } from './sign';

/** Everything that went wrong in a call, with Alibaba's own Code and RequestId when it gave them. */
export interface AliyunApiErrorShape extends Error {
  name: 'AliyunApiError';
  /** Alibaba's Code (`Throttling.User`, `iot.system.SystemException`), or ours: `InvalidResponse`, `Timeout`, `Network`, `Aborted`. */
  code: string;
  action: string;
  requestId?: string;
  /** HTTP status; 200 for `Success:false`; undefined when no response came. */
  httpStatus?: number;
}

export class AliyunApiError extends Error implements AliyunApiErrorShape {
  declare name: 'AliyunApiError';
  constructor(
    message: string,
    readonly code: string,
    readonly action: string,
    readonly requestId?: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'AliyunApiError';
  }
}

/** By shape, so it holds across bundles. */
export function isAliyunApiError(e: unknown): e is AliyunApiErrorShape {
  const x = e as Partial<AliyunApiErrorShape> | undefined;
  return !!x && typeof x === 'object' && x.name === 'AliyunApiError' && typeof x.code === 'string' && typeof x.action === 'string';
}

export interface RpcClientOptions {
  /** `https://iot.cn-shanghai.aliyuncs.com` or, for an emulator, `http://127.0.0.1:PORT`. */
  endpoint: string;
  /** Asked before every call, so refreshed STS tokens are picked up. */
  credentials: () => Promise<AliyunCredentials>;
  /** Per call; default 30 s; 0 = none. */
  timeoutMs?: number;
  version?: string;
  userAgent?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Alibaba's success envelope; action payloads extend it (wire.ts). */
export interface RpcEnvelope {
  RequestId?: string;
  Success?: boolean;
  Code?: string;
  ErrorMessage?: string;
}

export class RpcClient {
  private readonly url: URL;
  constructor(private readonly opts: RpcClientOptions) {
    this.url = new URL(opts.endpoint);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:') throw new Error(`The Alibaba endpoint must be an http(s) URL, not "${opts.endpoint}".`);
  }

  get endpoint(): string {
    return this.url.origin;
  }

  /** Calls `action` with business `params`; resolves with the body when `Success` is not false. */
  async call<T extends RpcEnvelope = RpcEnvelope>(action: string, params: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    const creds = await this.opts.credentials();
    const signed = signRpc({ action, host: this.url.host, params, credentials: creds, version: this.opts.version ?? IOT_API_VERSION });
    const headers = { ...signed.headers, 'user-agent': this.opts.userAgent ?? 'ota-bench', 'content-length': '0' };
    const { status, text } = await this.send(action, signed.path, headers, options);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      const snippet = text.replace(/\s+/g, ' ').slice(0, 120);
      throw new AliyunApiError(`${action}: the endpoint ${this.url.origin} answered HTTP ${status} with a body that is not JSON${snippet ? ` ("${snippet}")` : ''}. Check the endpoint (region) setting.`, 'InvalidResponse', action, undefined, status);
    }
    const b = (body && typeof body === 'object' ? body : {}) as RpcEnvelope & { Message?: string; message?: string; Code?: string; code?: string };
    if (status >= 400) {
      const code = String(b.Code ?? b.code ?? `HTTP${status}`);
      const msg = String(b.Message ?? b.message ?? b.ErrorMessage ?? 'no message');
      throw new AliyunApiError(`${action} failed: ${code}: ${msg}${b.RequestId ? ` (RequestId ${b.RequestId})` : ''}`, code, action, b.RequestId, status);
    }
    if (b.Success === false) {
      const code = String(b.Code ?? 'UnknownError');
      throw new AliyunApiError(`${action} failed: ${code}: ${b.ErrorMessage ?? 'no message'}${b.RequestId ? ` (RequestId ${b.RequestId})` : ''}`, code, action, b.RequestId, status);
    }
    return b as T;
  }

  private send(action: string, path: string, headers: Record<string, string>, options: CallOptions): Promise<{ status: number; text: string }> {
    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs ?? 30_000;
    const request = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new AliyunApiError(`${action} was cancelled.`, 'Aborted', action));
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const req = request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port || undefined, method: 'POST', path, headers },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
          res.on('error', (e) => finish(() => reject(new AliyunApiError(`${action}: the response broke off: ${e.message}`, 'Network', action))));
        },
      );
      // 0 = no timeout of its own (callCloud's deadline aborts through the signal).
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              finish(() => reject(new AliyunApiError(`${action}: no answer from ${this.url.origin} within ${Math.round(timeoutMs / 1000)} s.`, 'Timeout', action)));
              req.destroy();
            }, timeoutMs)
          : undefined;
      const onAbort = () => {
        finish(() => reject(new AliyunApiError(`${action} was cancelled.`, 'Aborted', action)));
        req.destroy();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => finish(() => reject(new AliyunApiError(`${action}: cannot reach ${this.url.origin}: ${e.message}`, 'Network', action))));
      req.end();
    });
  }
}
