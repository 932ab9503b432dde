// The cloud contract as data and as behaviour: the descriptors and their registry, the profile
// parser that reads them, and the release's use of client references, pending work, capabilities
// and signing preflight (issue 8 §2–3), each with its failure path.
import { strict as assert } from 'assert';
import { CAPABILITIES } from '../../src/core/clouds/descriptor';
import { benchTargets, can, CLOUD_KINDS, descriptorOf, missingCapability } from '../../src/core/clouds/registry';
import { isVerifyReference, verifyReference } from '../../src/core/clouds/verifyRef';
import type { HuaweiProfile } from '../../src/core/profiles';
import { parseProfiles } from '../../src/core/profiles';
import { resumeRelease, startRelease } from '../../src/core/release/pipeline';
import { signingProblem } from '../../src/core/release/signingSettings';
import { parseReleaseSettings } from '../../src/core/release/settings';
import type { ReleaseRecord, StepId } from '../../src/core/release/types';
import { benchesCleanedAfterEach } from './releaseHarness';

const bench = benchesCleanedAfterEach();
const step = (r: ReleaseRecord, id: StepId) => r.steps.find((s) => s.id === id)!;
const HUAWEI: HuaweiProfile = { kind: 'huawei', name: 'hw', region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef', deviceId: 'bench-dev-1' };

describe('cloud descriptors and the registry', () => {
  it('every cloud is described: label, regions, fields, bench field, lists, folders, credentials help', () => {
    assert.deepEqual(CLOUD_KINDS, ['aws', 'huawei', 'aliyun']);
    for (const kind of CLOUD_KINDS) {
      const d = descriptorOf(kind);
      assert.equal(d.kind, kind);
      assert.ok(d.regions.known.length > 0 && d.regions.validate(d.regions.known[0]) === undefined, `${kind} known regions validate`);
      assert.ok(d.regions.validate('nowhere-9'), `${kind} refuses a bad region`);
      assert.match(d.regions.endpoint(d.regions.known[0]), /^https:\/\//);
      assert.ok(d.profileFields.some((f) => f.key === d.bench.field), `${kind} bench field is a profile field`);
      assert.ok(d.folders.length > 0);
      for (const c of d.capabilities) assert.ok((CAPABILITIES as readonly string[]).includes(c), c);
      for (const list of Object.values(d.lists)) assert.ok(list.maxPageSize >= 50, `${kind} Load All uses the API maximum`);
    }
  });

  it('job scope and folders follow each cloud: Alibaba lists jobs only under a firmware', () => {
    assert.deepEqual(descriptorOf('aws').folders.map((f) => f.label), ['Packages', 'Jobs', 'OTA updates']);
    assert.deepEqual(descriptorOf('huawei').folders.map((f) => f.label), ['Packages', 'Upgrade tasks']);
    assert.deepEqual(descriptorOf('aliyun').folders.map((f) => f.label), ['Firmware']);
    assert.equal(descriptorOf('aliyun').jobScope, 'version');
    assert.equal(descriptorOf('aws').jobScope, 'account');
  });

  it('optional operations are capabilities; a cloud without one says why in one sentence', () => {
    assert.ok(can('aws', 'version-lifecycle') && can('aws', 'cancel-execution') && can('aws', 'ota-updates') && can('aws', 'fleet-rollout'));
    assert.equal(missingCapability({ kind: 'aws', name: 'a' }, 'release', 'releases'), undefined);
    for (const kind of ['huawei', 'aliyun'] as const) {
      assert.equal(can(kind, 'version-lifecycle'), false);
      if (kind === 'huawei') assert.ok(can(kind, 'fleet-rollout'), 'Huawei: Release to Fleet is one firmwareUpgrade batch task');
      if (!can(kind, 'release')) {
        const why = missingCapability({ kind, name: 'p' }, 'release', 'releases')!;
        assert.match(why, /^[^.]+\.[^.]*$/, 'one sentence');
      }
    }
  });

  it('bench boards: one or several per profile, as a list or comma-separated, at most the verify limit', () => {
    const { profiles, errors } = parseProfiles([
      { kind: 'aliyun', name: 'ali', region: 'cn-shanghai', deviceName: ['bench-a', 'bench-b'] },
      { kind: 'aws', name: 'aws', region: 'us-east-1', thingName: 'board-1, board-2' },
      { kind: 'aliyun', name: 'many', region: 'cn-shanghai', deviceName: Array.from({ length: 11 }, (_, i) => `bench-${i}`) },
      { kind: 'aws', name: 'dup', region: 'us-east-1', thingName: 'board-1,board-1' },
      { kind: 'huawei', name: 'hw', region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef', credentials: 'keyring' },
    ]);
    assert.deepEqual(profiles.map((p) => [p.name, benchTargets(p)]), [['ali', ['bench-a', 'bench-b']], ['aws', ['board-1', 'board-2']]]);
    assert.match(errors[0].message, /At most 10 devices/);
    assert.match(errors[1].message, /may appear once/);
    assert.match(errors[2].message, /credentials.*secrets, env/i);
  });

  it('one verify-reference maker: recognisable, unique per call, within the length asked', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const a = verifyReference('bench-fw', '1.2.3', at);
    assert.ok(isVerifyReference(a));
    assert.notEqual(a, verifyReference('bench-fw', '1.2.3', at));
    assert.ok(verifyReference('p'.repeat(200), 'v'.repeat(64), at, 56).length <= 56);
    assert.equal(isVerifyReference('otabench-verify-1'), false, 'the old second prefix is gone');
    const hw = descriptorOf('huawei').clientReference;
    const task = verifyReference('bench-fw', '1.2.3', at, hw.maxLength, undefined, hw.separator);
    assert.match(task, /^ota_bench_verify_bench_fw_1_2_3_\d{17}[0-9a-f]{6}$/, 'Huawei task_name: letters, digits, "_" only');
    assert.ok(isVerifyReference(task));
  });

  it('signing preflight: a cloud whose devices check a signature refuses hash-only; the others accept it', () => {
    assert.match(signingProblem({ mode: 'hash-only', hash: 'sha256' }, 'aws')!, /AWS IoT devices check a signature/);
    assert.equal(signingProblem({ mode: 'local-key', keyFile: 'k.pem' }, 'aws'), undefined);
    assert.equal(signingProblem({ mode: 'hash-only', hash: 'sha256' }, 'huawei'), undefined);
    assert.equal(signingProblem({ mode: 'hash-only', hash: 'md5' }, 'aliyun'), undefined);
  });
});

describe('release on the contract', () => {
  it('an AWS release without signing stops before the upload, saying how to fix it', async () => {
    const b = bench();
    const r = await startRelease({ ...b.config, signing: { mode: 'hash-only', hash: 'sha256' } }, b.deps);
    assert.equal(r.status, 'failed');
    assert.equal(r.resumeAt, 'sign');
    assert.match(step(r, 'sign').reason!, /devices check a signature/);
    assert.equal(b.cloud.counts.publishCalls, 0, 'nothing uploaded');
  });

  it('the publish step says what it did: published now, or already by the register call', async () => {
    const b = bench();
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'passed', r.note);
    assert.equal(step(r, 'publish').summary, 'Published 1.4.2.');
    const c = bench();
    const publish = c.cloud.publish.bind(c.cloud);
    // As AWS's publish() does: the version comes back PUBLISHED from the register call itself.
    c.cloud.publish = async (req, p, s) => {
      const res = await publish(req, p, s);
      await c.cloud.setVersionState(res.version.packageId, res.version.id, 'publish');
      return { ...res, version: { ...res.version, status: 'published', rawStatus: 'PUBLISHED' } };
    };
    const r2 = await startRelease(c.config, c.deps);
    assert.equal(step(r2, 'publish').summary, 'Published 1.4.2 when it was registered.');
    assert.doesNotMatch(step(r2, 'publish').summary!, /Already/);
  });

  it('a cloud that assigns job ids: the reference stored before the call finds the job after a lost reply', async () => {
    const b = bench(HUAWEI);
    b.cloud.failOnce('start-verify-lost');
    const first = await startRelease(b.config, b.deps);
    assert.equal(first.job?.created, false);
    assert.ok(isVerifyReference(first.job!.reference), 'the reference is on disk');
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.status, 'passed', second.note);
    assert.equal(second.job?.id, 'job-1', "the cloud's own id, found by the reference");
    assert.equal(step(second, 'start-verify').reused, true);
    assert.equal(b.cloud.counts.jobsCreated, 1);
  });

  it('pending work on the bench board: said, cancelled with consent, or the release stops before creating a job', async () => {
    const busy = { cloud: 'aws' as const, id: 'old-job', status: 'in-progress' as const, rawStatus: 'bench-board-01: QUEUED' };
    const b = bench();
    b.cloud.pending = [busy];
    let asked: string[] = [];
    const r = await startRelease(b.config, { ...b.deps, onPendingWork: async (jobs, targets) => ((asked = [...jobs.map((j) => j.id), ...targets]), 'cancel') });
    assert.equal(r.status, 'passed', r.note);
    assert.deepEqual(asked, ['old-job', 'bench-board-01']);
    assert.equal(b.cloud.counts.jobsCancelled, 1);
    assert.ok(b.events.some((e) => e.type === 'log' && /Cancelled old-job/.test(e.text)));

    const c = bench();
    c.cloud.pending = [busy];
    const stopped = await startRelease(c.config, { ...c.deps, onPendingWork: async () => 'stop' });
    assert.equal(stopped.status, 'failed');
    assert.match(step(stopped, 'start-verify').reason!, /already has pending work \(old-job/);
    assert.equal(c.cloud.counts.jobsCreated, 0);
    assert.equal(c.cloud.counts.jobsCancelled, 0);

    const d = bench();
    d.cloud.pending = [busy];
    const waited = await startRelease(d.config, d.deps); // no one to ask (CLI): wait, and say so
    assert.equal(waited.status, 'passed', waited.note);
    assert.ok(d.events.some((e) => e.type === 'log' && /will wait behind old-job/.test(e.text)));
    assert.deepEqual(waited.job?.behind, ['old-job']);
    assert.ok(d.events.some((e) => e.type === 'progress' && e.step === 'watch' && /QUEUED \(waiting behind old-job\)/.test(e.message ?? '')), 'the waiting job says why');
  });

  it('unclear messages: a bad package name asks to change the package name, not the version; release.version: [] is refused', async () => {
    const b = bench();
    const r = await startRelease({ ...b.config, packageName: 'bench fw!' }, b.deps);
    assert.equal(r.status, 'failed');
    const s = step(r, 'version');
    assert.match(s.action!, /otaBench\.release\.packageName/);
    assert.doesNotMatch(s.action!, /Change the version/);
    const ok = await startRelease(b.config, b.deps);
    assert.equal(ok.status, 'passed', 'a good name passes');
    assert.match(parseReleaseSettings({ version: [] }).errors.join(' '), /otaBench\.release\.version must be an object/);
    assert.deepEqual(parseReleaseSettings({ version: { source: 'git' } }).errors, []);
  });
});
