// Documented Alibaba IoT OTA limits (cloud-apis.md §3.2–3.3 and the CreateOTAFirmware page), one
// table for the provider's checks before a call and for the emulator that plays Alibaba in tests.
// DestVersion's rule lives with the other clouds' version rules (version/rules.ts).

import { createHash } from 'crypto';
import { VERSION_RULES, type NameRule } from '../../version/rules';
import { clampToRange, inRange, type IntRange } from '../kit/range';
import type { QpsLimits } from '../kit/rateLimiter';
import { PAGE_MAX } from './wire';

/** Largest PageSize per list action; ListOTATaskByJob also caps CurrentPage × PageSize. */
export const PAGE_SIZE = {
  ListOTAFirmware: { min: 1, max: PAGE_MAX.firmware },
  ListOTAJobByFirmware: { min: 1, max: PAGE_MAX.jobsOfFirmware },
  ListOTATaskByJob: { min: 1, max: PAGE_MAX.tasksOfJob },
} satisfies Record<string, IntRange>;
export const TASK_PAGE_WINDOW = 100_000;

/**
 * Documented QPS per action (per account, shared by its RAM users), for the kit's RateLimiter.
 * Exact names only: "Query" is not a rule (QueryOTAJob is 10/s, QueryOTAFirmware 20/s).
 */
export const QPS_LIMITS: QpsLimits = {
  default: 10,
  actions: {
    GenerateOTAUploadURL: 10,
    CreateOTAFirmware: 10,
    ListOTAFirmware: 10,
    QueryOTAFirmware: 20,
    CreateOTAVerifyJob: 10,
    CreateOTAStaticUpgradeJob: 20,
    CreateOTADynamicUpgradeJob: 20,
    ListOTAJobByFirmware: 10,
    QueryOTAJob: 10,
    ListOTATaskByJob: 10,
    CancelOTATaskByJob: 5,
    ConfirmOTATask: 20,
  },
};

/**
 * FirmwareName: 1–40 characters, letters (Chinese and Japanese too), digits, `-`, `_`, `(`, `)`,
 * starting with a letter or digit; unique per account and immutable. No `.`, so a version never
 * fits as it is: see firmwareName().
 */
export const FIRMWARE_NAME: NameRule & { first: RegExp } = {
  field: 'FirmwareName',
  min: 1,
  max: 40,
  char: /[\p{L}\p{N}_()-]/u,
  first: /[\p{L}\p{N}]/u,
  allowed: 'letters, digits, "-", "_", "(" and ")", starting with a letter or digit',
};

export const DEST_VERSION: NameRule = VERSION_RULES.aliyun;

const HASH_CHARS = 6;

/**
 * The FirmwareName of one version of a package on one product:
 * `<package>-<version>` with every character FirmwareName refuses (the dots of a version, spaces)
 * turned into `_`, cut so that `-<6 hex>` still fits in 40, plus those 6 hex digits of
 * SHA-256(productKey, package, version). Deterministic, so a resumed release looks the name up
 * instead of creating a second firmware; the hash keeps `1.2.3` and `1_2_3`, or two products of
 * one account, apart although the readable part is the same.
 */
export function firmwareName(productKey: string, packageName: string, version: string): string {
  const hash = createHash('sha256').update(`${productKey}\n${packageName}\n${version}`).digest('hex').slice(0, HASH_CHARS);
  let base = [...`${packageName}-${version}`].map((c) => (FIRMWARE_NAME.char.test(c) ? c : '_')).join('');
  base = base.replace(/^[^\p{L}\p{N}]+/u, '') || 'fw';
  const room = FIRMWARE_NAME.max - HASH_CHARS - 1;
  return `${[...base].slice(0, room).join('')}-${hash}`;
}

/** Suffixes GenerateOTAUploadURL takes as FileSuffix (longest first, so `tar.gz` wins over `gz`). */
export const FILE_SUFFIXES = ['tar.gz', 'gzip', 'bin', 'dav', 'apk', 'tar', 'zip', 'gz'] as const;
export type FileSuffix = (typeof FILE_SUFFIXES)[number];
/** 1000 MB, as the OSS POST policy's content-length-range says (1048576000 bytes). */
export const MAX_FILE_BYTES = 1000 * 1024 * 1024;
export const FIRMWARE_DESC_MAX = 100;
export const UDI_MAX = 4096;
/** The upload policy of GenerateOTAUploadURL is valid for one minute: ask just before uploading. */
export const UPLOAD_POLICY_TTL_MS = 60_000;
/** An uploaded file not registered by CreateOTAFirmware within 60 minutes is deleted. */
export const UNREGISTERED_UPLOAD_TTL_MS = 60 * 60_000;
export const MAX_FIRMWARE_PER_INSTANCE = 500;

