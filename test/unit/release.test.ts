import { strict as assert } from 'assert';
import { generateKeyPairSync } from 'crypto';
import { mkdirSync, unlinkSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { HuaweiProfile } from '../../src/core/profiles';
import { resumeRelease, startRelease } from '../../src/core/release/pipeline';
import { resumePoint } from '../../src/core/release/record';
import { StaleReleaseError } from '../../src/core/release/errors';
import { FileReleaseStore } from '../../src/core/release/store';
import { STEP_IDS, type ReleaseRecord, type StepId } from '../../src/core/release/types';
import { verifySignature } from '../../src/core/signing';
import { abortAt, benchesCleanedAfterEach, type Bench } from './releaseHarness';

const bench = benchesCleanedAfterEach();

const statuses = (r: ReleaseRecord) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));
const step = (r: ReleaseRecord, id: StepId) => r.steps.find((s) => s.id === id)!;

/** Nothing was created twice: one stored object, one registered version, one publish, `jobs` jobs. */
function assertNoDuplicates(b: Bench, jobs = 1): void {
  const c = b.cloud.counts;
  assert.equal(c.objectsStored, 1, 'objects stored');
  assert.equal(c.versionsCreated, 1, 'versions registered');
  assert.equal(c.publishes, 1, 'versions published');
  assert.equal(c.jobsCreated, jobs, 'verify jobs created');
  assert.equal(b.cloud.objects.size, 1);
  assert.equal(b.cloud.versions.size, 1);
}

