// Cloud profiles: the non-secret settings that say which cloud account, region and bench device a
// profile talks to. Secrets (Huawei AK/SK, Alibaba AccessKey) never appear here: they live in the
// editor's secret store, keyed by profile name (see secretKeys()).

import { CLOUD_KINDS, descriptorOf, isCloudKind } from './clouds/registry';
import { validateProfileName, validators } from './validators';

export { validateProfileName, validators, type Validator } from './validators';

export type CloudKind = 'aws' | 'huawei' | 'aliyun';

interface ProfileBase {
  name: string;
  region: string;
  /** Override of the cloud's API endpoint (emulators, private endpoints). */
  endpoint?: string;
}

export interface AwsProfile extends ProfileBase {
  kind: 'aws';
  /** Named profile of the AWS credential chain (~/.aws/config, SSO, credential_process). */
  awsProfile?: string;
  /** The bench device's thing name (several: comma-separated; see benchTargets). */
  thingName?: string;
  /** Versioned S3 bucket that receives firmware images. */
  bucket?: string;
  /** IAM role the Jobs/OTA service assumes to presign S3 URLs. */
  roleArn?: string;
}

export interface HuaweiProfile extends ProfileBase {
  kind: 'huawei';
  projectId: string;
  instanceId?: string;
  /** Resource space. */
  appId?: string;
  productId?: string;
  /** The bench device's device_id (several: comma-separated). */
  deviceId?: string;
  obsBucket?: string;
  /** Default: the profile's region. */
  obsRegion?: string;
  /** 'secrets' (SecretStorage, default) or 'env' (the variables the official SDKs read). */
  credentials?: 'secrets' | 'env';
}

export interface AliyunProfile extends ProfileBase {
  kind: 'aliyun';
  iotInstanceId?: string;
  productKey?: string;
  /** The bench device's DeviceName (several, up to 10: comma-separated). */
  deviceName?: string;
  /** 'secrets' (SecretStorage, default) or 'chain' (Alibaba Cloud's own credential chain). */
  credentials?: 'secrets' | 'chain';
}

export type CloudProfile = AwsProfile | HuaweiProfile | AliyunProfile;

export function secretKey(profileName: string, field: string): string {
  return `otaBench.profile/${profileName}/${field}`;
}

/** Every SecretStorage key a profile may use (removing the profile deletes them all). */
export function secretKeys(profile: Pick<CloudProfile, 'kind' | 'name'>): string[] {
  return descriptorOf(profile).secretFields.map((f) => secretKey(profile.name, f.key));
}

// --- parsing the settings array -----------------------------------------------------------------

export interface ProfileParseError {
  index: number;
  name?: string;
  message: string;
}

export interface ParsedProfiles {
  profiles: CloudProfile[];
  errors: ProfileParseError[];
}

/** Reads `otaBench.profiles` as the user may have hand-edited it: every bad entry becomes an error, never a throw. */
export function parseProfiles(raw: unknown): ParsedProfiles {
  const out: ParsedProfiles = { profiles: [], errors: [] };
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw)) {
    out.errors.push({ index: -1, message: 'otaBench.profiles must be an array of profile objects.' });
    return out;
  }
  const seen = new Set<string>();
  raw.forEach((entry, index) => {
    const problem = checkEntry(entry);
    const name = typeof entry?.name === 'string' ? entry.name : undefined;
    if (problem) {
      out.errors.push({ index, name, message: problem });
    } else if (seen.has(name!)) {
      out.errors.push({ index, name, message: `Duplicate profile name "${name}".` });
    } else {
      seen.add(name!);
      out.profiles.push(normalise(entry));
    }
  });
  return out;
}

function checkEntry(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'Entry is not an object.';
  const e = entry as Record<string, unknown>;
  if (!isCloudKind(e.kind)) return `"kind" must be one of ${CLOUD_KINDS.join(', ')}.`;
  const d = descriptorOf(e.kind);
  if (typeof e.name !== 'string') return '"name" is missing.';
  const nameErr = validateProfileName(e.name);
  if (nameErr) return `"name": ${nameErr}`;
  if (typeof e.region !== 'string') return '"region" is missing.';
  const regionErr = d.regions.validate(e.region);
  if (regionErr) return `"region": ${regionErr}`;
  for (const f of [...d.profileFields, { key: 'endpoint', required: false, validate: validators.endpoint, list: undefined }]) {
    const v = listValue(e[f.key], !!f.list);
    if (v === undefined || v === '') {
      if (f.required) return `"${f.key}" is missing.`;
      continue;
    }
    if (typeof v !== 'string') return `"${f.key}" must be a string${f.list ? ' or a list of strings' : ''}.`;
    const err = f.validate(v);
    if (err) return `"${f.key}": ${err}`;
  }
  return undefined;
}

function normalise(entry: Record<string, unknown>): CloudProfile {
  const fields = descriptorOf(entry.kind as CloudKind).profileFields;
  const keep = ['kind', 'name', 'region', 'endpoint', ...fields.map((f) => f.key)];
  const out: Record<string, unknown> = {};
  for (const k of keep) {
    const v = listValue(entry[k], !!fields.find((f) => f.key === k)?.list);
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  // Extra keys (settings added by later features, e.g. signing options) ride along untouched.
  for (const [k, v] of Object.entries(entry)) if (!(k in out) && !keep.includes(k)) out[k] = v;
  return out as unknown as CloudProfile;
}

/** A list setting may be written as ["a", "b"] or "a, b"; both become "a, b" (splitList reads it). */
function listValue(v: unknown, isList: boolean): unknown {
  return isList && Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(', ') : v;
}
