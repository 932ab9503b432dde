import { strict as assert } from 'assert';
import { descriptorOf } from '../../src/core/clouds/registry';
import { parseProfiles, secretKeys, validateProfileName, validators, type CloudKind } from '../../src/core/profiles';

const validateRegion = (kind: CloudKind) => descriptorOf(kind).regions.validate;

describe('profiles', () => {
  describe('region validation', () => {
    it('accepts real region names per cloud', () => {
      assert.equal(validateRegion('aws')('us-east-1'), undefined);
      assert.equal(validateRegion('aws')('us-gov-west-1'), undefined);
      assert.equal(validateRegion('huawei')('cn-north-4'), undefined);
      assert.equal(validateRegion('aliyun')('cn-shanghai'), undefined);
      assert.equal(validateRegion('aliyun')('ap-southeast-1'), undefined);
    });
    it('rejects bad regions with a message that says what a good one looks like', () => {
      assert.match(validateRegion('aws')('us-east')!, /not an AWS region.*us-east-1/);
      assert.match(validateRegion('aws')('US-EAST-1')!, /not an AWS region/);
      assert.match(validateRegion('huawei')('cn-north-9')!, /cn-north-4/);
      assert.match(validateRegion('aliyun')('shanghai')!, /cn-shanghai/);
    });
  });

  it('validates ids from the reference', () => {
    assert.equal(validators.projectId('0123456789abcdef0123456789abcdef'), undefined);
    assert.ok(validators.projectId('0123'));
    assert.equal(validators.thingName('bench-board_01:a'), undefined);
    assert.ok(validators.thingName('bad thing'));
    assert.equal(validators.bucket(''), undefined, 'optional fields accept empty');
    assert.ok(validators.bucket('Upper_Case'));
    assert.ok(validators.bucket('192.168.1.1'), 'IP-shaped bucket names are not allowed');
    assert.equal(validators.roleArn('arn:aws:iam::123456789012:role/ota-role'), undefined);
    assert.ok(validators.roleArn('arn:aws:iam::1234:role/x'));
    assert.equal(validators.productKey('a1BwAGV1234'), undefined);
    assert.ok(validators.productKey('short'));
    assert.equal(validators.endpoint('http://127.0.0.1:4566'), undefined);
    assert.ok(validators.endpoint('ftp://x'));
    assert.ok(validators.endpoint('not a url'));
    assert.ok(validators.secret('short'));
    assert.equal(validateProfileName('my bench'), undefined);
    assert.ok(validateProfileName(' leading'));
  });

  describe('parseProfiles', () => {
    it('keeps valid profiles and turns every bad entry into an error (never throws)', () => {
      const { profiles, errors } = parseProfiles([
        { kind: 'aws', name: 'dev', region: 'us-east-1', thingName: 'bench-1' },
        { kind: 'huawei', name: 'hw', region: 'cn-north-4', projectId: 'abc' },
        'garbage',
        { kind: 'gcp', name: 'x', region: 'y' },
        { kind: 'aws', name: 'dev', region: 'eu-west-1' },
        { kind: 'aliyun', name: 'ali', region: 'cn-shanghai', productKey: 42 },
      ]);
      assert.deepEqual(profiles.map((p) => p.name), ['dev']);
      assert.deepEqual(
        errors.map((e) => [e.index, e.name]),
        [[1, 'hw'], [2, undefined], [3, 'x'], [4, 'dev'], [5, 'ali']],
      );
      assert.match(errors[0].message, /projectId/);
      assert.match(errors[2].message, /kind/);
      assert.match(errors[3].message, /Duplicate/);
      assert.match(errors[4].message, /must be a string/);
    });
    it('reports a non-array setting', () => {
      const { profiles, errors } = parseProfiles({ kind: 'aws' });
      assert.equal(profiles.length, 0);
      assert.equal(errors[0].index, -1);
    });
    it('drops empty optional fields and keeps unknown extra keys', () => {
      const { profiles } = parseProfiles([{ kind: 'aws', name: 'a', region: 'us-east-1', bucket: '', signing: { mode: 'hash' } }]);
      assert.deepEqual(profiles[0], { kind: 'aws', name: 'a', region: 'us-east-1', signing: { mode: 'hash' } });
    });
  });

  it('names secret keys per profile, none for AWS (credential chain)', () => {
    assert.deepEqual(secretKeys({ kind: 'aws', name: 'a' }), []);
    assert.deepEqual(secretKeys({ kind: 'huawei', name: 'h' }), ['otaBench.profile/h/accessKey', 'otaBench.profile/h/secretKey', 'otaBench.profile/h/securityToken']);
  });
});
