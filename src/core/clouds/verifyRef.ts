// The one maker of client references. The release stores one before it asks the cloud (AWS: the
// job id; Huawei: task_name; Alibaba: a Tag), so a resume after a lost reply finds the job instead
// of starting another; lists mark jobs whose id or name carries a verify one as verify jobs. A
// fleet job's reference (Alibaba's Tag) has its own prefix, so it is never taken for a verify job.

import { randomBytes } from 'crypto';

/** The reference's form where the cloud allows "-" (AWS, Alibaba); Huawei's task_name takes "_" only. */
export const VERIFY_PREFIX = 'ota-bench-verify-';
export const FLEET_PREFIX = 'ota-bench-fleet-';
const PREFIX = /^ota[-_]bench[-_]verify[-_]/;

/**
 * `ota-bench-verify-<pkg>-<version>-<UTC yyyymmddhhmmssSSS><random>` within `max` characters (64
 * fits an AWS job id; an OTA update id passes less so its `AFR_OTA-` job id stays ≤ 64 too).
 * Time to the millisecond plus a random tail: two verify jobs for one version never share it.
 */
export function verifyReference(
  packageName: string,
  version: string,
  now = new Date(),
  max = 64,
  nonce = randomBytes(3).toString('hex'),
  sep: '-' | '_' = '-',
): string {
  return reference(VERIFY_PREFIX, packageName, version, now, max, nonce, sep);
}

/** The same shape for a Release to Fleet job: `ota-bench-fleet-<pkg>-<version>-<stamp>` ("_" for Huawei's task_name). */
export function fleetReference(packageName: string, version: string, now = new Date(), max = 64, nonce = randomBytes(3).toString('hex'), sep: '-' | '_' = '-'): string {
  return reference(FLEET_PREFIX, packageName, version, now, max, nonce, sep);
}

function reference(flavour: string, packageName: string, version: string, now: Date, max: number, nonce: string, sep: '-' | '_'): string {
  const unsafe = sep === '-' ? /[^a-zA-Z0-9_-]/g : /[^a-zA-Z0-9_]/g;
  const prefix = flavour.replace(/-/g, sep);
  const stamp = `${now.toISOString().replace(/[-:T.Z]/g, '').slice(0, 17)}${nonce}`;
  const room = max - prefix.length - stamp.length - 2;
  const pkg = packageName.replace(unsafe, '_');
  const ver = version.replace(unsafe, '_');
  const pkgPart = pkg.slice(0, Math.max(4, room - ver.length - 1));
  const middle = `${pkgPart}${sep}${ver}`.slice(0, room);
  return `${prefix}${middle}${sep}${stamp}`;
}

export const isVerifyReference = (idOrName: string | undefined): boolean => !!idOrName && PREFIX.test(idOrName);
