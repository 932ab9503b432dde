// Small formatting helpers of the rollout pane (durations, clock times, status words).
import type { ReleaseView } from '../../src/shared/protocol';

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m} min ${s} s` : `${m} min`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall-clock time with milliseconds, as the log pane shows it. */
export function clock(t: number | undefined): string {
  if (t === undefined) return '';
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Wall-clock time to the second, for narrow table cells (the row's tooltip has milliseconds). */
export function clockShort(t: number | undefined): string {
  return clock(t).slice(0, 8);
}

/** Neutral execution statuses in the order the stacked bar draws them (finished first). */
export const BAR_ORDER = ['succeeded', 'failed', 'rejected', 'timed-out', 'canceled', 'removed', 'in-progress', 'notified', 'queued', 'unknown'] as const;

export const STATUS_LABEL: Record<string, string> = {
  queued: 'Queued',
  notified: 'Notified',
  'in-progress': 'In progress',
  succeeded: 'Succeeded',
  failed: 'Failed',
  'timed-out': 'Timed out',
  rejected: 'Rejected',
  canceled: 'Canceled',
  removed: 'Removed',
  unknown: 'Unknown',
};

/** "progress=42, step=download" for an execution's status details, the reason first. */
export function detailsText(details: Record<string, string> | undefined): string {
  if (!details) return '';
  const entries = Object.entries(details);
  entries.sort(([a], [b]) => (a === 'reason' ? -1 : b === 'reason' ? 1 : 0));
  return entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/**
 * The release's note without what the failed step and the verdict already say ("\"Verdict\" failed:
 * <reason>" is shown once, by them): only what it adds, e.g. what was left on the cloud.
 */
export function noteBeyondReason(r: ReleaseView): string {
  let note = r.note ?? '';
  const failed = r.steps.find((s) => s.status === 'failed' || s.status === 'canceled');
  if (failed?.reason) note = note.replace(`"${failed.title}" failed: ${failed.reason}`, '');
  for (const reason of r.verdict?.result === 'failed' ? r.verdict.reasons : []) note = note.replace(reason, '');
  return note.trim();
}
