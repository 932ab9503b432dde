// Cloud profiles: the non-secret settings that say which cloud account, region and bench device a
// profile talks to. Secrets (Huawei AK/SK, Alibaba AccessKey) never appear here: they live in the
// editor's secret store, keyed by profile name (see secretKeys()).

export type CloudKind = 'aws' | 'huawei' | 'aliyun';

export const CLOUD_LABELS: Record<CloudKind, string> = {
  aws: 'AWS IoT',
  huawei: 'Huawei Cloud IoTDA',
  aliyun: 'Alibaba Cloud IoT Platform',
};

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
  /** The bench device's thing name. */
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
  productId?: string;
  /** The bench device's device_id. */
  deviceId?: string;
}

export interface AliyunProfile extends ProfileBase {
  kind: 'aliyun';
  iotInstanceId?: string;
  productKey?: string;
  /** The bench device's DeviceName. */
  deviceName?: string;
}

export type CloudProfile = AwsProfile | HuaweiProfile | AliyunProfile;

/** A secret a profile needs, as the wizard asks for it. */
export interface SecretField {
  key: string;
  label: string;
}

export const SECRET_FIELDS: Record<CloudKind, SecretField[]> = {
  // AWS credentials come from the SDK's own chain (profiles, SSO), never from us.
  aws: [],
  huawei: [
    { key: 'accessKey', label: 'Access Key (AK)' },
    { key: 'secretKey', label: 'Secret Key (SK)' },
  ],
  aliyun: [
    { key: 'accessKeyId', label: 'AccessKey ID' },
    { key: 'accessKeySecret', label: 'AccessKey Secret' },
  ],
};

export function secretKey(profileName: string, field: string): string {
  return `otaBench.profile/${profileName}/${field}`;
}

export function secretKeys(profile: Pick<CloudProfile, 'kind' | 'name'>): string[] {
  return SECRET_FIELDS[profile.kind].map((f) => secretKey(profile.name, f.key));
}

// --- validation -------------------------------------------------------------------------------
// Each validator returns undefined when the value is fine, or a sentence that says what is wrong
// and what a good value looks like (shown as the input box's validation message).

export type Validator = (value: string) => string | undefined;

const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-[a-z]+-\d{1,2}$/;
const HUAWEI_REGIONS = [
  'cn-north-4', 'cn-south-4', 'cn-south-1', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'af-south-1', 'me-east-1', 'la-south-2', 'sa-brazil-1', 'la-north-2', 'ru-moscow-1',
];
const ALIYUN_REGION = /^(cn|ap|eu|us|me)-[a-z]+(-\d{1,2})?$/;

export const KNOWN_REGIONS: Record<CloudKind, string[]> = {
  aws: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-1', 'cn-north-1'],
  huawei: HUAWEI_REGIONS,
  aliyun: ['cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'ap-southeast-1', 'ap-northeast-1', 'eu-central-1', 'us-west-1', 'us-east-1'],
};

export const validateProfileName: Validator = (v) =>
  /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/.test(v)
    ? undefined
    : 'Use 1–64 letters, digits, spaces, "_", "." or "-", starting with a letter or digit.';

export const validateRegion = (kind: CloudKind): Validator => (v) => {
  switch (kind) {
    case 'aws':
      return AWS_REGION.test(v) ? undefined : `"${v}" is not an AWS region name (e.g. us-east-1, eu-central-1).`;
    case 'huawei':
      return HUAWEI_REGIONS.includes(v)
        ? undefined
        : `"${v}" is not an IoTDA region. Use one of: ${HUAWEI_REGIONS.join(', ')}.`;
    case 'aliyun':
      return ALIYUN_REGION.test(v) ? undefined : `"${v}" is not an Alibaba Cloud region id (e.g. cn-shanghai, ap-southeast-1).`;
  }
};

const optional = (check: Validator): Validator => (v) => (v === '' ? undefined : check(v));

const pattern = (re: RegExp, what: string): Validator => (v) => (re.test(v) ? undefined : what);

export const validators = {
  awsProfile: optional(pattern(/^[A-Za-z0-9_.@+=,-]{1,64}$/, 'An AWS profile name from ~/.aws/config (letters, digits, "_.-@+=,").')),
  // Thing names: 1–128 of [a-zA-Z0-9:_-].
  thingName: optional(pattern(/^[a-zA-Z0-9:_-]{1,128}$/, 'A thing name is 1–128 characters of letters, digits, ":", "_" or "-".')),
  // S3 bucket names: 3–63 lowercase letters, digits, dots and hyphens; start and end alphanumeric.
  bucket: optional(
    pattern(/^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'An S3 bucket name is 3–63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit.'),
  ),
  roleArn: optional(pattern(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'An IAM role ARN looks like arn:aws:iam::123456789012:role/ota-role.')),
  // IoTDA project ids are 32 lowercase hex characters.
  projectId: pattern(/^[0-9a-f]{32}$/, 'A Huawei project id is 32 hex characters (IAM → My Credentials → Projects).'),
  instanceId: optional(
    pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'An IoTDA instance id is a UUID (IoTDA console → Overview → Instance ID).'),
  ),
  productId: optional(pattern(/^[A-Za-z0-9_-]{1,36}$/, 'An IoTDA product_id is 1–36 letters, digits, "_" or "-".')),
  deviceId: optional(pattern(/^[A-Za-z0-9_-]{1,128}$/, 'An IoTDA device_id is 1–128 letters, digits, "_" or "-".')),
  iotInstanceId: optional(pattern(/^iot-[a-z0-9-]{4,40}$/, 'An IoT instance id looks like iot-06z00abcdefg (console → Instance overview).')),
  productKey: optional(pattern(/^[A-Za-z0-9]{11,20}$/, 'A ProductKey is 11–20 letters and digits (e.g. a1BwAGV****).')),
  deviceName: optional(pattern(/^[A-Za-z0-9_.:@-]{4,32}$/, 'A DeviceName is 4–32 letters, digits, "_", ".", ":", "@" or "-".')),
  endpoint: optional((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:' ? undefined : 'The endpoint must be an http(s) URL.';
    } catch {
      return 'The endpoint must be a URL such as https://iot.us-east-1.amazonaws.com.';
    }
  }),
  secret: (v: string) => (v.trim().length >= 8 && !/\s/.test(v) ? undefined : 'Paste the whole key: at least 8 characters, no spaces.'),
} satisfies Record<string, Validator>;

