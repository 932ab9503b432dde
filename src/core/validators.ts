// Profile setting validators. Each returns undefined when the value is fine, or a sentence that
// says what is wrong and what a good value looks like (the input box's validation message and the
// profile parser's error). The cloud descriptors pick from these; nothing here knows a cloud's
// folders or capabilities.

export type Validator = (value: string) => string | undefined;

export const AWS_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-[a-z]+-\d{1,2}$/;
export const HUAWEI_REGIONS = [
  'cn-north-4', 'cn-south-4', 'cn-south-1', 'cn-east-3', 'ap-southeast-1', 'ap-southeast-2',
  'ap-southeast-3', 'af-south-1', 'me-east-1', 'la-south-2', 'sa-brazil-1', 'la-north-2', 'ru-moscow-1',
];
export const ALIYUN_REGION = /^(cn|ap|eu|us|me)-[a-z]+(-\d{1,2})?$/;
/** S3 and OBS share the bucket-name rule: 3–63 of [a-z0-9.-], alphanumeric at both ends, not an IP address. */
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const validateProfileName: Validator = (v) =>
  /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/.test(v)
    ? undefined
    : 'Use 1–64 letters, digits, spaces, "_", "." or "-", starting with a letter or digit.';

export const optional = (check: Validator): Validator => (v) => (v === '' ? undefined : check(v));

export const pattern = (re: RegExp, what: string): Validator => (v) => (re.test(v) ? undefined : what);

/** `what` reads "an IoTDA region": `"mars-1" is not an IoTDA region. Use one of: …`. */
export const oneOf = (values: readonly string[], what: string): Validator => (v) =>
  values.includes(v) ? undefined : `"${v}" is not ${what}. Use one of: ${values.join(', ')}.`;

/** A pattern whose message names the value: `"us-east" is not an AWS region name (e.g. us-east-1).` */
export const named = (re: RegExp, what: string): Validator => (v) => (re.test(v) ? undefined : `"${v}" is not ${what}.`);

/** A comma-separated list of up to `max` values, each checked by `each` (several bench boards). */
export const listOf = (each: Validator, max: number, noun: string): Validator => (v) => {
  const items = splitList(v);
  if (items.length > max) return `At most ${max} ${noun} (a verify job's limit); ${items.length} given.`;
  if (new Set(items).size !== items.length) return `Each ${noun.replace(/s$/, '')} may appear once.`;
  for (const item of items) {
    const err = each(item);
    if (err) return `"${item}": ${err}`;
  }
  return undefined;
};

/** "a, b ,c" → ["a", "b", "c"]: the one reader of list settings. */
export function splitList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

export const validators = {
  awsProfile: optional(pattern(/^[A-Za-z0-9_.@+=,-]{1,64}$/, 'An AWS profile name from ~/.aws/config (letters, digits, "_.-@+=,").')),
  // Thing names: 1–128 of [a-zA-Z0-9:_-].
  thingName: optional(pattern(/^[a-zA-Z0-9:_-]{1,128}$/, 'A thing name is 1–128 characters of letters, digits, ":", "_" or "-".')),
  bucket: optional(
    pattern(BUCKET_NAME, 'An S3 bucket name is 3–63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit.'),
  ),
  roleArn: optional(pattern(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'An IAM role ARN looks like arn:aws:iam::123456789012:role/ota-role.')),
  // IoTDA project ids are 32 lowercase hex characters.
  projectId: pattern(/^[0-9a-f]{32}$/, 'A Huawei project id is 32 hex characters (IAM → My Credentials → Projects).'),
  instanceId: optional(
    pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'An IoTDA instance id is a UUID (IoTDA console → Overview → Instance ID).'),
  ),
  appId: optional(pattern(/^[A-Za-z0-9_-]{1,36}$/, 'An IoTDA app_id (resource space) is 1–36 letters, digits, "_" or "-".')),
  productId: optional(pattern(/^[A-Za-z0-9_-]{1,36}$/, 'An IoTDA product_id is 1–36 letters, digits, "_" or "-".')),
  deviceId: optional(pattern(/^[A-Za-z0-9_-]{1,128}$/, 'An IoTDA device_id is 1–128 letters, digits, "_" or "-".')),
  obsBucket: optional(
    pattern(BUCKET_NAME, 'An OBS bucket name is 3–63 lowercase letters, digits, "." or "-", starting and ending with a letter or digit.'),
  ),
  obsRegion: optional(oneOf(HUAWEI_REGIONS, 'an OBS region')),
  huaweiCredentials: optional(oneOf(['secrets', 'env'], 'a credentials source')),
  iotInstanceId: optional(pattern(/^iot-[a-z0-9-]{4,40}$/, 'An IoT instance id looks like iot-06z00abcdefg (console → Instance overview).')),
  productKey: optional(pattern(/^[A-Za-z0-9]{11,20}$/, 'A ProductKey is 11–20 letters and digits (e.g. a1BwAGV****).')),
  deviceName: optional(pattern(/^[A-Za-z0-9_.:@-]{4,32}$/, 'A DeviceName is 4–32 letters, digits, "_", ".", ":", "@" or "-".')),
  aliyunCredentials: optional(oneOf(['secrets', 'chain'], 'a credentials source')),
  signMethod: optional(oneOf(['MD5', 'SHA256'], 'a SignMethod')),
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
