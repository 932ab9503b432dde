// "Start Verify Job" on a version that is already on the cloud: a release record whose steps up to
// publishing are skipped (the version exists), so the pipeline runs start-verify → watch → verdict
// with the same watch, serial banner and verdict as a Quick Release. Pure (no `vscode`).

import { newRecord } from './record';
import type { PublishRecord, ReleaseConfig, ReleaseRecord, StepId } from './types';

const BEFORE_VERIFY: readonly StepId[] = ['build', 'locate', 'version', 'sign', 'upload', 'register', 'publish'];

export interface ExistingVersion {
  packageId: string;
  versionId: string;
  version: string;
  status: string;
  arn?: string;
  location?: Record<string, string>;
}

export function verifyOnlyRecord(config: ReleaseConfig, v: ExistingVersion, now: number): ReleaseRecord {
  const r = newRecord({ ...config, packageName: v.packageId }, now);
  for (const s of r.steps) {
    if (!BEFORE_VERIFY.includes(s.id)) continue;
    s.status = 'skipped';
    s.summary = s.id === 'publish' ? `Using ${v.packageId} ${v.version} (${v.status}) as it is on the cloud.` : 'Not needed: the version is already on the cloud.';
  }
  const publish: PublishRecord = {
    packageId: v.packageId,
    versionId: v.versionId,
    version: v.version,
    status: v.status,
    ...(v.arn ? { arn: v.arn } : {}),
    location: { ...(v.location ?? {}) },
    reused: { upload: true, register: true },
  };
  r.version = { value: v.version, origin: `${v.packageId} on the cloud` };
  r.publish = publish;
  r.resumeAt = 'start-verify';
  r.status = 'stopped';
  r.note = `Verify ${v.packageId} ${v.version} on the bench device.`;
  return r;
}
