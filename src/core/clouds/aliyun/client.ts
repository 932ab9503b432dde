// One typed way to call the IoT Platform OTA actions: the profile's IotInstanceId added to every
// request, the documented QPS per action (kit RateLimiter), a throttling reply retried after a
// growing pause, and the kit's callCloud around it all (deadline, caller's cancel, CloudError).

import { callCloud } from '../kit/call';
import { realClock, type Clock } from '../kit/clock';
import { RateLimiter } from '../kit/rateLimiter';
import type { CloudErrorShape } from '../../errors';
import { aliyunClassifier } from './errors';
import { QPS_LIMITS } from './limits';
import { RpcClient, isAliyunApiError } from './rpc';
import type { AliyunCredentials } from './sign';
import type { OtaAction, OtaActions } from './wire';

export interface AliyunOtaClientOptions {
  /** `https://iot.<region>.aliyuncs.com`, or an emulator's `http://127.0.0.1:PORT`. */
  endpoint: string;
  credentials: () => Promise<AliyunCredentials>;
  iotInstanceId?: string;
  /** Deadline of one call, its throttling retries included (kit default when absent). */
  timeoutMs?: number;
  /** Shared by every client of one account: the QPS quota is per account. */
  limiter?: RateLimiter;
  clock?: Clock;
  /** Throttling replies retried per call before giving up (default 4: 0.5, 1, 2, 4 s). */
  throttleRetries?: number;
}

export interface OtaCallOptions {
  /** What is being done, for messages ("Listing firmware"). */
  what: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

type Request<A extends OtaAction> = Omit<OtaActions[A][0], 'IotInstanceId'>;

const THROTTLE_BASE_MS = 500;

export class AliyunOtaClient {
  readonly rpc: RpcClient;
  readonly limiter: RateLimiter;
  private readonly clock: Clock;
  private readonly classify: (e: unknown, what: string) => CloudErrorShape;

  constructor(private readonly opts: AliyunOtaClientOptions) {
    this.rpc = new RpcClient({ endpoint: opts.endpoint, credentials: opts.credentials, timeoutMs: opts.timeoutMs });
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.limiter ?? new RateLimiter(QPS_LIMITS, this.clock);
    this.classify = aliyunClassifier({ iotInstanceId: opts.iotInstanceId });
  }

  get endpoint(): string {
    return this.rpc.endpoint;
  }

  call<A extends OtaAction>(action: A, request: Request<A>, o: OtaCallOptions): Promise<OtaActions[A][1]> {
    const params: Record<string, unknown> = { ...request };
    if (this.opts.iotInstanceId) params.IotInstanceId = this.opts.iotInstanceId;
    return callCloud({ what: o.what, classify: this.classify, endpoint: this.endpoint, timeoutMs: o.timeoutMs ?? this.opts.timeoutMs, signal: o.signal }, async (signal) => {
      for (let attempt = 0; ; attempt++) {
        await this.limiter.take(action, signal);
        try {
          return await this.rpc.call<OtaActions[A][1]>(action, params, { signal, timeoutMs: 0 });
        } catch (e) {
          const throttled = isAliyunApiError(e) && this.classify(e, o.what).code === 'throttled';
          if (!throttled || attempt >= (this.opts.throttleRetries ?? 4) || signal.aborted) throw e;
          await this.clock.sleep(THROTTLE_BASE_MS * 2 ** attempt, signal);
        }
      }
    });
  }
}
