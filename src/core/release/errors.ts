// A step's failure as the user reads it: what went wrong and what to do. Any other error is turned
// into one of these (CloudError keeps its hint; SigningError and VersionError too).

import { isCloudError, isNamedError } from '../errors';
import type { StepId } from './types';

export class StepFailure extends Error {
  constructor(
    message: string,
    readonly action: string,
    /** Where a re-run starts when not at the failed step itself (a failed verdict restarts the verify job). */
    readonly resumeAt?: StepId,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Thrown by resume when the artifact changed since the release started: resuming would publish something else. */
export class StaleReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleReleaseError';
  }
}

/** The user (or the editor) stopped the run, as opposed to something failing. */
export function isCancel(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (isCloudError(e)) return e.code === 'canceled';
  const err = e as { name?: string; code?: string; canceled?: boolean } | undefined;
  return err?.name === 'AbortError' || err?.code === 'ABORT_ERR' || err?.code === 'aborted' || err?.canceled === true;
}

/** The reason and action for any error a step throws. */
export function explain(e: unknown, fallbackAction: string): { reason: string; action: string } {
  if (isNamedError<StepFailure>(e, 'StepFailure')) return { reason: e.message, action: e.action };
  const err = e as { message?: string; hint?: string };
  const reason = err?.message ? String(err.message) : String(e);
  return { reason, action: err?.hint ? String(err.hint) : fallbackAction };
}

export function abortError(): Error {
  const e = new Error('The release was cancelled.');
  e.name = 'AbortError';
  return e;
}
