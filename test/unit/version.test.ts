import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  compileVersionRegex,
  embeddedVersion,
  packageNameProblems,
  readEmbeddedVersion,
  readVersion,
  VersionError,
  versionProblems,
  versionStamp,
  versionValidator,
} from '../../src/core/version';

const tmp = () => mkdtempSync(join(tmpdir(), 'otab-ver-'));

async function rejects(p: Promise<unknown>, re: RegExp, hint?: RegExp): Promise<VersionError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof VersionError, `expected a VersionError, got ${e}`);
    assert.match(e.message, re);
    if (hint) assert.match(e.hint, hint);
    return e;
  }
  assert.fail(`expected a rejection matching ${re}`);
}

describe('version rules per cloud', () => {
  it('accepts an ordinary version on every cloud', () => {
    assert.deepEqual(versionProblems('1.4.2', ['aws', 'huawei', 'aliyun']), []);
    assert.deepEqual(versionProblems('v2.0.0-rc_1', ['aws', 'huawei', 'aliyun']), []);
  });

  it('AWS versionName and Alibaba DestVersion stop at 64 characters, Huawei version at 256', () => {
    const v64 = '1'.repeat(64);
    const v65 = '1'.repeat(65);
    assert.deepEqual(versionProblems(v64, ['aws', 'aliyun', 'huawei']), []);
    const p = versionProblems(v65, ['aws', 'aliyun', 'huawei']);
    assert.deepEqual(p.map((x) => x.cloud), ['aws', 'aliyun']);
    assert.match(p[0].message, /AWS IoT versionName must be 1–64 characters; the version "1+" has 65/);
    assert.match(p[1].message, /DestVersion must be 1–64/);
    assert.deepEqual(versionProblems('1'.repeat(256), ['huawei']), []);
    assert.match(versionProblems('1'.repeat(257), ['huawei'])[0].message, /Huawei Cloud IoTDA version must be 1–256 characters/);
  });

  it('names the characters a cloud refuses', () => {
    const p = versionProblems('1.4.2 beta+1', ['aws', 'huawei', 'aliyun']);
    assert.equal(p.length, 3);
    for (const x of p) assert.match(x.message, /allows only letters, digits, "-", "_" and "."; the version "1\.4\.2 beta\+1" contains a space, "\+"/);
    assert.equal(versionProblems('', ['aws']).length, 1);
    assert.match(versionProblems('1.4/2', ['huawei'])[0].message, /contains "\/"/);
  });

  it('checks only the clouds asked for, once each', () => {
    assert.deepEqual(versionProblems('1'.repeat(100), ['huawei', 'huawei']), []);
    assert.equal(versionProblems('a b', ['aws', 'aws']).length, 1);
  });

  it('package names: AWS 1–128 safe characters; Alibaba any (its FirmwareName is derived per version)', () => {
    assert.deepEqual(packageNameProblems('bench-demo-firmware', ['aws', 'huawei', 'aliyun']), []);
    assert.match(packageNameProblems('my firmware', ['aws'])[0].message, /packageName allows only/);
    assert.deepEqual(packageNameProblems('x'.repeat(41), ['aliyun']), []);
    assert.deepEqual(packageNameProblems('my.firmware v2', ['aliyun']), []);
    assert.deepEqual(packageNameProblems('x'.repeat(128), ['aws', 'huawei']), []);
  });

  it('gives an input-box validator', () => {
    const v = versionValidator(['aws']);
    assert.equal(v('1.0.0'), undefined);
    assert.match(v('1 0')!, /contains a space/);
  });
});