export const fileSuffixOf = (fileName: string): FileSuffix | undefined => FILE_SUFFIXES.find((s) => fileName.toLowerCase().endsWith(`.${s}`));

export const DOWNLOAD_PROTOCOLS = ['HTTPS', 'MQTT'] as const;
export type DownloadProtocol = (typeof DOWNLOAD_PROTOCOLS)[number];

export const VERIFY_JOB = {
  maxDevices: 10,
  timeoutInMinutes: { min: 1, max: 1440 },
} as const;

/** Tag.N.Key / Tag.N.Value on upgrade and verify jobs. */
export const TAG = {
  maxTags: 10,
  key: { min: 1, max: 30, pattern: /^[A-Za-z0-9.]+$/ },
  value: { min: 1, max: 1024 },
  /** All keys and values together. */
  totalChars: 4096,
} as const;

/** The Tag key that carries the release's client reference, so resume finds its verify job. */
export const CLIENT_REF_TAG = 'otabench.ref';

export const TARGET_SELECTIONS = ['ALL', 'SPECIFIC', 'GRAY', 'GROUP'] as const;
export type TargetSelection = (typeof TARGET_SELECTIONS)[number];

/** CreateOTAStaticUpgradeJob ranges. */
export const STATIC_JOB = {
  maxDevicesPerCall: 200,
  /** GrayPercent: a percentage with at most 3 decimals. */
  grayPercent: { min: 0.001, max: 100, decimals: 3 },
  /** ScheduleTime from 5 minutes to 7 days ahead; ScheduleFinishTime 1 hour to 30 days after it. */
  scheduleAheadMs: { min: 5 * 60_000, max: 7 * 24 * 3_600_000 },
  finishAfterStartMs: { min: 3_600_000, max: 30 * 24 * 3_600_000 },
  retryIntervals: [0, 10, 30, 60, 1440],
  retryCounts: [1, 2, 5],
  timeoutInMinutes: { min: 1, max: 1440 },
  maximumPerMinute: { min: 10, max: 10_000 },
  overwriteModes: [1, 2],
} as const;

const chars = (s: string) => [...s].length;

function nameProblem(value: string, rule: NameRule & { first?: RegExp }): string | undefined {
  const n = chars(value);
  if (n < rule.min || n > rule.max) return `${rule.field} must be ${rule.min}–${rule.max} characters; "${value}" has ${n}.`;
  const bad = [...new Set([...value].filter((c) => !rule.char.test(c)))];
  if (bad.length) return `${rule.field} allows only ${rule.allowed}; "${value}" contains ${bad.map((c) => (c === ' ' ? 'a space' : JSON.stringify(c))).join(', ')}.`;
  if (rule.first && !rule.first.test([...value][0])) return `${rule.field} must start with a letter or digit; "${value}" starts with "${[...value][0]}".`;
  return undefined;
}

export interface FirmwareInput {
  firmwareName: string;
  destVersion: string;
  fileName: string;
  fileBytes: number;
  firmwareDesc?: string;
  udi?: string;
}

/** Every reason CreateOTAFirmware (or the upload before it) would refuse this, as sentences. */
export function firmwareProblems(f: FirmwareInput): string[] {
  const out: string[] = [];
  const name = nameProblem(f.firmwareName, FIRMWARE_NAME);
  if (name) out.push(name);
  const ver = nameProblem(f.destVersion, DEST_VERSION);
  if (ver) out.push(ver);
  if (!fileSuffixOf(f.fileName)) out.push(`Alibaba accepts firmware files ending in ${FILE_SUFFIXES.map((s) => `.${s}`).join(', ')}; "${f.fileName}" has none of them. Rename the artifact or change otaBench.release.artifact.`);
  if (!(f.fileBytes > 0)) out.push(`The firmware file "${f.fileName}" is empty.`);
  else if (f.fileBytes > MAX_FILE_BYTES) out.push(`Alibaba accepts firmware files up to 1000 MB; "${f.fileName}" has ${(f.fileBytes / 1024 / 1024).toFixed(1)} MB.`);
  if (f.firmwareDesc !== undefined && chars(f.firmwareDesc) > FIRMWARE_DESC_MAX) out.push(`FirmwareDesc must be at most ${FIRMWARE_DESC_MAX} characters; it has ${chars(f.firmwareDesc)}.`);
  if (f.udi !== undefined && chars(f.udi) > UDI_MAX) out.push(`Udi must be at most ${UDI_MAX} characters; it has ${chars(f.udi)}.`);
  return out;
}