/** The non-secret fields each kind asks for, in wizard order. */
export interface FieldSpec {
  key: string;
  label: string;
  required: boolean;
  validate: Validator;
  placeholder?: string;
}

export const PROFILE_FIELDS: Record<CloudKind, FieldSpec[]> = {
  aws: [
    { key: 'awsProfile', label: 'AWS profile name (from ~/.aws/config; empty = default chain)', required: false, validate: validators.awsProfile, placeholder: 'default' },
    { key: 'thingName', label: 'Bench device thing name', required: false, validate: validators.thingName, placeholder: 'bench-board-01' },
    { key: 'bucket', label: 'Versioned S3 bucket for firmware images', required: false, validate: validators.bucket, placeholder: 'my-firmware-bucket' },
    { key: 'roleArn', label: 'IAM role ARN for presigned URLs / OTA updates', required: false, validate: validators.roleArn, placeholder: 'arn:aws:iam::123456789012:role/ota-role' },
  ],
  huawei: [
    { key: 'projectId', label: 'Project id', required: true, validate: validators.projectId },
    { key: 'instanceId', label: 'IoTDA instance id (standard/enterprise editions)', required: false, validate: validators.instanceId },
    { key: 'productId', label: 'Product id of the bench device', required: false, validate: validators.productId },
    { key: 'deviceId', label: 'Bench device_id', required: false, validate: validators.deviceId },
  ],
  aliyun: [
    { key: 'iotInstanceId', label: 'IoT instance id (empty for old public instances)', required: false, validate: validators.iotInstanceId },
    { key: 'productKey', label: 'ProductKey of the bench device', required: false, validate: validators.productKey },
    { key: 'deviceName', label: 'Bench DeviceName', required: false, validate: validators.deviceName },
  ],
};

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

const KINDS: CloudKind[] = ['aws', 'huawei', 'aliyun'];

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
  if (!KINDS.includes(e.kind as CloudKind)) return `"kind" must be one of ${KINDS.join(', ')}.`;
  const kind = e.kind as CloudKind;
  if (typeof e.name !== 'string') return '"name" is missing.';
  const nameErr = validateProfileName(e.name);
  if (nameErr) return `"name": ${nameErr}`;
  if (typeof e.region !== 'string') return '"region" is missing.';
  const regionErr = validateRegion(kind)(e.region);
  if (regionErr) return `"region": ${regionErr}`;
  for (const f of [...PROFILE_FIELDS[kind], { key: 'endpoint', required: false, validate: validators.endpoint }]) {
    const v = e[f.key];
    if (v === undefined || v === '') {
      if (f.required) return `"${f.key}" is missing.`;
      continue;
    }
    if (typeof v !== 'string') return `"${f.key}" must be a string.`;
    const err = f.validate(v);
    if (err) return `"${f.key}": ${err}`;
  }
  return undefined;
}

function normalise(entry: Record<string, unknown>): CloudProfile {
  const kind = entry.kind as CloudKind;
  const keep = ['kind', 'name', 'region', 'endpoint', ...PROFILE_FIELDS[kind].map((f) => f.key)];
  const out: Record<string, unknown> = {};
  for (const k of keep) if (typeof entry[k] === 'string' && entry[k] !== '') out[k] = entry[k];
  // Extra keys (settings added by later features, e.g. signing options) ride along untouched.
  for (const [k, v] of Object.entries(entry)) if (!(k in out) && !keep.includes(k)) out[k] = v;
  return out as unknown as CloudProfile;
}
