// IoTDA endpoints and signature choice, wire helpers (both document forms, time) and the device side.
import assert from 'assert';
import { checkMqttConnect, downTopic, mqttCredentials, mqttPassword, mqttTimestamp, otaMessage, otaServices, resultText, upTopic } from '../../src/core/clouds/huawei/device';
import { iotdaEndpoint, obsEndpoint, obsObjectUrl, signingFor } from '../../src/core/clouds/huawei/endpoint';
import { SDK_HMAC_SHA256, V11_HMAC_SHA256 } from '../../src/core/clouds/huawei/sign';
import { documentPackageIds, formatIotdaTime, isIoTDAErrorBody, parseIotdaTime, PATHS, upgradeDocument } from '../../src/core/clouds/huawei/wire';

/* eslint-disable-next-line @typescript-eslint/no-require-imports */
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');

describe('Huawei endpoints', () => {
  it('derives the IoTDA and OBS endpoints from the region; an override wins', () => {
    assert.strictEqual(iotdaEndpoint('cn-north-4'), 'https://iotda.cn-north-4.myhuaweicloud.com');
    assert.strictEqual(iotdaEndpoint('cn-north-4', 'https://abc123.st1.iotda-app.cn-north-4.myhuaweicloud.com/'), 'https://abc123.st1.iotda-app.cn-north-4.myhuaweicloud.com');
    assert.strictEqual(iotdaEndpoint('cn-north-4', '  '), 'https://iotda.cn-north-4.myhuaweicloud.com');
    assert.strictEqual(obsEndpoint('ap-southeast-1'), 'https://obs.ap-southeast-1.myhuaweicloud.com');
    assert.strictEqual(obsObjectUrl('fw', 'cn-north-4', 'a b/fw 1.bin'), 'https://fw.obs.cn-north-4.myhuaweicloud.com/a%20b/fw%201.bin');
  });

  it('picks the plain signature for regional hosts, the derived one for instances and other hosts', () => {
    assert.strictEqual(signingFor('https://iotda.cn-north-4.myhuaweicloud.com'), SDK_HMAC_SHA256);
    assert.strictEqual(signingFor('https://abc123.st1.iotda-app.cn-north-4.myhuaweicloud.com'), V11_HMAC_SHA256);
    assert.strictEqual(signingFor('https://iotda.cn-north-4.myhuaweicloud.com', { instanceId: '2b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' }), V11_HMAC_SHA256);
    assert.strictEqual(signingFor('http://127.0.0.1:8080'), V11_HMAC_SHA256);
    assert.strictEqual(signingFor('http://127.0.0.1:8080', { choice: 'plain' }), SDK_HMAC_SHA256);
    assert.strictEqual(signingFor('https://iotda.cn-north-4.myhuaweicloud.com', { choice: 'derived' }), V11_HMAC_SHA256);
  });

  it('agrees with the official SDK default predicate when no instance id is set', () => {
    for (const endpoint of ['https://iotda.cn-north-4.myhuaweicloud.com', 'https://iotda.ap-southeast-1.myhuaweicloud.com', 'https://abc.st1.iotda-app.cn-north-4.myhuaweicloud.com', 'http://127.0.0.1:1234', 'http://localhost:80']) {
      const sdkDerived = !BasicCredentials.DEFAULT_ENDPOINT_REG.test(new URL(endpoint).hostname);
      assert.strictEqual(signingFor(endpoint) === V11_HMAC_SHA256, sdkDerived, endpoint);
    }
  });
});