export type Tag = { Key: string; Value: string };

export function tagProblems(tags: readonly Tag[]): string[] {
  const out: string[] = [];
  if (tags.length > TAG.maxTags) out.push(`At most ${TAG.maxTags} tags per job; got ${tags.length}.`);
  let total = 0;
  for (const t of tags) {
    total += chars(t.Key) + chars(t.Value);
    if (!inRange(chars(t.Key), TAG.key) || !TAG.key.pattern.test(t.Key)) out.push(`Tag key "${t.Key}" must be ${TAG.key.min}–${TAG.key.max} letters, digits or ".".`);
    if (!inRange(chars(t.Value), TAG.value)) out.push(`Tag "${t.Key}" value must be ${TAG.value.min}–${TAG.value.max} characters; it has ${chars(t.Value)}.`);
  }
  if (total > TAG.totalChars) out.push(`Tags may hold ${TAG.totalChars} characters in all; these hold ${total}.`);
  return out;
}

export interface VerifyJobInput {
  deviceNames: readonly string[];
  timeoutInMinutes: number;
  downloadProtocol?: string;
  tags?: readonly Tag[];
}

export function verifyJobProblems(v: VerifyJobInput): string[] {
  const out: string[] = [];
  if (!v.deviceNames.length) out.push('A verify job needs at least one bench device (DeviceName).');
  if (v.deviceNames.length > VERIFY_JOB.maxDevices) out.push(`A verify job takes at most ${VERIFY_JOB.maxDevices} devices; the profile names ${v.deviceNames.length}. Keep ${VERIFY_JOB.maxDevices} or fewer bench boards in the profile.`);
  const dupes = v.deviceNames.filter((d, i) => v.deviceNames.indexOf(d) !== i);
  if (dupes.length) out.push(`The verify job's devices must be distinct; ${[...new Set(dupes)].join(', ')} appear more than once.`);
  if (!inRange(v.timeoutInMinutes, VERIFY_JOB.timeoutInMinutes)) out.push(`TimeoutInMinutes must be a whole number from 1 to 1440; got ${v.timeoutInMinutes}.`);
  if (v.downloadProtocol !== undefined && !(DOWNLOAD_PROTOCOLS as readonly string[]).includes(v.downloadProtocol)) out.push(`DownloadProtocol must be HTTPS or MQTT; got "${v.downloadProtocol}".`);
  return [...out, ...tagProblems(v.tags ?? [])];
}

export interface StaticJobInput {
  targetSelection: string;
  deviceNames?: readonly string[];
  grayPercent?: string;
  groupId?: string;
  /** SrcVersion.N: only devices now on one of these versions. */
  srcVersions?: readonly string[];
  /** ms since the epoch */
  scheduleTime?: number;
  scheduleFinishTime?: number;
  retryInterval?: number;
  retryCount?: number;
  timeoutInMinutes?: number;
  maximumPerMinute?: number;
  overwriteMode?: number;
  tags?: readonly Tag[];
}

export type StaticJobField = Exclude<keyof StaticJobInput, 'tags'>;

const oneOf = (values: readonly number[], v: number) => values.includes(v);

/**
 * CreateOTAStaticUpgradeJob's documented rules, one per field: the problem in one sentence, or
 * undefined. The fleet form checks each answer with its field's rule and the provider runs them
 * all before its call (staticJobProblems), so the two cannot disagree. `now` for the schedule.
 */
