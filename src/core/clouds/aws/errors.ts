// SDK and credential-chain failures → CloudError with a hint the user can act on. Messages are
// scrubbed of anything that looks like a key, so nothing secret reaches a log or a notification.

import { CloudError, isCloudError, type CloudErrorCode, type CloudErrorShape } from '../../model';

const CREDENTIAL_ERRORS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'MissingAuthenticationTokenException',
  'TokenRefreshRequired',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedException', 'Forbidden']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NoSuchKey', 'NoSuchBucket', 'NoSuchVersion', 'NotFound', 'NoSuchUpload']);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded', 'Throttling', 'RequestThrottled']);
const UNAVAILABLE = new Set(['InternalFailureException', 'InternalServerException', 'ServiceUnavailableException', 'InternalError', 'ServiceUnavailable', 'InternalServiceErrorException']);
const INVALID = new Set(['InvalidRequestException', 'ValidationException', 'InvalidStateTransitionException', 'VersionConflictException', 'BadDigest', 'InvalidArgument', 'LimitExceededException', 'ServiceQuotaExceededException', 'XAmzContentSHA256Mismatch', 'EntityTooSmall', 'InvalidPart']);
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|TimeoutError|RequestTimeout/i;

/** Removes access key ids, secrets and session tokens that could ride inside an error text. */
export function scrub(text: string): string {
  return text
    .replace(/\b(AKIA|ASIA)[A-Z0-9]{12,}\b/g, '<access-key>')
    .replace(/(aws_secret_access_key|secretAccessKey|aws_session_token|sessionToken|X-Amz-Security-Token|X-Amz-Signature|Signature)\s*[=:]\s*[^\s,&"']+/gi, '$1=<redacted>');
}

const profileArg = (awsProfile?: string) => (awsProfile ? ` --profile ${awsProfile}` : '');

/** Hints for failures of the credential chain itself (before any request is sent). */
function credentialHint(message: string, awsProfile?: string): string {
  if (/sso/i.test(message)) return `Run \`aws sso login${profileArg(awsProfile)}\`, then retry.`;
  if (/credential_process|process/i.test(message) && /profile/i.test(message)) return `Check the credential_process of profile ${awsProfile ?? 'default'} in ~/.aws/config.`;
  if (awsProfile && /could not be found|not found|could not resolve/i.test(message)) return `Open ~/.aws/config and add [profile ${awsProfile}] (or run \`aws configure --profile ${awsProfile}\`).`;
  if (/expired/i.test(message)) return `Refresh the credentials (\`aws sso login${profileArg(awsProfile)}\` or renew the session), then retry.`;
  return awsProfile
    ? `Open ~/.aws/config and check profile ${awsProfile} (keys, SSO or credential_process).`
    : 'Run `aws configure` (or set an AWS profile name in this cloud profile), then retry.';
}

export interface ErrorContext {
  /** What we were doing, e.g. "Listing jobs". */
  what: string;
  awsProfile?: string;
}

/**
 * A reply without a body (S3 HEAD: HeadObject, HeadBucket) reaches the SDK as only a status, so it
 * names the error "Unknown"/"NotFound" with the message "UnknownError". Say what the status means.
 */
function bodylessError(status: number, ctx: ErrorContext, name: string): CloudError | undefined {
  const said = (text: string) => `${ctx.what}: S3 answered HTTP ${status} ${text} (a HEAD reply carries no error details).`;
  if (status === 404) return new CloudError(said('Not Found'), 'not-found', undefined, name);
  if (status === 403) {
    return new CloudError(
      said('Forbidden'),
      'credentials',
      `The AWS credentials${ctx.awsProfile ? ` of profile ${ctx.awsProfile}` : ''} were refused, or lack s3:GetObject / s3:ListBucket on this bucket. Check the keys (aws sts get-caller-identity) and the IAM policy.`,
      name,
    );
  }
  if (status === 503) return new CloudError(said('Slow Down / Service Unavailable'), 'throttled', 'S3 is throttling requests or briefly unavailable; OTA Bench backs off. Retry in a moment.', name, true);
  if (status >= 500) return new CloudError(said('(server error)'), 'unavailable', 'S3 had a server error. Retry in a moment.', name, true);
  if (status === 400) return new CloudError(said('Bad Request'), 'invalid', 'Check the bucket name and the region in the profile.', name);
  if (status === 301 || status === 307) return new CloudError(said('(the bucket is in another region)'), 'config', 'Set the profile\'s region to the bucket\'s region.', name);
  return undefined;
}

export function toCloudError(e: unknown, ctx: ErrorContext): CloudErrorShape {
  if (isCloudError(e)) return e;
  const err = (e ?? {}) as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; Code?: string };
  const name = err.name ?? err.Code ?? 'Error';
  const raw = scrub(err.message || name).replace(/\s+/g, ' ').trim();
  const make = (code: CloudErrorCode, hint?: string, retryable = false, message = `${ctx.what}: ${raw}`) => new CloudError(scrub(message), code, hint, name, retryable);
  if (name === 'AbortError' || err.code === 'ABORT_ERR' || /aborted|cancel/i.test(name)) return make('canceled', undefined, false, `${ctx.what}: cancelled.`);
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /Could not load credentials|credential.*(not|no) .*found|Profile .* could not be found/i.test(raw)) {
    return make('credentials', credentialHint(raw, ctx.awsProfile), false, `${ctx.what}: no usable AWS credentials (${raw})`);
  }
  const status = err.$metadata?.httpStatusCode;
  if (status && (raw === 'UnknownError' || name === 'Unknown' || name === 'UnknownError')) {
    const said = bodylessError(status, ctx, name);
    if (said) return said;
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    const hint = /Expired/.test(name) ? credentialHint('expired', ctx.awsProfile) : `The AWS credentials${ctx.awsProfile ? ` of profile ${ctx.awsProfile}` : ''} were rejected. Open ~/.aws/credentials and check the access key and secret.`;
    return make('credentials', hint);
  }
  if (DENIED.has(name)) return make('credentials', `The credentials work but lack permission for this call. Check the IAM policy of ${ctx.awsProfile ? `profile ${ctx.awsProfile}` : 'your identity'}.`);
  if (name === 'ResourceAlreadyExistsException' || (name === 'ConflictException' && /already exists/i.test(raw))) return make('already-exists');
  if (NOT_FOUND.has(name)) return make('not-found');
  if (THROTTLED.has(name) || err.$metadata?.httpStatusCode === 429) return make('throttled', 'AWS is throttling requests; OTA Bench backs off. Retry in a moment.', true);
  if (UNAVAILABLE.has(name) || (err.$metadata?.httpStatusCode ?? 0) >= 500) return make('unavailable', 'AWS had a server error. Retry in a moment.', true);
  if (NETWORK.test(`${name} ${err.code ?? ''} ${raw}`)) return make('unavailable', 'Cannot reach the AWS endpoint: check the network, proxy or the profile\'s endpoint override.', true);
  if (INVALID.has(name) || name === 'ConflictException') return make('invalid');
  return make('unknown');
}
