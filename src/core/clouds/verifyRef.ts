// The one maker of verify-job client references. The release stores one before it asks the cloud
// (AWS: the job id; Huawei: task_name; Alibaba: a Tag), so a resume after a lost reply finds the
// job instead of starting another; lists mark jobs whose id or name carries it as verify jobs.

import { randomBytes } from 'crypto';

export const VERIFY_PREFIX = 'ota-bench-verify-';

const SAFE = /[^a-zA-Z0-9_-]/g;

/**
 * `ota-bench-verify-<pkg>-<version>-<UTC yyyymmddhhmmssSSS><random>` within `max` characters (64
 * fits an AWS job id; an OTA update id passes less so its `AFR_OTA-` job id stays ≤ 64 too).
 * Time to the millisecond plus a random tail: two verify jobs for one version never share it.
 */
export function verifyReference(packageName: string, version: string, now = new Date(), max = 64, nonce = randomBytes(3).toString('hex')): string {
  const stamp = `${now.toISOString().replace(/[-:T.Z]/g, '').slice(0, 17)}${nonce}`;
  const room = max - VERIFY_PREFIX.length - stamp.length - 2;
  const pkg = packageName.replace(SAFE, '_');
  const ver = version.replace(SAFE, '_');
  const pkgPart = pkg.slice(0, Math.max(4, room - ver.length - 1));
  const middle = `${pkgPart}-${ver}`.slice(0, room);
  return `${VERIFY_PREFIX}${middle}-${stamp}`;
}

export const isVerifyReference = (idOrName: string | undefined): boolean => !!idOrName?.startsWith(VERIFY_PREFIX);
