// The user-facing failure every provider throws, and how to recognise it. The extension
// (dist/extension.js) and each cloud bundle (dist/clouds/<kind>.js) carry their own copy of these
// classes, so `instanceof` is false for an error from another bundle: recognise errors by shape
// (name + a known code). eslint.config.mjs bans `instanceof` on these classes.

export const CLOUD_ERROR_CODES = [
  'credentials', // missing / expired / invalid credentials
  'not-found',
  'already-exists',
  'invalid', // the request was rejected as invalid
  'throttled',
  'unavailable', // 5xx, network, timeout
  'canceled', // the user cancelled
  'config', // a required profile setting is missing
  'unknown',
] as const;

export type CloudErrorCode = (typeof CLOUD_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(CLOUD_ERROR_CODES);

/** What any bundle's CloudError looks like; `isCloudError` narrows to it. */
export interface CloudErrorShape extends Error {
  name: 'CloudError';
  code: CloudErrorCode;
  hint?: string;
  cloudCode?: string;
  retryable?: boolean;
}

/** A user-facing failure: what went wrong, and what to do about it. Providers throw these. */
export class CloudError extends Error implements CloudErrorShape {
  declare name: 'CloudError';
  constructor(
    message: string,
    readonly code: CloudErrorCode,
    /** What the user can do, as a short sentence ("Run `aws sso login --profile dev`"). */
    readonly hint?: string,
    /** The cloud's own error name/code, e.g. ThrottlingException, IOTDA.014016. */
    readonly cloudCode?: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/** True for a CloudError from any bundle: name 'CloudError', a known code, string message. */
export function isCloudError(e: unknown): e is CloudErrorShape {
  if (!e || typeof e !== 'object') return false;
  const x = e as { name?: unknown; code?: unknown; message?: unknown; hint?: unknown };
  return x.name === 'CloudError' && typeof x.code === 'string' && KNOWN_CODES.has(x.code) && typeof x.message === 'string' && (x.hint === undefined || typeof x.hint === 'string');
}

/** A CloudError of one of `codes` (from any bundle). */
export const isCloudErrorCode = (e: unknown, ...codes: CloudErrorCode[]): e is CloudErrorShape => isCloudError(e) && codes.includes(e.code);

/**
 * An error by its `name` (StepFailure, SigningError, …): the cross-bundle-safe test for the other
 * error classes of src/core.
 */
export function isNamedError<T extends Error = Error>(e: unknown, name: string): e is T {
  return !!e && typeof e === 'object' && (e as { name?: unknown }).name === name && typeof (e as { message?: unknown }).message === 'string';
}