describe('release pipeline: the step state machine', () => {
  it('runs build → … → verdict in order and PASSES when the job succeeds and the board prints the version', async () => {
    const b = bench();
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'passed', r.note);
    assert.deepEqual(statuses(r), Object.fromEntries(STEP_IDS.map((id) => [id, 'done'])));
    assert.equal(r.verdict?.result, 'passed');
    assert.match(r.verdict!.bannerLine!.text, /firmware version 1\.4\.2/);
    assert.equal(r.version?.value, '1.4.2');
    assert.equal(r.version?.origin, 'include/version.h:1');
    assert.equal(r.artifact?.relPath, 'build/firmware-1.4.2.bin');
    assert.equal(r.artifact?.embeddedVersion, '1.4.2');
    assert.match(r.artifact!.sha256Hex!, /^[0-9a-f]{64}$/);
    assert.equal(r.publish?.status, 'published');
    assert.ok(r.job?.created && r.job.id.startsWith('ota-bench-verify-bench-fw-1_4_2-'));
    assert.ok(r.job.id.length <= 64 && /^[a-zA-Z0-9_-]+$/.test(r.job.id));
    assertNoDuplicates(b);
    for (const s of r.steps) assert.ok(s.durationMs !== undefined && s.durationMs >= 0 && s.attempts === 1, s.id);

    // Events: each step started then finished, in order; upload progress reached 100 %; rollouts streamed.
    const stepEvents = b.events.filter((e) => e.type === 'step');
    assert.deepEqual(stepEvents.map((e) => `${e.step}:${e.status}`), STEP_IDS.flatMap((id) => [`${id}:started`, `${id}:done`]));
    const up = b.events.filter((e) => e.type === 'progress' && e.step === 'upload');
    assert.ok(up.length >= 2 && up.at(-1)!.type === 'progress' && (up.at(-1) as { percent?: number }).percent === 100);
    assert.ok(b.events.some((e) => e.type === 'rollout'));
    assert.ok(b.events.some((e) => e.type === 'serial-match'));
    assert.ok(b.events.some((e) => e.type === 'log' && e.step === 'build'));
    const last = b.events.at(-1)!;
    assert.ok(last.type === 'release' && last.status === 'passed' && /PASSED/.test(last.message));

    // Persisted after every step, as plain JSON equal to what was returned.
    assert.ok(b.store.saves >= 2 * STEP_IDS.length);
    assert.deepEqual(await b.store.load(), JSON.parse(JSON.stringify(r)));
    assert.equal(resumePoint(r), undefined);
    await assert.rejects(resumeRelease(r, b.deps), StaleReleaseError);
  });

  it('skips the publish step where versions are usable once registered (Huawei), and the build when none is configured', async () => {
    const hw: HuaweiProfile = { kind: 'huawei', name: 'hw', region: 'cn-north-4', projectId: 'a'.repeat(32), deviceId: 'bench_1' };
    const b = bench(hw);
    await b.deps.build!(new AbortController().signal);
    delete b.deps.build;
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'passed', r.note);
    assert.equal(step(r, 'build').status, 'skipped');
    assert.equal(step(r, 'publish').status, 'skipped');
    assert.match(step(r, 'publish').summary!, /Huawei Cloud IoTDA versions are usable once registered/);
    assert.equal(b.cloud.counts.publishes, 0);
  });

  it('signs with a local ECDSA P-256 key: the provider receives a DER signature that verifies', async () => {
    const b = bench(undefined, { signing: { mode: 'local-key', keyFile: 'keys/k.pem', certificateName: '/certs/code.crt' } });
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    mkdirSync(join(b.root, 'keys'));
    writeFileSync(join(b.root, 'keys/k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    let seen: { sig?: Uint8Array; cert?: string; alg?: string } = {};
    const publish = b.cloud.publish.bind(b.cloud);
    b.cloud.publish = async (req, p, s) => ((seen = { sig: req.artifact.signature, cert: req.options?.aws?.certificateName, alg: req.artifact.signatureAlgorithm }), publish(req, p, s));
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'passed', r.note);
    assert.equal(seen.alg, 'ECDSA');
    assert.equal(seen.cert, '/certs/code.crt');
    const { readFileSync } = await import('fs');
    assert.ok(verifySignature(readFileSync(r.artifact!.path), seen.sig!, publicKey));
    assert.match(step(r, 'sign').summary!, /signed locally with keys\/k\.pem/);
  });

  it('refuses a version any target cloud would reject, before anything is uploaded', async () => {
    const b = bench(undefined, { validateFor: ['aws', 'aliyun'] });
    writeFileSync(join(b.root, 'include/version.h'), `#define FW_VERSION "${'9'.repeat(65)}"\n`);
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'failed');
    assert.equal(r.resumeAt, 'version');
    assert.match(step(r, 'version').reason!, /AWS IoT versionName must be 1–64 characters.*Alibaba Cloud IoT Platform DestVersion must be 1–64/);
    assert.equal(b.cloud.counts.publishCalls, 0);
  });

  it('refuses a stale image whose stamped version disagrees with the header, resuming at the build', async () => {
    const b = bench();
    b.builds.stamp = '1.4.1';
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.status, 'failed');
    assert.match(step(r, 'version').reason!, /build\/firmware-1\.4\.1\.bin was built as version 1\.4\.1, but include\/version\.h:1 says 1\.4\.2/);
    assert.equal(r.resumeAt, 'build');
    delete b.builds.stamp;
    unlinkSync(join(b.root, 'build/firmware-1.4.1.bin'));
    const again = await resumeRelease(r, b.deps);
    assert.equal(again.status, 'passed', again.note);
    assert.equal(b.builds.count, 2);
  });

  it('a broken banner pattern fails at the version step, not after the upload', async () => {
    const b = bench(undefined, { banner: 'boot: (' });
    const r = await startRelease(b.config, b.deps);
    assert.equal(r.resumeAt, 'version');
    assert.match(step(r, 'version').reason!, /banner pattern .* not a valid regular expression/);
    assert.equal(b.cloud.counts.publishCalls, 0);
  });

  it('failure events carry the reason and a suggested action', async () => {
    const b = bench();
    b.builds.fail = 1;
    const r = await startRelease(b.config, b.deps);
    const failed = b.events.find((e) => e.type === 'step' && e.status === 'failed');
    assert.ok(failed && failed.type === 'step');
    assert.equal(failed.step, 'build');
    assert.match(failed.reason!, /The build failed \(exit code 2, 1 error\): src\/main\.c:3:2: #error not yet/);
    assert.match(failed.action!, /Fix the build/);
    assert.match(r.note!, /"Build" failed/);
  });
});

