// A release record: a new one, and where a stopped one picks up again. Apart from the runner
// (pipeline.ts) so the editor can offer Resume without loading the steps, signing and verdict code
// (dist/release.js, loaded lazily).
import { STEP_IDS, type ReleaseConfig, type ReleaseRecord, type StepId } from './types';

function newId(now: number): string {
  return `${new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

export function newRecord(config: ReleaseConfig, now = Date.now()): ReleaseRecord {
  return {
    schema: 1,
    id: newId(now),
    config: JSON.parse(JSON.stringify(config)) as ReleaseConfig,
    status: 'running',
    createdAt: now,
    updatedAt: now,
    steps: STEP_IDS.map((id) => ({ id, status: 'pending', attempts: 0 })),
  };
}

/** Where a re-run of `record` starts, or undefined when it passed (nothing to resume). */
export function resumePoint(record: ReleaseRecord): StepId | undefined {
  if (record.status === 'passed') return undefined;
  return record.resumeAt ?? record.steps.find((s) => s.status !== 'done' && s.status !== 'skipped')?.id;
}
