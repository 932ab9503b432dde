// How cloud objects look in the tree: icon + colour per status, one-line descriptions, tooltip
// fields. Pure data (no `vscode` import) so the choices are unit-tested; nodes turn them into
// ThemeIcon / MarkdownString.

import { descriptorOf } from '../../core/clouds/registry';
import type { Details, Execution, ExecutionStatus, Job, JobStatus, Package, PackageVersion, VersionStatus } from '../../core/model';

/** A codicon id and an optional theme colour id. */
export interface Look {
  icon: string;
  color?: string;
}

const GREEN = 'charts.green';
const RED = 'charts.red';
const YELLOW = 'charts.yellow';
const BLUE = 'charts.blue';
const GREY = 'disabledForeground';

export const VERSION_LOOK: Record<VersionStatus, Look> = {
  draft: { icon: 'circle-large-outline', color: YELLOW },
  published: { icon: 'pass', color: GREEN },
  deprecated: { icon: 'archive', color: GREY },
  unverified: { icon: 'circle-large-outline', color: YELLOW },
  'verify-not-needed': { icon: 'pass', color: GREEN },
  verifying: { icon: 'sync~spin', color: BLUE },
  verified: { icon: 'verified', color: GREEN },
  'verify-failed': { icon: 'error', color: RED },
  unknown: { icon: 'question' },
};

export const JOB_LOOK: Record<JobStatus, Look> = {
  scheduled: { icon: 'clock', color: YELLOW },
  'in-progress': { icon: 'sync~spin', color: BLUE },
  completed: { icon: 'pass', color: GREEN },
  // Ended, but with failed devices: never the green of a success.
  failed: { icon: 'error', color: RED },
  partial: { icon: 'warning', color: YELLOW },
  canceled: { icon: 'circle-slash', color: GREY },
  deleting: { icon: 'trash', color: GREY },
  unknown: { icon: 'question' },
};

export const EXECUTION_LOOK: Record<ExecutionStatus, Look> = {
  queued: { icon: 'clock' },
  notified: { icon: 'bell', color: YELLOW },
  'in-progress': { icon: 'sync~spin', color: BLUE },
  succeeded: { icon: 'pass', color: GREEN },
  failed: { icon: 'error', color: RED },
  'timed-out': { icon: 'watch', color: RED },
  rejected: { icon: 'thumbsdown', color: RED },
  canceled: { icon: 'circle-slash', color: GREY },
  removed: { icon: 'trash', color: GREY },
  unknown: { icon: 'question' },
};

export const lookOfVersion = (s: VersionStatus): Look => VERSION_LOOK[s] ?? VERSION_LOOK.unknown;
export const lookOfJob = (s: JobStatus): Look => JOB_LOOK[s] ?? JOB_LOOK.unknown;
export const lookOfExecution = (s: ExecutionStatus): Look => EXECUTION_LOOK[s] ?? EXECUTION_LOOK.unknown;

/** Local date and time to the minute, e.g. "2025-11-22 14:05" (sortable, no locale surprises). */
export function formatWhen(d?: Date): string {
  if (!d || Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

const join = (...parts: (string | undefined)[]) => parts.filter((p) => p).join(' · ');

export function describePackage(p: Package): string {
  return join(p.defaultVersion ? `default ${p.defaultVersion}` : undefined, formatWhen(p.updatedAt ?? p.createdAt));
}

export function describeVersion(v: PackageVersion): string {
  return join(v.rawStatus, formatWhen(v.updatedAt ?? v.createdAt));
}

export function describeJob(j: Job): string {
  return join(j.rawStatus, j.kind === 'verify' ? 'verify' : undefined, formatWhen(j.completedAt ?? j.updatedAt ?? j.createdAt));
}

/** Status, download progress or the device's reason, then the time of the last change. */
export function describeExecution(e: Execution): string {
  const extra = e.progress !== undefined && e.status === 'in-progress' ? `${Math.round(e.progress)}%` : e.reason;
  return join(e.rawStatus, extra?.trim(), formatWhen(e.updatedAt ?? e.startedAt ?? e.queuedAt));
}

export type Field = [label: string, value: string | number | boolean | undefined];

/** What the cloud calls its resource names ("ARN"); a neutral word where it has none. */
const refLabel = (o: { cloud: Package['cloud'] }) => descriptorOf(o.cloud).nouns.cloudRef ?? 'Cloud reference';

export function packageFields(p: Package): Field[] {
  return [['Package', p.name], ['Id', p.id !== p.name ? p.id : undefined], [refLabel(p), p.cloudRef], ['Description', p.description],
    ['Default version', p.defaultVersion], ['Created', formatWhen(p.createdAt)], ['Updated', formatWhen(p.updatedAt)], ...detailFields(p.details)];
}

export function versionFields(v: PackageVersion): Field[] {
  return [['Version', v.version], ['Package', v.packageId], ['Status', v.rawStatus], [refLabel(v), v.cloudRef],
    ['Created', formatWhen(v.createdAt)], ['Updated', formatWhen(v.updatedAt)], ...detailFields(v.details)];
}

export function jobFields(j: Job): Field[] {
  return [['Job', j.id], ['Status', j.rawStatus], ['Kind', j.kind], [refLabel(j), j.cloudRef], ['Description', j.description],
    ['Created', formatWhen(j.createdAt)], ['Updated', formatWhen(j.updatedAt)], ['Completed', formatWhen(j.completedAt)], ...detailFields(j.details)];
}

export function executionFields(e: Execution): Field[] {
  const sd = Object.entries(e.statusDetails ?? {}).map(([k, v]): Field => [`Status detail ${k}`, v]);
  return [['Target', e.target], ['Job', e.jobId], ['Status', e.rawStatus], ['Execution number', e.executionNumber],
    ['Progress', e.progress !== undefined ? `${Math.round(e.progress)}%` : undefined], ...sd,
    ['Queued', formatWhen(e.queuedAt)], ['Started', formatWhen(e.startedAt)], ['Updated', formatWhen(e.updatedAt)], ...detailFields(e.details)];
}

function detailFields(d?: Details): Field[] {
  return Object.entries(d ?? {}).map(([k, v]) => [k, v]);
}

/** Backslash-escapes everything Markdown could read as syntax (device/cloud strings are untrusted). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&').replace(/\r?\n/g, ' ');
}

/** "**Label:** value" lines for a tooltip, empty values left out, every value escaped. */
export function fieldsMarkdown(fields: Field[]): string {
  return fields
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `**${escapeMarkdown(k)}:** ${escapeMarkdown(String(v))}`)
    .join('  \n');
}