export const STATIC_JOB_RULES: Record<StaticJobField, (j: StaticJobInput, now: number) => string | undefined> = {
  targetSelection: (j) => ((TARGET_SELECTIONS as readonly string[]).includes(j.targetSelection) ? undefined : `TargetSelection must be one of ${TARGET_SELECTIONS.join(', ')}; got "${j.targetSelection}".`),
  deviceNames: (j) => {
    if (j.targetSelection !== 'SPECIFIC') return undefined;
    const n = j.deviceNames?.length ?? 0;
    if (n < 1 || n > STATIC_JOB.maxDevicesPerCall) return `A SPECIFIC job names 1–${STATIC_JOB.maxDevicesPerCall} devices; got ${n}.`;
    const dupes = [...new Set(j.deviceNames!.filter((d, i) => j.deviceNames!.indexOf(d) !== i))];
    return dupes.length ? `Each device may be named once; ${dupes.join(', ')} appear${dupes.length > 1 ? '' : 's'} more than once.` : undefined;
  },
  grayPercent: (j) => {
    if (j.targetSelection !== 'GRAY') return undefined;
    const r = STATIC_JOB.grayPercent;
    const p = j.grayPercent ?? '';
    const m = /^\d+(?:\.(\d+))?$/.exec(p);
    const v = Number(p);
    return !m || (m[1]?.length ?? 0) > r.decimals || v < r.min || v > r.max ? `GrayPercent must be a percentage from ${r.min} to ${r.max} with at most ${r.decimals} decimals; got "${p}".` : undefined;
  },
  groupId: (j) => (j.targetSelection === 'GROUP' && !j.groupId ? 'A GROUP job needs a GroupId.' : undefined),
  srcVersions: (j) => {
    for (const v of j.srcVersions ?? []) {
      const p = nameProblem(v, { ...DEST_VERSION, field: 'SrcVersion' });
      if (p) return p;
    }
    return undefined;
  },
  scheduleTime: (j, now) => {
    if (j.scheduleTime === undefined) return undefined;
    const ahead = j.scheduleTime - now;
    const r = STATIC_JOB.scheduleAheadMs;
    return ahead < r.min || ahead > r.max ? `ScheduleTime must be from 5 minutes to 7 days from now; it is ${minutesText(ahead)} ${ahead < 0 ? 'ago' : 'away'}.` : undefined;
  },
  scheduleFinishTime: (j) => {
    if (j.scheduleFinishTime === undefined) return undefined;
    if (j.scheduleTime === undefined) return 'ScheduleFinishTime needs a ScheduleTime.';
    const span = j.scheduleFinishTime - j.scheduleTime;
    const r = STATIC_JOB.finishAfterStartMs;
    return span < r.min || span > r.max ? `ScheduleFinishTime must be from 1 hour to 30 days after ScheduleTime; it is ${minutesText(span)} ${span < 0 ? 'before' : 'after'}.` : undefined;
  },
  timeoutInMinutes: (j) => (j.timeoutInMinutes === undefined || inRange(j.timeoutInMinutes, STATIC_JOB.timeoutInMinutes) ? undefined : `TimeoutInMinutes must be a whole number from 1 to 1440; got ${j.timeoutInMinutes}.`),
  retryInterval: (j) => {
    if (j.retryInterval === undefined) return undefined;
    if (!oneOf(STATIC_JOB.retryIntervals, j.retryInterval)) return `RetryInterval must be one of ${STATIC_JOB.retryIntervals.join(', ')} minutes; got ${j.retryInterval}.`;
    return j.timeoutInMinutes !== undefined && j.retryInterval >= j.timeoutInMinutes ? `RetryInterval (${j.retryInterval}) must be less than TimeoutInMinutes (${j.timeoutInMinutes}).` : undefined;
  },
  // The API page: RetryCount must be given with a RetryInterval.
  retryCount: (j) => {
    if (j.retryCount === undefined) return j.retryInterval !== undefined ? 'RetryCount is needed with a RetryInterval.' : undefined;
    return oneOf(STATIC_JOB.retryCounts, j.retryCount) ? undefined : `RetryCount must be one of ${STATIC_JOB.retryCounts.join(', ')}; got ${j.retryCount}.`;
  },
  maximumPerMinute: (j) => (j.maximumPerMinute === undefined || inRange(j.maximumPerMinute, STATIC_JOB.maximumPerMinute) ? undefined : `MaximumPerMinute must be from 10 to 10000; got ${j.maximumPerMinute}.`),
  overwriteMode: (j) => (j.overwriteMode === undefined || oneOf(STATIC_JOB.overwriteModes, j.overwriteMode) ? undefined : `OverwriteMode must be 1 (keep) or 2 (overwrite); got ${j.overwriteMode}.`),
};

/** "4 minutes", "7 days 1 minute", "2 hours 30 minutes": how far a time is, for the schedule's sentences. */
function minutesText(ms: number): string {
  const m = Math.floor(Math.abs(ms) / 60_000);
  const parts: [number, string][] = [[Math.floor(m / 1440), 'day'], [Math.floor((m % 1440) / 60), 'hour'], [m % 60, 'minute']];
  const said = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return said.length ? said.join(' ') : '0 minutes';
}

/** Every documented reason CreateOTAStaticUpgradeJob would refuse this, as sentences. */
export function staticJobProblems(j: StaticJobInput, now = Date.now()): string[] {
  const out = Object.values(STATIC_JOB_RULES).map((rule) => rule(j, now));
  return [...out.filter((p): p is string => !!p), ...tagProblems(j.tags ?? [])];
}

/** A PageSize for `action` clamped to its documented range (Load All asks for the maximum). */
export function pageSize(action: keyof typeof PAGE_SIZE, wanted?: number): number {
  const r = PAGE_SIZE[action];
  return clampToRange(wanted, r, r.max);
}
