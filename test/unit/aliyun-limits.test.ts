// Alibaba OTA limits checked before a call, and the FirmwareName derived per version.
import assert from 'assert';
import { RateLimiter, qpsOf as kitQpsOf } from '../../src/core/clouds/kit/rateLimiter';
import {
  FIRMWARE_NAME,
  QPS_LIMITS,
  firmwareName,
  firmwareProblems,
  fileSuffixOf,
  pageSize,
  staticJobProblems,
  tagProblems,
  verifyJobProblems,
} from '../../src/core/clouds/aliyun/limits';

const validName = (n: string) => [...n].length >= 1 && [...n].length <= 40 && [...n].every((c) => FIRMWARE_NAME.char.test(c)) && FIRMWARE_NAME.first.test(n[0]);

describe('aliyun limits: FirmwareName per version', () => {
  it('readable, valid, deterministic, and distinct per product, package and version', () => {
    const a = firmwareName('a1Bench', 'bench-demo', '1.4.2');
    assert.match(a, /^bench-demo-1_4_2-[0-9a-f]{6}$/);
    assert.ok(validName(a), a);
    assert.strictEqual(firmwareName('a1Bench', 'bench-demo', '1.4.2'), a);
    const others = [firmwareName('a1Bench', 'bench-demo', '1_4_2'), firmwareName('a1Other', 'bench-demo', '1.4.2'), firmwareName('a1Bench', 'bench-demo', '1.4.3')];
    assert.strictEqual(new Set([a, ...others]).size, 4);
  });

  it('long, odd and non-ASCII package names still give a valid name of at most 40', () => {
    for (const [pkg, ver] of [
      ['x'.repeat(128), '1.0.0-rc.1+build.77'],
      ['.hidden fw', '2.0'],
      ['固件-デモ', '1.0'],
      ['___', '1'],
    ]) {
      const n = firmwareName('pk', pkg, ver);
      assert.ok(validName(n), `${pkg} → ${n}`);
    }
    assert.match(firmwareName('pk', '___', '1'), /^1-[0-9a-f]{6}$/);
    assert.match(firmwareName('pk', '固件-デモ', '1.0'), /^固件-デモ-1_0-/);
  });
});

