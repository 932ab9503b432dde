// "Save Verify Bundle": what a bug report about a verify run needs, as plain files in one folder
// (no zip): the release record, the job's snapshots, the job document, the serial log and the
// timeline, plus a summary. Pure Node (no `vscode`).
import { mkdir, writeFile } from 'fs/promises';
import { join } from 'path';
import type { ReleaseRecord, SerialLine } from './types';
import { stripAnsi } from '../serial/line';
import type { RolloutView, TimelineEntry } from '../../shared/protocol';

export interface BundleInput {
  record: ReleaseRecord;
  snapshots: RolloutView[];
  serial: SerialLine[];
  timeline: TimelineEntry[];
  jobDocument?: string;
  /** Masks anything secret-looking (the log channel's redact). */
  redact?: (s: string) => string;
  now?: number;
}

const iso = (t: number) => new Date(t).toISOString();
const DIR: Record<string, string> = { rx: ' ', tx: '>', sys: '#' };

export function bundleFolderName(r: ReleaseRecord, now: number): string {
  const stamp = iso(now).replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return `ota-bench-verify-${safe(r.config.packageName)}-${safe(r.version?.value ?? 'unknown')}-${stamp}`;
}

export function bundleSummary(r: ReleaseRecord): string {
  const lines = [
    `OTA Bench verify bundle`,
    ``,
    `Release    ${r.id} (${r.status})`,
    `Profile    ${r.config.profile} (${r.config.cloud})`,
    `Package    ${r.config.packageName} ${r.version?.value ?? ''}`,
    `Job        ${r.job?.id ?? '(none)'}${r.job?.arn ? ` ${r.job.arn}` : ''}`,
    `Verdict    ${r.verdict ? r.verdict.result.toUpperCase() : '(none)'}`,
    ...(r.verdict?.reasons ?? []).map((x) => `           ${x}`),
    ``,
    `Steps`,
    ...r.steps.map((s) => `  ${s.status.padEnd(8)} ${s.id.padEnd(13)} ${s.durationMs !== undefined ? `${s.durationMs} ms`.padStart(9) : ''.padStart(9)}  ${s.summary ?? s.reason ?? ''}`),
    ...(r.note ? [``, `Note: ${r.note}`] : []),
    ``,
    `Files: release.json (the record), job-snapshots.json, job-document.json, serial.log, timeline.log`,
  ];
  return lines.join('\n') + '\n';
}

/** Writes the bundle under `dir` in a new folder; returns its path and the files written. */
export async function writeVerifyBundle(dir: string, input: BundleInput): Promise<{ folder: string; files: string[] }> {
  const redact = input.redact ?? ((s: string) => s);
  const folder = join(dir, bundleFolderName(input.record, input.now ?? Date.now()));
  await mkdir(folder, { recursive: true });
  const files: [string, string][] = [
    ['README.txt', bundleSummary(input.record)],
    ['release.json', JSON.stringify(input.record, null, 2)],
    ['job-snapshots.json', JSON.stringify(input.snapshots, null, 2)],
    ['serial.log', input.serial.map((l) => `${iso(l.t)} ${DIR[l.dir ?? 'rx'] ?? ' '} ${stripAnsi(l.text)}`).join('\n') + '\n'],
    ['timeline.log', input.timeline.map((e) => `${iso(e.t)} ${e.kind.padEnd(9)} ${e.text}`).join('\n') + '\n'],
  ];
  if (input.jobDocument !== undefined) files.push(['job-document.json', input.jobDocument]);
  for (const [name, text] of files) await writeFile(join(folder, name), redact(text));
  return { folder, files: files.map(([n]) => n) };
}