describe('release pipeline: resume after a failure at each step creates nothing twice', () => {
  type Case = { at: StepId; label?: string; resumeAt?: StepId; arrange(b: Bench): void; fix?(b: Bench): void; jobs?: number; note?: RegExp };
  const cases: Case[] = [
    { at: 'build', arrange: (b) => (b.builds.fail = 1), note: /Nothing was uploaded: re-run resumes at "Build"/ },
    {
      at: 'locate',
      arrange: (b) => (b.builds.extra = 'build/old/firmware-1.4.1.bin'),
      fix: (b) => {
        delete b.builds.extra;
        unlinkSync(join(b.root, 'build/old/firmware-1.4.1.bin'));
      },
    },
    {
      at: 'version',
      arrange: (b) => {
        b.builds.stamp = '1.4.2';
        writeFileSync(join(b.root, 'include/version.h'), '#define FW_VER "1.4.2"\n');
      },
      fix: (b) => writeFileSync(join(b.root, 'include/version.h'), '#define FW_VERSION "1.4.2"\n'),
    },
    {
      at: 'sign',
      arrange: (b) => (b.config.signing = { mode: 'local-key', keyFile: 'keys/k.pem' }),
      fix: (b) => {
        mkdirSync(join(b.root, 'keys'));
        writeFileSync(join(b.root, 'keys/k.pem'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
      },
    },
    { at: 'upload', arrange: (b) => b.cloud.failOnce('upload'), note: /Connection reset during upload\. Upload stopped at 38% \(\S+ KB of 64\.0 KB\); nothing was registered: re-run resumes at "Upload"/ },
    { at: 'register', arrange: (b) => b.cloud.failOnce('register'), note: /AccessDenied\. Uploaded but not registered: re-run resumes at "Register version"/ },
    { at: 'publish', arrange: (b) => b.cloud.failOnce('publish') },
    { at: 'start-verify', label: 'before the job exists', arrange: (b) => b.cloud.failOnce('start-verify') },
    { at: 'start-verify', label: 'job created, answer lost', arrange: (b) => b.cloud.failOnce('start-verify-lost') },
    { at: 'watch', arrange: (b) => b.cloud.failOnce('watch') },
    { at: 'verdict', resumeAt: 'start-verify', jobs: 2, arrange: (b) => b.cloud.outcomes.push({ status: 'failed', reason: 'rejected: 0x3 signature check failed' }) },
  ];

  for (const c of cases) {
    it(`fails at ${c.at}${c.label ? ` (${c.label})` : ''}, then resumes there and passes`, async () => {
      const b = bench();
      c.arrange(b);
      const first = await startRelease(b.config, b.deps);
      assert.equal(first.status, 'failed');
      assert.equal(step(first, c.at).status, 'failed', JSON.stringify(statuses(first)));
      assert.ok(step(first, c.at).reason && step(first, c.at).action);
      assert.equal(resumePoint(first), c.resumeAt ?? c.at);
      if (c.note) assert.match(first.note!, c.note);
      // Nothing after the failed step ran.
      for (const s of first.steps.slice(STEP_IDS.indexOf(c.at) + 1)) assert.equal(s.status, 'pending', s.id);
      c.fix?.(b);

      const stored = (await b.store.load())!;
      const second = await resumeRelease(stored, b.deps);
      assert.equal(second.status, 'passed', second.note);
      assert.equal(second.verdict?.result, 'passed');
      assertNoDuplicates(b, c.jobs ?? 1);
      // Steps before the resume point ran once; the resume point ran twice.
      for (const s of second.steps) {
        const i = STEP_IDS.indexOf(s.id);
        const from = STEP_IDS.indexOf(c.resumeAt ?? c.at);
        const expected = i < from ? 1 : i === from || (c.at === 'verdict' && i <= STEP_IDS.indexOf('verdict')) ? 2 : 1;
        assert.equal(s.attempts, expected, `${s.id} attempts`);
      }
      if (c.at === 'build') assert.equal(b.builds.count, 2);
      else assert.equal(b.builds.count, 1, 'the build ran once');
    });
  }

  it('after an interrupted upload the object is uploaded once; after "uploaded but not registered" the upload is reused', async () => {
    const b = bench();
    b.cloud.failOnce('register');
    const first = await startRelease(b.config, b.deps);
    assert.equal(step(first, 'upload').status, 'done');
    assert.match(first.note!, /"Register version" failed/);
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.status, 'passed');
    assert.equal(b.cloud.counts.uploadsStarted, 1, 'no second upload');
    assert.deepEqual(second.publish?.reused, { upload: true, register: false });
  });

  it('after a verify job answer was lost, the resume finds the job instead of creating another', async () => {
    const b = bench();
    b.cloud.failOnce('start-verify-lost');
    const first = await startRelease(b.config, b.deps);
    assert.equal(first.job?.created, false);
    const id = first.job!.id;
    assert.match(first.note!, /Start verify job/);
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.job?.id, id);
    assert.equal(step(second, 'start-verify').reused, true);
    assert.equal(b.cloud.counts.findVerifyJob, 1, 'looked for the job by its reference before creating one');
    assert.equal(b.cloud.counts.jobsCreated, 1);
  });

  it('a failed verdict says why (cloud reason + serial lines) and the resume starts a new verify job for the same version', async () => {
    const b = bench();
    b.cloud.outcomes.push({ status: 'failed', reason: 'rejected: 0x3 signature check failed' });
    b.cloud.onInstall = undefined;
    const install = b.cloud.startVerifyJob.bind(b.cloud);
    let n = 0;
    b.cloud.startVerifyJob = async (req, s) => {
      const j = await install(req, s);
      if (n++ === 0) setTimeout(() => b.serial.print('E (40) ota: signature verification failed, image rejected'), 1);
      else b.cloud.onInstall = (v) => b.serial.print(`I (12) boot: firmware version ${v}`);
      return j;
    };
    const first = await startRelease(b.config, b.deps);
    assert.equal(first.verdict?.result, 'failed');
    assert.match(first.verdict!.reasons.join(' '), /verify job failed on bench-board-01 \(FAILED\): rejected: 0x3 signature check failed/);
    assert.ok(first.verdict!.serialLines.some((l) => /signature verification failed/.test(l.text)));
    assert.match(step(first, 'verdict').action!, /new verify job/);
    const failedJob = first.job!.id;
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.status, 'passed', second.note);
    assert.notEqual(second.job!.id, failedJob);
    assert.deepEqual(second.previousJobs?.map((j) => j.id), [failedJob]);
    assertNoDuplicates(b, 2);
  });

  it('a reloaded window resumes from the file store with fresh dependencies', async () => {
    const b = bench();
    const store = new FileReleaseStore(join(b.root, '.state/release.json'));
    b.cloud.failOnce('publish');
    const first = await startRelease(b.config, { ...b.deps, store });
    assert.equal(first.status, 'failed');
    const loaded = await new FileReleaseStore(store.path).load();
    assert.deepEqual(loaded, JSON.parse(JSON.stringify(first)));
    const second = await resumeRelease(loaded!, { ...b.deps, store });
    assert.equal(second.status, 'passed', second.note);
    assert.equal((await store.load())?.status, 'passed');
    assertNoDuplicates(b);
  });

  it('refuses to resume when the artifact changed since (it would publish a different image)', async () => {
    const b = bench();
    b.cloud.failOnce('publish');
    const first = await startRelease(b.config, b.deps);
    const later = new Date(Date.now() + 5000);
    utimesSync(first.artifact!.path, later, later);
    await assert.rejects(resumeRelease(first, b.deps), (e: Error) => e instanceof StaleReleaseError && /changed since release .* Start a new release/.test(e.message));
    unlinkSync(first.artifact!.path);
    await assert.rejects(resumeRelease(first, b.deps), /is gone/);
  });

  it('refuses to run a release with another profile than its own', async () => {
    const b = bench();
    await assert.rejects(startRelease({ ...b.config, profile: 'other' }, b.deps), /belongs to profile "other"/);
  });
});