describe('aliyun limits: firmware, verify and static jobs', () => {
  const ok = { firmwareName: 'bench-1_0-abcdef', destVersion: '1.0.0', fileName: 'build/app.bin', fileBytes: 1234 };

  it('a valid firmware has no problems; each limit has its sentence', () => {
    assert.deepStrictEqual(firmwareProblems(ok), []);
    assert.match(firmwareProblems({ ...ok, firmwareName: 'x'.repeat(41) })[0], /FirmwareName must be 1–40/);
    assert.match(firmwareProblems({ ...ok, firmwareName: 'a.b' })[0], /FirmwareName allows only .* contains "\."/);
    assert.match(firmwareProblems({ ...ok, firmwareName: '-ab' })[0], /must start with a letter or digit/);
    assert.match(firmwareProblems({ ...ok, destVersion: '1.0 beta' })[0], /DestVersion allows only .* a space/);
    assert.match(firmwareProblems({ ...ok, destVersion: 'v'.repeat(65) })[0], /DestVersion must be 1–64/);
    assert.match(firmwareProblems({ ...ok, fileName: 'app.hex' })[0], /ending in .*\.bin.*"app\.hex"/);
    assert.match(firmwareProblems({ ...ok, fileBytes: 1000 * 1024 * 1024 + 1 })[0], /up to 1000 MB/);
    assert.match(firmwareProblems({ ...ok, fileBytes: 0 })[0], /is empty/);
    assert.match(firmwareProblems({ ...ok, firmwareDesc: '描'.repeat(101) })[0], /FirmwareDesc must be at most 100 characters; it has 101/);
    assert.deepStrictEqual(firmwareProblems({ ...ok, firmwareDesc: '描'.repeat(100) }), []);
  });

  it('file suffixes: the longest match wins', () => {
    assert.strictEqual(fileSuffixOf('fw.tar.gz'), 'tar.gz');
    assert.strictEqual(fileSuffixOf('FW.BIN'), 'bin');
    assert.strictEqual(fileSuffixOf('fw.elf'), undefined);
  });

  it('verify job: ≤10 distinct devices, TimeoutInMinutes 1–1440, DownloadProtocol, tags', () => {
    const v = { deviceNames: ['d1'], timeoutInMinutes: 10, downloadProtocol: 'HTTPS', tags: [{ Key: 'otabench.ref', Value: 'ota-bench-verify-x' }] };
    assert.deepStrictEqual(verifyJobProblems(v), []);
    assert.match(verifyJobProblems({ ...v, deviceNames: Array.from({ length: 11 }, (_, i) => `d${i}`) })[0], /at most 10 devices; the profile names 11/);
    assert.match(verifyJobProblems({ ...v, deviceNames: [] })[0], /at least one bench device/);
    assert.match(verifyJobProblems({ ...v, deviceNames: ['d1', 'd1'] })[0], /d1 appear more than once/);
    assert.match(verifyJobProblems({ ...v, timeoutInMinutes: 1441 })[0], /TimeoutInMinutes/);
    assert.match(verifyJobProblems({ ...v, timeoutInMinutes: 0 })[0], /TimeoutInMinutes/);
    assert.match(verifyJobProblems({ ...v, downloadProtocol: 'FTP' })[0], /DownloadProtocol/);
  });

  it('tags: key 1–30 of [A-Za-z0-9.], value 1–1024, ≤10 tags, ≤4096 characters', () => {
    assert.deepStrictEqual(tagProblems([{ Key: 'a.b9', Value: 'v' }]), []);
    assert.match(tagProblems([{ Key: 'bad-key', Value: 'v' }])[0], /Tag key "bad-key"/);
    assert.match(tagProblems([{ Key: 'k', Value: '' }])[0], /value must be 1–1024/);
    assert.match(tagProblems(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })))[0], /At most 10 tags/);
    assert.match(tagProblems(Array.from({ length: 5 }, (_, i) => ({ Key: `k${i}`, Value: 'v'.repeat(1000) }))).join(' '), /4096 characters in all/);
  });

  it('static upgrade job: selections and documented ranges', () => {
    const now = Date.parse('2026-11-30T10:00:00Z');
    assert.deepStrictEqual(staticJobProblems({ targetSelection: 'SPECIFIC', deviceNames: ['d1'], timeoutInMinutes: 60, retryInterval: 10, retryCount: 2, maximumPerMinute: 100, overwriteMode: 1 }, now), []);
    assert.deepStrictEqual(staticJobProblems({ targetSelection: 'GRAY', grayPercent: '12.345' }, now), []);
    assert.deepStrictEqual(staticJobProblems({ targetSelection: 'ALL', scheduleTime: now + 10 * 60_000, scheduleFinishTime: now + 10 * 60_000 + 2 * 3_600_000 }, now), []);
    const p = (j: Parameters<typeof staticJobProblems>[0]) => staticJobProblems(j, now).join(' | ');
    assert.match(p({ targetSelection: 'SOME' }), /TargetSelection must be one of ALL, SPECIFIC, GRAY, GROUP/);
    assert.match(p({ targetSelection: 'SPECIFIC', deviceNames: [] }), /1–200 devices/);
    assert.match(p({ targetSelection: 'SPECIFIC', deviceNames: Array.from({ length: 201 }, (_, i) => `d${i}`) }), /got 201/);
    assert.match(p({ targetSelection: 'GRAY', grayPercent: '12.3456' }), /GrayPercent/);
    assert.match(p({ targetSelection: 'GRAY', grayPercent: '101' }), /GrayPercent/);
    assert.match(p({ targetSelection: 'GROUP' }), /GroupId/);
    assert.match(p({ targetSelection: 'ALL', scheduleTime: now + 60_000 }), /5 minutes to 7 days/);
    assert.match(p({ targetSelection: 'ALL', scheduleTime: now + 10 * 60_000, scheduleFinishTime: now + 20 * 60_000 }), /1 hour to 30 days/);
    assert.match(p({ targetSelection: 'ALL', retryInterval: 15 }), /RetryInterval must be one of 0, 10, 30, 60, 1440/);
    assert.match(p({ targetSelection: 'ALL', retryInterval: 60, timeoutInMinutes: 30 }), /must be less than TimeoutInMinutes/);
    assert.match(p({ targetSelection: 'ALL', retryCount: 3 }), /RetryCount/);
    assert.match(p({ targetSelection: 'ALL', maximumPerMinute: 5 }), /MaximumPerMinute/);
    assert.match(p({ targetSelection: 'ALL', overwriteMode: 3 }), /OverwriteMode/);
  });
});

describe('aliyun limits: paging and QPS', () => {
  it('page sizes clamp to each action\'s own maximum', () => {
    assert.strictEqual(pageSize('ListOTAFirmware'), 100);
    assert.strictEqual(pageSize('ListOTAJobByFirmware'), 200);
    assert.strictEqual(pageSize('ListOTATaskByJob', 500), 100);
    assert.strictEqual(pageSize('ListOTAFirmware', 0), 1);
    assert.strictEqual(pageSize('ListOTAJobByFirmware', 50), 50);
  });

  it('documented QPS as the kit limiter reads it: 10 default, 20 QueryOTAFirmware, 10 QueryOTAJob, 5 CancelOTATaskByJob', () => {
    const q = (a: string) => kitQpsOf(QPS_LIMITS, a);
    assert.strictEqual(q('CancelOTATaskByJob'), 5);
    assert.strictEqual(q('QueryOTAFirmware'), 20);
    assert.strictEqual(q('QueryOTAJob'), 10);
    assert.strictEqual(q('CreateOTAStaticUpgradeJob'), 20);
    assert.strictEqual(q('ListOTAFirmware'), 10);
    assert.strictEqual(q('SomethingUnlisted'), 10);
    assert.doesNotThrow(() => new RateLimiter(QPS_LIMITS));
  });
});
