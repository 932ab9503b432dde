// One way to call a cloud: every call has a label ("Listing jobs"), a deadline and the caller's
// cancellation, and every failure leaves as a CloudError (the cloud's own mapper classifies it).
// An endpoint that accepts the connection and never answers ends as 'unavailable' when the
// deadline passes, naming the endpoint and the time waited, instead of leaving the caller pending.

import { CloudError, isCloudError, type CloudErrorShape } from '../../errors';

/** Default deadline of one call (all its retries included). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** A profile's `callTimeoutSeconds` as a deadline in ms: clamped to 1–600 s; 30 s when absent or not a positive number. */
export function callTimeoutFromSeconds(seconds: unknown): number {
  const s = Number(seconds);
  return Number.isFinite(s) && s > 0 ? Math.min(600, Math.max(1, s)) * 1000 : DEFAULT_CALL_TIMEOUT_MS;
}

/** Turns anything a cloud client threw into a CloudError that says what was being done. */
export type ClassifyError = (e: unknown, what: string) => CloudErrorShape;

export interface CallOptions {
  /** What is being done, for messages: "Listing jobs", "Creating verify job j-1". */
  what: string;
  classify: ClassifyError;
  /** Where the call goes (shown when it times out). */
  endpoint?: string;
  /** Deadline in ms; 0 = none (long transfers rely on their socket's idle timeout instead). */
  timeoutMs?: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

/** The CloudError for a call that got no answer in time. */
export function timeoutError(what: string, timeoutMs: number, endpoint?: string): CloudError {
  const where = endpoint ? ` ${endpoint}` : ' the endpoint';
  return new CloudError(
    `${what}:${where} did not answer within ${seconds(timeoutMs)}.`,
    'unavailable',
    `Check the endpoint${endpoint ? ` (${endpoint})` : ''} in the profile, the network and any proxy, then retry.`,
    'Timeout',
    true,
  );
}

export const cancelledError = (what: string) => new CloudError(`${what}: cancelled.`, 'canceled');

/**
 * Runs `fn` with a signal that aborts on the caller's cancel or at the deadline (pass it to the
 * client: `client.send(cmd, { abortSignal })`). Settles by the deadline even if `fn` ignores the
 * signal. Rejects only with a CloudError.
 */
export async function callCloud<T>(opts: CallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { what, signal: outer } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  if (outer?.aborted) throw cancelledError(what);
  const deadline = new AbortController();
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  let timedOut = false;
  const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), deadline.abort()), timeoutMs) : undefined;
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  stopped.catch(() => undefined);
  try {
    return await Promise.race([fn(signal), stopped]);
  } catch (e) {
    if (timedOut) throw timeoutError(what, timeoutMs, opts.endpoint);
    if (outer?.aborted) throw cancelledError(what);
    throw isCloudError(e) ? e : opts.classify(e, what);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
