// Alibaba failures as CloudErrors: what the user can do, Alibaba's Code and RequestId kept, no
// instanceof across bundles (recognised by shape).
import assert from 'assert';
import { classifyAliyunError, aliyunClassifier } from '../../src/core/clouds/aliyun/errors';
import { AliyunApiError } from '../../src/core/clouds/aliyun/rpc';
import { CloudError, isCloudError } from '../../src/core/errors';

const api = (code: string, status: number | undefined = 200, action = 'CreateOTAVerifyJob', message = 'something') =>
  new AliyunApiError(`${action} failed: ${code}: ${message} (RequestId R-1)`, code, action, 'R-1', status);

describe('aliyun errors → CloudError', () => {
  it('throttling is throttled and retryable', () => {
    for (const code of ['Throttling', 'Throttling.User', 'Throttling.Api']) {
      const e = classifyAliyunError(api(code, 400), 'Starting the verify job');
      assert.strictEqual(e.code, 'throttled', code);
      assert.strictEqual(e.retryable, true);
    }
  });

  it('credentials: bad key, bad signature, expired STS token, missing permission; with a hint', () => {
    assert.strictEqual(classifyAliyunError(api('InvalidAccessKeyId.NotFound', 404), 'x').code, 'credentials');
    assert.strictEqual(classifyAliyunError(api('SignatureDoesNotMatch', 400), 'x').code, 'credentials');
    const sts = classifyAliyunError(api('InvalidSecurityToken.Expired', 400), 'x');
    assert.strictEqual(sts.code, 'credentials');
    assert.match(sts.hint ?? '', /STS token expired/);
    const ram = classifyAliyunError(api('iot.common.RamActionPermissionDeny'), 'x');
    assert.strictEqual(ram.code, 'credentials');
    assert.match(ram.hint ?? '', /RAM user/);
  });

  it('an instance error names the IotInstanceId setting, with or without a value', () => {
    const none = classifyAliyunError(api('iot.system.InstanceNotFound'), 'Listing firmware', {});
    assert.strictEqual(none.code, 'config');
    assert.match(none.hint ?? '', /set the profile's IoT instance id \(IotInstanceId/);
    const wrong = aliyunClassifier({ iotInstanceId: 'iot-cn-xyz' })(api('iot.Sre.IotInstanceNotFound'), 'Listing firmware');
    assert.match(wrong.hint ?? '', /IotInstanceId "iot-cn-xyz"/);
  });

  it('not found, already exists, system errors, and Success:false otherwise invalid', () => {
    assert.strictEqual(classifyAliyunError(api('iot.ota.FirmwareNotExist'), 'x').code, 'not-found');
    assert.strictEqual(classifyAliyunError(api('iot.ota.FirmwareNameExisted'), 'x').code, 'already-exists');
    const sys = classifyAliyunError(api('iot.system.SystemException'), 'x');
    assert.strictEqual(sys.code, 'unavailable');
    assert.strictEqual(sys.retryable, true);
    assert.strictEqual(classifyAliyunError(api('iot.ota.VerifyJobIsProcessing'), 'x').code, 'invalid');
    assert.strictEqual(classifyAliyunError(api('SomeGatewayError', 502), 'x').code, 'unavailable');
  });

  it('keeps what was being done, the Code and the RequestId in the message; cloudCode is the Code', () => {
    const e = classifyAliyunError(api('iot.ota.FirmwareNotExist', 200, 'QueryOTAFirmware', 'The firmware does not exist.'), 'Reading firmware fw-1');
    assert.strictEqual(e.message, 'Reading firmware fw-1: iot.ota.FirmwareNotExist: The firmware does not exist. (RequestId R-1)');
    assert.strictEqual(e.cloudCode, 'iot.ota.FirmwareNotExist');
    assert.ok(isCloudError(e));
  });

  it('transport: timeout / network / not JSON are unavailable; an abort is canceled; CloudErrors pass through', () => {
    assert.strictEqual(classifyAliyunError(new AliyunApiError('QueryOTAJob: no answer', 'Timeout', 'QueryOTAJob'), 'x').code, 'unavailable');
    assert.strictEqual(classifyAliyunError(new AliyunApiError('QueryOTAJob: cannot reach', 'Network', 'QueryOTAJob'), 'x').code, 'unavailable');
    assert.strictEqual(classifyAliyunError(new AliyunApiError('QueryOTAJob: not JSON', 'InvalidResponse', 'QueryOTAJob', undefined, 200), 'x').code, 'unavailable');
    assert.strictEqual(classifyAliyunError(new AliyunApiError('cancelled', 'Aborted', 'QueryOTAJob'), 'Reading job').code, 'canceled');
    const mine = new CloudError('keys missing', 'credentials');
    assert.strictEqual(classifyAliyunError(mine, 'x'), mine);
    const other = classifyAliyunError(new TypeError('boom'), 'Reading job');
    assert.strictEqual(other.code, 'unknown');
    assert.match(other.message, /Reading job: boom/);
  });

  it('recognises an AliyunApiError from another bundle by its shape', () => {
    const foreign = Object.assign(new Error('ListOTAFirmware failed: Throttling.User: slow down (RequestId R-9)'), { name: 'AliyunApiError', code: 'Throttling.User', action: 'ListOTAFirmware', requestId: 'R-9', httpStatus: 400 });
    assert.strictEqual(classifyAliyunError(foreign, 'Listing firmware').code, 'throttled');
  });
});
