// Alibaba failures → CloudError for the kit's callCloud. Alibaba's Code and RequestId always
// travel in the message (support asks for the RequestId); the code decides what the user can do.

import { CloudError, isCloudError, type CloudErrorCode, type CloudErrorShape } from '../../errors';
import { isAliyunApiError, type AliyunApiErrorShape } from './rpc';

export interface AliyunErrorContext {
  /** The profile's IotInstanceId, so an instance error can name the setting. */
  iotInstanceId?: string;
}

type Rule = { test: RegExp; code: CloudErrorCode; retryable?: boolean; hint?: (ctx: AliyunErrorContext) => string };

const INSTANCE_HINT = (ctx: AliyunErrorContext) =>
  ctx.iotInstanceId
    ? `Check the profile's IoT instance id (IotInstanceId "${ctx.iotInstanceId}") against the instance overview in the IoT Platform console, and that its region matches.`
    : "This instance needs its id: set the profile's IoT instance id (IotInstanceId, shown on the instance overview in the IoT Platform console).";

/** First match wins. Codes from the OpenAPI gateway and the IoT Platform error-code page. */
const RULES: Rule[] = [
  { test: /^Throttling|^ServiceUnavailable\.Throttl|Flow ?control|TooManyRequests/i, code: 'throttled', retryable: true, hint: () => "Alibaba is limiting this account's request rate (the QPS quota is shared by all its RAM users); OTA Bench already backed off. Retry in a moment." },
  { test: /^InvalidSecurityToken\.Expired$|^SecurityTokenExpired/i, code: 'credentials', hint: () => 'The STS token expired: refresh it (aliyun configure, or your token source) and retry.' },
  { test: /^(InvalidAccessKeyId|InvalidSecurityToken|SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeySecret|MissingSecurityToken)/i, code: 'credentials', hint: () => "Check the profile's AccessKey (or the credential chain's), that it is active, and the machine's clock." },
  { test: /^(Forbidden|NoPermission)|RamActionPermissionDeny|AuthActionPermissionDeny|^iot\.common\.InvalidTenant$/i, code: 'credentials', hint: () => 'Grant the RAM user the IoT Platform OTA permissions (AliyunIOTFullAccess or an OTA policy).' },
  { test: /^iot\.system\.InstanceNotFound$|^iot\.Sre\.IotInstanceNotFound$|InstanceIdNotFound|IotInstanceId/i, code: 'config', hint: INSTANCE_HINT },
  { test: /^iot\.system\.UidNotFound$/i, code: 'config', hint: () => 'IoT Platform is not activated for this Alibaba Cloud account, or the AccessKey belongs to another account.' },
  { test: /NotExist|NotFound|^iot\.ota\.(Firmware|Job|Task)NotExist/i, code: 'not-found' },
  { test: /Existed|AlreadyExist|Duplicate|NameRepeat|Repeated/i, code: 'already-exists' },
  { test: /^iot\.system\.SystemException$|^InternalError|^ServiceUnavailable|^Timeout$|^Network$|^InvalidResponse$/i, code: 'unavailable', retryable: true },
];

/** The CloudError for anything an Alibaba call threw; `what` says what was being done. */
export function classifyAliyunError(e: unknown, what: string, ctx: AliyunErrorContext = {}): CloudErrorShape {
  if (isCloudError(e)) return e;
  if (!isAliyunApiError(e)) return new CloudError(`${what}: ${(e as Error)?.message ?? String(e)}`, 'unknown');
  if (e.code === 'Aborted') return new CloudError(`${what}: cancelled.`, 'canceled', undefined, e.code);
  const rule = RULES.find((r) => r.test.test(e.code));
  const code: CloudErrorCode = rule?.code ?? byStatus(e);
  const retryable = rule?.retryable ?? (code === 'unavailable' || code === 'throttled');
  return new CloudError(`${what}: ${detail(e)}`, code, rule?.hint?.(ctx), e.code, retryable);
}

function byStatus(e: AliyunApiErrorShape): CloudErrorCode {
  const s = e.httpStatus;
  if (s === undefined) return 'unavailable';
  if (s >= 500) return 'unavailable';
  if (s === 404) return 'not-found';
  if (s === 401 || s === 403) return 'credentials';
  return 'invalid'; // 4xx, and HTTP 200 with Success:false: the request was refused as it was
}

/** The rpc message already carries `Action failed: Code: message (RequestId …)`; keep its tail. */
const detail = (e: AliyunApiErrorShape) => e.message.replace(new RegExp(`^${e.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?: failed)?:\\s*`), '');

/** A classifier bound to a profile, in the kit's ClassifyError shape. */
export const aliyunClassifier = (ctx: AliyunErrorContext) => (e: unknown, what: string) => classifyAliyunError(e, what, ctx);