describe('reading the version', () => {
  let root: string;
  beforeEach(() => {
    root = tmp();
    mkdirSync(join(root, 'include'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads #define FW_VERSION from a header and says where', async () => {
    writeFileSync(join(root, 'include/version.h'), '#pragma once\n/* v */\n#define   FW_VERSION   "1.4.2"\n');
    assert.deepEqual(await readVersion({ kind: 'file', file: 'include/version.h' }, { root }), { version: '1.4.2', origin: 'include/version.h:3' });
  });

  it('uses a custom regex, by first group or a group named version', async () => {
    writeFileSync(join(root, 'app.cfg'), 'name=demo\nAPP_VERSION = 2.0.1\n');
    assert.equal((await readVersion({ kind: 'file', file: 'app.cfg', regex: 'APP_VERSION\\s*=\\s*(\\S+)' }, { root })).version, '2.0.1');
    assert.equal((await readVersion({ kind: 'file', file: 'app.cfg', regex: '(name)=\\w+\\n(?<version>APP)' }, { root })).version, 'APP');
  });

  it('fails clearly: missing file, no match, bad regex, no capture group, empty capture', async () => {
    await rejects(readVersion({ kind: 'file', file: 'include/nope.h' }, { root }), /The version file include\/nope\.h does not exist/, /header that defines the version/);
    writeFileSync(join(root, 'include/version.h'), '#define FW_VER "1.4.2"\n');
    await rejects(readVersion({ kind: 'file', file: 'include/version.h' }, { root }), /No line of include\/version\.h matches the version regex/, /#define FW_VERSION "1\.4\.2"/);
    await rejects(readVersion({ kind: 'file', file: 'include/version.h', regex: 'FW_(VER' }, { root }), /not a valid regular expression/);
    await rejects(readVersion({ kind: 'file', file: 'include/version.h', regex: 'FW_VER' }, { root }), /has no capture group/, /parentheses/);
    writeFileSync(join(root, 'include/version.h'), '#define FW_VERSION "  "\n');
    await rejects(readVersion({ kind: 'file', file: 'include/version.h', regex: 'FW_VERSION "([^"]*)"' }, { root }), /captured version is empty/);
    await rejects(readVersion({ kind: 'file', file: 'include' }, { root }), /is a folder/);
    assert.throws(() => compileVersionRegex('x'), VersionError);
  });

  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });

  it('reads the nearest git tag (real git), stripping a leading v', async () => {
    git(root, 'init', '-q');
    writeFileSync(join(root, 'a.txt'), 'a');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    git(root, 'tag', 'v1.4.2');
    assert.deepEqual(await readVersion({ kind: 'git' }, { root }), { version: '1.4.2', origin: 'git tag v1.4.2' });
    writeFileSync(join(root, 'b.txt'), 'b');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'two');
    const after = await readVersion({ kind: 'git', stripPrefix: '' }, { root });
    assert.match(after.version, /^v1\.4\.2-1-g[0-9a-f]+$/);
    assert.deepEqual(versionProblems(after.version, ['aws', 'huawei', 'aliyun']), []);
  });

  it('git errors: no tags, not a repository', async () => {
    await rejects(readVersion({ kind: 'git' }, { root }), /is not a git repository/);
    git(root, 'init', '-q');
    writeFileSync(join(root, 'a.txt'), 'a');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    await rejects(readVersion({ kind: 'git' }, { root }), /has no tags/, /git tag v1\.4\.2/);
  });

  it('asks through the injected prompt, with the cloud rules as validation; dismissing is a cancel', async () => {
    let seen: ((v: string) => string | undefined) | undefined;
    const v = await readVersion({ kind: 'ask' }, { root, validate: versionValidator(['aws']), ask: async (o) => ((seen = o.validate), ' 3.1.0 ') });
    assert.deepEqual(v, { version: '3.1.0', origin: 'asked' });
    assert.match(seen!('a b')!, /contains a space/);
    const e = await rejects(readVersion({ kind: 'ask' }, { root, ask: async () => undefined }), /No version was entered/);
    assert.equal(e.canceled, true);
    await rejects(readVersion({ kind: 'ask' }, { root }), /nothing can ask here/);
  });

  it('takes a confirmed version as it is (trimmed)', async () => {
    assert.deepEqual(await readVersion({ kind: 'fixed', version: ' 1.5.0' }, { root }), { version: '1.5.0', origin: 'confirmed' });
    await rejects(readVersion({ kind: 'fixed', version: ' ' }, { root }), /empty/);
  });
});

describe('version stamped in an image', () => {
  it('finds the stamp in the first 64 KiB, and nothing otherwise', async () => {
    const img = Buffer.concat([Buffer.from('header\n'), versionStamp('1.4.2'), Buffer.alloc(100_000, 7)]);
    assert.equal(embeddedVersion(img), '1.4.2');
    assert.equal(embeddedVersion(Buffer.alloc(1000, 1)), undefined);
    const late = Buffer.concat([Buffer.alloc(70_000), versionStamp('9.9.9')]);
    assert.equal(embeddedVersion(late), undefined);
    const unterminated = Buffer.from('OTA_BENCH_VERSION=1.4.2');
    assert.equal(embeddedVersion(unterminated), undefined);
    const dir = tmp();
    try {
      writeFileSync(join(dir, 'fw.bin'), img);
      assert.equal(await readEmbeddedVersion(join(dir, 'fw.bin')), '1.4.2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
