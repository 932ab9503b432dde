// Lost replies and fault schedules on the BUILT AWS bundle as the extension loads it (see
// builtRelease.ts). A lost reply: the emulator performs the create call, then drops the connection
// before answering. Each must resume to exactly one uploaded object version, one package version
// and one verify job, PASSED. Seeded fault schedules (throttling, 5xx, dropped connections, lost
// replies on ~30% of the provider's requests) must leave no release stuck: after a run and two
// re-runs under faults, the first re-run once the cloud is healthy again passes, with one object
// version, one package version and one verify job. CI runs 12 seeds (~110 faults of each of the four
// kinds together, ~8 s a seed); OTAB_FAULT_SEEDS=<n> runs more locally (24 seeds: 218 faults).
import { strict as assert } from 'assert';
import { shellBuildRunner, startRelease } from '../../src/core/release';
import { startBuiltReleaseBench, type BuiltReleaseBench } from './builtRelease';
import { BUILD_HOOK_TIMEOUT_MS } from './builtBundle';

describe('release resume on the built AWS bundle: lost replies and fault schedules', function () {
  this.timeout(600_000);
  let t: BuiltReleaseBench;
  before(async function () {
    this.timeout(BUILD_HOOK_TIMEOUT_MS);
    t = await startBuiltReleaseBench(4);
  });
  after(async () => {
    await t?.close();
  });
  afterEach(() => t.b.aws.faults.clear());

  // [action, image KiB]: CreateMultipartUpload / CompleteMultipartUpload need a multipart upload (images ≥ the 8 MiB part size).
  const cases: [string, number][] = [
    ['PutObject', 64],
    ['CreateMultipartUpload', 10 * 1024],
    ['CompleteMultipartUpload', 10 * 1024],
    ['CreatePackageVersion', 64],
    ['UpdatePackageVersion', 64],
    ['CreateJob', 64],
  ];
  for (const [action, kb] of cases) {
    it(`lost reply to ${action} → PASSED with one object, one version, one verify job`, async () => {
      const version = t.nextVersion();
      const lostBefore = t.b.aws.faults.counts['lose-reply'];
      t.b.aws.faults.loseReplyNext(1, { action });
      const build = shellBuildRunner('node scripts/build.mjs', t.b.root, { FW_IMAGE_KB: String(kb) });
      const first = await startRelease(t.b.config(), t.deps({ build }));
      assert.equal(t.b.aws.faults.counts['lose-reply'] - lostBefore, 1, `the ${action} reply was lost`);
      const { record, trail } = await t.resumeToEnd(first, { build });
      t.assertOneOfEach(version, record, trail);
    });
  }

  it('seeded fault schedules (throttling, 5xx, drops, lost replies): no release stuck, nothing duplicated', async () => {
    const seeds = Number(process.env.OTAB_FAULT_SEEDS ?? 12);
    const faults = t.b.aws.faults;
    const total = () => Object.values(faults.counts).reduce((a, n) => a + n, 0);
    const KINDS = ['throttle', 'error', 'drop', 'lose-reply'] as const;
    const kindsBefore = KINDS.map((k) => faults.counts[k]);
    const bad: string[] = [];
    let resumes = 0;
    const before = total();
    for (let seed = 1; seed <= seeds; seed++) {
      const version = t.nextVersion();
      const rates = { throttle: 0.1, error: 0.08, drop: 0.06, 'lose-reply': 0.06 };
      // Everything the provider sends; the board's presigned download (S3 GET) stays clean: a device
      // that cannot download fails its job, which is a verdict, not a stuck release.
      faults.schedule({ seed, rates, service: 'iot' });
      for (const [i, method] of ['PUT', 'POST', 'HEAD'].entries()) faults.schedule({ seed: seed + 10_000 * (i + 1), rates, service: 's3', method });
      const first = await startRelease(t.b.config(), t.deps());
      const under = await t.resumeToEnd(first, {}, 2);
      faults.clear();
      const healthy = await t.resumeToEnd(under.record, {}, 1);
      const record = healthy.record;
      const trail = [...under.trail, ...healthy.trail.slice(1)];
      resumes += trail.length - 1;
      const c = t.cloudCounts(version, record);
      if (record.status !== 'passed') bad.push(`seed ${seed} (${version}) stuck:\n    ${trail.join('\n    ')}`);
      else if (c.objectVersions !== 1 || c.packageVersions !== 1 || c.verifyJobs !== 1 || c.openUploads !== 0) bad.push(`seed ${seed} (${version}) duplicated: ${JSON.stringify(c)}`);
    }
    // The figures for the record (npm test's e2e log).
    console.log(`      ${seeds} seeded releases: ${total() - before} faults injected (${JSON.stringify(faults.counts)} in all), ${resumes} resumes, ${bad.length} stuck or duplicated`);
    assert.ok(total() - before >= seeds, `the schedules injected faults (${total() - before})`);
    // Every kind of fault was met by some release (a smaller run still covers them all).
    assert.deepEqual(KINDS.filter((k, i) => faults.counts[k] === kindsBefore[i]), [], 'fault kinds never injected');
    assert.deepEqual(bad, [], `${bad.length} of ${seeds} releases stuck or duplicated:\n  ${bad.join('\n  ')}`);
  });
});
