// What Confirm Waiting Devices did, in one message: how many devices start, and each refused one
// with the cloud's reason (a cloud string: one line each, cut short, a few at most; the log has all).

import type { Nouns } from './descriptor';
import type { JobConfirmation } from './provider';

/** Refused devices named in the message; the rest are counted. */
export const FAILURES_SHOWN = 5;
const REASON_MAX = 200;

export function confirmationText(r: JobConfirmation, nouns: Pick<Nouns, 'device' | 'devices' | 'job'>, jobId: string): string {
  const n = r.confirmed.length;
  const started = `Confirmed ${n} ${n === 1 ? nouns.device : nouns.devices} of ${nouns.job} ${jobId}${n ? ': they start the update when online.' : '.'}`;
  if (!r.failed.length) return started;
  const named = r.failed.slice(0, FAILURES_SHOWN).map((f) => `${f.target}: ${f.reason.replace(/\s+/g, ' ').trim().slice(0, REASON_MAX)}`);
  const more = r.failed.length > FAILURES_SHOWN ? `; and ${r.failed.length - FAILURES_SHOWN} more (see the OTA Bench log)` : '';
  return `${started} ${r.failed.length} could not be confirmed: ${named.join('; ')}${more}.`;
}