describe('Huawei wire helpers', () => {
  it('writes the upgrade document in either form and reads both', () => {
    assert.deepStrictEqual(upgradeDocument('p1'), { package_ids: ['p1'] });
    assert.deepStrictEqual(upgradeDocument('p1', 'package_id'), { package_id: 'p1' });
    assert.deepStrictEqual(documentPackageIds({ package_ids: ['a', 'b'] }), ['a', 'b']);
    assert.deepStrictEqual(documentPackageIds({ package_id: 'a' }), ['a']);
    assert.deepStrictEqual(documentPackageIds({ package_ids: ['a'], package_id: 'a' }), ['a']);
    assert.deepStrictEqual(documentPackageIds({ package_ids: 'a' }), []);
    assert.deepStrictEqual(documentPackageIds(null), []);
  });

  it('formats and parses the compact UTC time; refuses other forms', () => {
    const d = new Date(Date.UTC(2026, 10, 30, 9, 5, 7));
    assert.strictEqual(formatIotdaTime(d), '20261130T090507Z');
    assert.strictEqual(parseIotdaTime('20261130T090507Z')?.getTime(), d.getTime());
    assert.strictEqual(parseIotdaTime('2026-11-30T09:05:07Z'), undefined);
    assert.strictEqual(parseIotdaTime(undefined), undefined);
  });

  it('builds the API paths with encoded ids and recognises the error body', () => {
    assert.strictEqual(PATHS.package('p', 'a/b'), '/v5/iot/p/ota-upgrades/packages/a%2Fb');
    assert.strictEqual(PATHS.taskAction('p', 't', 'retry'), '/v5/iot/p/batchtasks/t/retry');
    assert.ok(isIoTDAErrorBody({ error_code: 'IOTDA.000006', error_msg: 'Invalid input' }));
    assert.ok(!isIoTDAErrorBody({ error_code: 1 }));
  });
});

describe('Huawei device side', () => {
  it('MQTT password: HMAC-SHA256 of the secret keyed by YYYYMMDDHH (the documented example)', () => {
    assert.strictEqual(mqttPassword('12345678', '2025041401'), 'c75150e6cb841417396819e4d2ee4358a416344a03a083e3a8567074ddec820a');
    assert.strictEqual(mqttTimestamp(new Date(Date.UTC(2018, 6, 24, 17, 56, 20))), '2018072417');
    const c = mqttCredentials('D39564861q3gDa', '12345678', new Date(Date.UTC(2018, 6, 24, 17, 56, 20)));
    assert.deepStrictEqual([c.clientId, c.username], ['D39564861q3gDa_0_0_2018072417', 'D39564861q3gDa']);
  });

  it('the platform check accepts good credentials and names what is wrong otherwise', () => {
    const at = new Date(Date.UTC(2026, 10, 30, 9, 0));
    const secretOf = (id: string) => (id === 'prod_dev-1' ? 's3cret-key' : undefined);
    const c = mqttCredentials('prod_dev-1', 's3cret-key', at, true);
    assert.strictEqual(checkMqttConnect(c.clientId, c.username, Buffer.from(c.password), secretOf, at), undefined);
    assert.match(checkMqttConnect(c.clientId, c.username, 'x'.repeat(64), secretOf, at)!, /wrong password/);
    assert.match(checkMqttConnect('prod_dev-1', c.username, c.password, secretOf, at)!, /not \{device_id\}_0_/);
    assert.match(checkMqttConnect(c.clientId, 'other', c.password, secretOf, at)!, /username/);
    assert.match(checkMqttConnect(c.clientId, c.username, c.password, secretOf, new Date(at.getTime() + 3 * 3_600_000))!, /too far/);
    const unchecked = mqttCredentials('prod_dev-1', 's3cret-key', at, false);
    assert.strictEqual(checkMqttConnect(unchecked.clientId, unchecked.username, unchecked.password, secretOf, new Date(at.getTime() + 3 * 3_600_000)), undefined);
    const other = mqttCredentials('ghost', 's3cret-key', at);
    assert.match(checkMqttConnect(other.clientId, other.username, other.password, secretOf, at)!, /not registered/);
  });

  it('topics, the $ota envelope and result codes', () => {
    assert.strictEqual(downTopic('d1'), '$oc/devices/d1/sys/events/down');
    assert.strictEqual(upTopic('d1'), '$oc/devices/d1/sys/events/up');
    const m = otaMessage('d1', 'version_report', { fw_version: '1.0.0' }, new Date(Date.UTC(2026, 0, 1)));
    assert.deepStrictEqual(m, { object_device_id: 'd1', services: [{ service_id: '$ota', event_type: 'version_report', event_time: '20260101T000000Z', paras: { fw_version: '1.0.0' } }] });
    assert.strictEqual(otaServices(m).length, 1);
    assert.deepStrictEqual(otaServices({ services: [{ service_id: 'other', event_type: 'x', paras: {} }] }), []);
    assert.deepStrictEqual(otaServices('garbage'), []);
    assert.strictEqual(resultText(7), 'result_code 7 (package verification failure)');
    assert.strictEqual(resultText(42), 'result_code 42 (unknown code)');
  });
});
