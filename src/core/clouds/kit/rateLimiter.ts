// Documented per-action QPS limits (Alibaba IoT: 10/s by default, 20/s for Query*, 5/s for
// CancelOTATaskByJob). A token bucket per action whose tokens come back one second (plus a little
// slack) after they were taken: a burst may use the whole second's allowance at once, and no 1 s
// window ever holds more calls than the limit, also as the cloud counts them, after requests crossed
// the network at slightly different speeds. Waiters of one action go in turn (first come, first served).

import { realClock, type Clock } from './clock';

export interface QpsLimits {
  /** Calls per second for any action not named below. */
  default: number;
  /** Exact action names. */
  actions?: Record<string, number>;
  /** Action name prefixes ("Query" → QueryOTAJob, QueryOTAFirmware); the longest match wins. */
  prefixes?: Record<string, number>;
}

export function qpsOf(limits: QpsLimits, action: string): number {
  const exact = limits.actions?.[action];
  if (exact !== undefined) return exact;
  let best: [string, number] | undefined;
  for (const [p, q] of Object.entries(limits.prefixes ?? {})) if (action.startsWith(p) && (!best || p.length > best[0].length)) best = [p, q];
  return best ? best[1] : limits.default;
}

const WINDOW_MS = 1000;
/** Extra wait before a token comes back: transit times differ, the cloud counts arrivals. */
export const RATE_SLACK_MS = 100;

export class RateLimiter {
  private readonly taken = new Map<string, number[]>();
  private readonly queue = new Map<string, Promise<void>>();

  constructor(
    private readonly limits: QpsLimits,
    private readonly clock: Clock = realClock,
    private readonly slackMs = RATE_SLACK_MS,
  ) {
    for (const q of [limits.default, ...Object.values(limits.actions ?? {}), ...Object.values(limits.prefixes ?? {})]) {
      if (!(Number.isInteger(q) && q >= 1)) throw new RangeError(`QPS limits must be whole numbers ≥ 1 (got ${q})`);
    }
  }

  /** Resolves when `action` may be called (at once while its allowance lasts). */
  take(action: string, signal?: AbortSignal): Promise<void> {
    const turn = (this.queue.get(action) ?? Promise.resolve()).then(() => this.wait(action, signal));
    this.queue.set(action, turn.catch(() => undefined));
    return turn;
  }

  private async wait(action: string, signal?: AbortSignal): Promise<void> {
    const qps = qpsOf(this.limits, action);
    const log = this.taken.get(action) ?? [];
    this.taken.set(action, log);
    for (;;) {
      if (signal?.aborted) throw Object.assign(new Error('Rate limiter wait aborted.'), { name: 'AbortError' });
      const now = this.clock.now();
      const back = WINDOW_MS + this.slackMs;
      while (log.length && log[0] <= now - back) log.shift();
      if (log.length < qps) {
        log.push(now);
        return;
      }
      await this.clock.sleep(log[0] + back - now, signal);
    }
  }
}