describe('release pipeline: cancel at each step', () => {
  const notes: Record<StepId, RegExp> = {
    build: /Cancelled during "Build"\. Nothing was uploaded: re-run resumes at "Build"/,
    locate: /Nothing was uploaded: re-run resumes at "Locate artifact"/,
    version: /Nothing was uploaded: re-run resumes at "Read version"/,
    sign: /Nothing was uploaded: re-run resumes at "Hash and sign"/,
    upload: /Nothing was uploaded: re-run resumes at "Upload"/,
    register: /Uploaded but not registered: re-run resumes at "Register version"/,
    publish: /Registered as a draft but not published: re-run resumes at "Publish version"/,
    'start-verify': /registered but no verify job was started: re-run resumes at "Start verify job"/,
    watch: /Verify job ota-bench-verify-\S+ keeps running on the cloud \(it was not cancelled\): re-run resumes at "Watch job"/,
    verdict: /did not pass|re-run/,
  };

  for (const id of STEP_IDS) {
    it(`cancelled at ${id}: stops there, says what is half-done, and a resume completes without duplicates`, async () => {
      const b = bench();
      if (id === 'register') b.cloud.registerDelayMs = 30; // the cancel lands between upload and registration
      const ctl = new AbortController();
      abortAt(b, id, ctl);
      const first = await startRelease(b.config, b.deps, ctl.signal);
      assert.equal(first.status, 'canceled');
      assert.equal(step(first, id).status, 'canceled', JSON.stringify(statuses(first)));
      assert.equal(first.resumeAt, id);
      assert.match(first.note!, notes[id]);
      const ev = b.events.find((e) => e.type === 'step' && e.status === 'canceled');
      assert.ok(ev && ev.type === 'step' && ev.step === id && /Re-run to continue/.test(ev.action!));
      if (id === 'register') {
        await new Promise((r) => setTimeout(r, 40));
        assert.equal(b.cloud.counts.versionsCreated, 0, 'the cancel left nothing registered');
        assert.equal(b.cloud.counts.objectsStored, 1);
      }

      b.deps.onEvent = () => {};
      const second = await resumeRelease((await b.store.load())!, b.deps);
      assert.equal(second.status, 'passed', second.note);
      assertNoDuplicates(b);
      assert.equal(b.cloud.counts.uploadsStarted, 1, 'one upload in all');
    });
  }

  it('a cancel in the middle of the upload says how far it got; the resume uploads once more, registers once', async () => {
    const b = bench();
    b.cloud.chunkDelayMs = 3;
    const ctl = new AbortController();
    b.deps.onEvent = (e) => {
      if (e.type === 'progress' && e.step === 'upload' && (e.percent ?? 0) >= 25) ctl.abort();
    };
    const first = await startRelease(b.config, b.deps, ctl.signal);
    assert.equal(step(first, 'upload').status, 'canceled');
    assert.match(first.note!, /Upload stopped at (25|38)% \(\S+ KB of 64\.0 KB\); nothing was registered/);
    assert.equal(b.cloud.counts.objectsStored, 0);
    b.deps.onEvent = undefined;
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.status, 'passed');
    assert.equal(b.cloud.counts.uploadsStarted, 2);
    assertNoDuplicates(b);
  });

  it('a cancel while watching leaves the job running, says so, and the resume watches the same job', async () => {
    const b = bench();
    const ctl = new AbortController();
    b.deps.onEvent = (e) => e.type === 'rollout' && ctl.abort();
    const first = await startRelease(b.config, b.deps, ctl.signal);
    assert.equal(step(first, 'watch').status, 'canceled');
    assert.match(first.note!, /keeps running on the cloud/);
    const id = first.job!.id;
    b.deps.onEvent = undefined;
    const second = await resumeRelease(first, b.deps);
    assert.equal(second.status, 'passed');
    assert.equal(second.job!.id, id);
    assertNoDuplicates(b);
  });

  it('an already-aborted signal stops before the build', async () => {
    const b = bench();
    const ctl = new AbortController();
    ctl.abort();
    const r = await startRelease(b.config, b.deps, ctl.signal);
    assert.equal(r.status, 'canceled');
    assert.equal(step(r, 'build').status, 'canceled');
    assert.equal(step(r, 'build').attempts, 0);
    assert.equal(b.builds.count, 0);
  });
});
