// Pacing for watches: request starts spaced to a rate (RequestSpacer), and the poll interval's
// back-off (Backoff): each retryable failure (throttled, unavailable) doubles it up to a cap, each
// success halves it back toward the base, and too many failures in a row end the watch.

import { CloudError, isCloudError, type CloudErrorShape } from '../../errors';
import { realClock, type Clock } from './clock';

export const MAX_BACKOFF_MS = 30_000;
export const MAX_FAILURES = 8;

/** Spaces request starts at least `gapMs` apart (1000 / requests per second). */
export class RequestSpacer {
  private next = 0;
  constructor(
    private readonly gapMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  async wait(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gapMs;
    if (at > now) await this.clock.sleep(at - now, signal);
  }
}

export interface BackoffOptions {
  /** Longest interval a back-off reaches. */
  maxMs?: number;
  /** Consecutive failures tolerated; the next one gives up. */
  maxFailures?: number;
}

export class Backoff {
  private failures = 0;
  private interval: number;

  /** `base` is read on every success: a watch can change its pace (fleet → one device). */
  constructor(
    private readonly base: () => number,
    private readonly opts: BackoffOptions = {},
  ) {
    this.interval = base();
  }

  /** The current poll interval. */
  get delayMs(): number {
    return this.interval;
  }

  succeeded(): void {
    this.failures = 0;
    this.interval = Math.max(this.base(), Math.floor(this.interval / 2));
  }

  /** A retryable failure: true = retry after `delayMs` (now doubled); false = too many in a row, give up. */
  failed(): boolean {
    if (++this.failures > (this.opts.maxFailures ?? MAX_FAILURES)) return false;
    this.interval = Math.min(this.opts.maxMs ?? MAX_BACKOFF_MS, this.interval * 2);
    return true;
  }

  /**
   * A watch's failed tick, one rule for every cloud: 'stop' when the watch was cancelled; throws
   * when the error is not retryable or failures ran out; otherwise the error (wait `delayMs`, retry).
   */
  tickFailed(e: unknown, signal?: AbortSignal): 'stop' | CloudErrorShape {
    const err = isCloudError(e) ? e : new CloudError(String(e), 'unknown');
    if (signal?.aborted || err.code === 'canceled') return 'stop';
    if (!err.retryable || !this.failed()) throw err;
    return err;
  }
}
