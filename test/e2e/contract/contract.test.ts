// The provider contract suite: ONE set of tests every cloud provider passes against its emulator,
// with the provider loaded from its BUILT bundle (dist/clouds/<kind>.js) as the extension loads it.
//
// How a cloud joins: write `<cloud>.fixture.ts` next to this file implementing ContractFixture
// (fixture.ts documents each member), add it to FIXTURES in fixtures.ts. Nothing here changes.
// The fixture starts the emulator, makes providers from the built bundle (builtProvider), seeds
// packages/versions/jobs, injects faults with the emulator kit's Faults (by the cloud's action
// names), acts as the device, cancels jobs from outside the provider and counts what the cloud holds.
//
// Cases, for each fixture:
//   - paging: every page walked at a small page size gives each seeded item exactly once (packages,
//     versions, jobs); a corrupted cursor is refused as 'invalid'; filters: name prefix, status;
//   - error shapes, recognised with isCloudError (the bundle has its own CloudError class):
//     not-found, invalid, throttled and unavailable (5xx and dropped connections), with hints;
//   - idempotent publish: the same image twice → reused, one object, one version;
//   - a verify job whose create reply was lost is found by its client reference, and a second start
//     with that reference reuses it (one job); an unknown reference finds nothing;
//   - a watch ends on a cancel made elsewhere while the device works; without one it keeps watching;
//   - timeouts and cancel: a cancel ends a call that gets no answer at once ('canceled'); an
//     endpoint that accepts connections and never answers → 'unavailable' naming the endpoint
//     within the call deadline, not a call left pending.
import { strict as assert } from 'assert';
import { createServer, type Server, type Socket } from 'net';
import type { CloudProvider } from '../../../src/core/clouds/provider';
import { descriptorOf } from '../../../src/core/clouds/registry';
import { verifyReference } from '../../../src/core/clouds/verifyRef';
import { isCloudError, type CloudErrorCode } from '../../../src/core/errors';
import type { Page, Rollout } from '../../../src/core/model';
import type { ContractCloud } from './fixture';
import { FIXTURES } from './fixtures';
import { BUILD_HOOK_TIMEOUT_MS } from '../builtBundle';
import { cloudErrorOf } from '../../support/cloudError';

/** Every item of a list, walking `next` at `pageSize`: the keys in order, duplicates kept. */
async function walk<T>(list: (next: string | undefined) => Promise<Page<T>>, key: (t: T) => string): Promise<string[]> {
  const keys: string[] = [];
  let next: string | undefined;
  for (let pages = 0; pages < 500; pages++) {
    const p = await list(next);
    keys.push(...p.items.map(key));
    if (!p.next) return keys;
    assert.notEqual(p.next, next, 'the cursor moves');
    next = p.next;
  }
  throw new Error('more than 500 pages');
}

const sorted = (a: string[]) => [...a].sort();
/** Exactly the expected items once each (others may be there: filter by the seeded prefix first). */
function sameSet(got: string[], want: string[], what: string) {
  const dupes = got.filter((k, i) => got.indexOf(k) !== i);
  assert.deepEqual(dupes, [], `${what}: duplicates`);
  assert.deepEqual(sorted(got), sorted(want), `${what}: gaps or strangers`);
}

async function expectCloudError(p: Promise<unknown>, code: CloudErrorCode, re?: RegExp) {
  const e = await cloudErrorOf(p);
  assert.equal(e.code, code, e.message);
  if (re) assert.match(`${e.message} ${e.hint ?? ''}`, re);
  return e;
}

for (const fixture of FIXTURES) {
  describe(`provider contract: ${fixture.name} (built bundle)`, function () {
    this.timeout(120_000);
    let cloud: ContractCloud;
    let provider: CloudProvider;
    before(async function () {
      this.timeout(BUILD_HOOK_TIMEOUT_MS);
      cloud = await fixture.start();
      provider = await cloud.provider();
    });
    after(async () => {
      await cloud?.close();
    });
    afterEach(() => cloud.faults.clear());

    describe('paging and filters', () => {
      const SIZE = 7;
      const byPrefix = (prefix: string) => (k: string) => k.startsWith(prefix);

      it('walks every page of packages, versions and jobs: each seeded item exactly once', async () => {
        const s = await cloud.seed('ctr-walk', { packages: 23, versions: 17, jobs: 31 });
        const pkgs = await walk((next) => provider.listPackages({ next, pageSize: SIZE }), (p) => p.id);
        sameSet(pkgs.filter(byPrefix('ctr-walk-')), s.packages, 'packages');
        const versions = await walk((next) => provider.listVersions(s.versions.packageId, { next, pageSize: SIZE }), (v) => v.id);
        sameSet(versions, s.versions.ids, 'versions');
        const jobs = await walk((next) => provider.listJobs({ ...s.jobs.list, next, pageSize: SIZE }), (j) => j.id);
        sameSet(jobs.filter((id) => s.jobs.ids.includes(id)), s.jobs.ids, 'jobs');
      });

      it('filters by name prefix and by status, across pages', async () => {
        const a = await cloud.seed('ctr-pfa', { packages: 12, versions: 9, jobs: 14 });
        await cloud.seed('ctr-pfb', { packages: 5, versions: 1, jobs: 1 });
        const pkgs = await walk((next) => provider.listPackages({ next, pageSize: SIZE, prefix: 'ctr-pfa-' }), (p) => p.id);
        sameSet(pkgs, a.packages, 'packages with prefix ctr-pfa-');
        for (const [status, ids] of Object.entries(a.versions.byStatus)) {
          const got = await walk((next) => provider.listVersions(a.versions.packageId, { next, pageSize: 3, status }), (v) => v.id);
          sameSet(got, ids, `versions ${status}`);
        }
        for (const [status, ids] of Object.entries(a.jobs.byStatus)) {
          const page = await walk((next) => provider.listJobs({ ...a.jobs.list, next, pageSize: SIZE, status }), (j) => `${j.id} ${j.status}`);
          assert.ok(page.every((k) => k.endsWith(` ${status}`)), `only ${status} jobs: ${page.join(', ')}`);
          sameSet(page.map((k) => k.split(' ')[0]).filter((id) => a.jobs.ids.includes(id)), ids, `jobs ${status}`);
        }
      });

      it('a corrupted or foreign cursor is refused as invalid before anything is sent', async () => {
        await cloud.seed('ctr-cur', { packages: 3, versions: 1, jobs: 1 });
        const p = await provider.listPackages({ pageSize: 2 });
        assert.ok(p.next, 'a second page exists');
        await expectCloudError(provider.listPackages({ pageSize: 2, next: `${p.next}!x` }), 'invalid', /Reload the list/);
        await expectCloudError(provider.listPackages({ pageSize: 2, next: 'not-a-cursor' }), 'invalid');
      });
    });

    describe('error shapes (isCloudError across bundles)', () => {
      before(() => cloud.seed('ctr-err', { packages: 2, versions: 1, jobs: 1 }));

      it('not-found', async () => {
        await expectCloudError(provider.describeJob(cloud.missingJobId), 'not-found', new RegExp(cloud.missingJobId));
      });

      it('invalid: a request the cloud rejects', async () => {
        await expectCloudError(cloud.rejectedAsInvalid(provider), 'invalid');
      });

      it('throttled, after the client retried: retryable, with a hint', async () => {
        cloud.faults.throttleNext(50, { action: cloud.actions.listPackages });
        const e = await expectCloudError(provider.listPackages(), 'throttled');
        assert.equal(e.retryable, true);
        assert.ok(e.hint, 'a hint');
      });

      it('unavailable: server errors and dropped connections, retryable', async () => {
        cloud.faults.failNext(50, { action: cloud.actions.listPackages });
        const e = await expectCloudError(provider.listPackages(), 'unavailable');
        assert.equal(e.retryable, true);
        cloud.faults.clear();
        cloud.faults.dropNext(50, { action: cloud.actions.listPackages });
        assert.equal((await expectCloudError(provider.listPackages(), 'unavailable')).retryable, true);
        cloud.faults.clear();
        assert.ok((await provider.listPackages()).items.length > 0, 'fine again once the faults are gone');
      });
    });

    describe('idempotent publish and verify by reference', () => {
      it('publishing the same image twice reuses it: one object, one version', async () => {
        const req = { packageName: 'ctr-idem', version: '2.0.0', artifact: await cloud.artifact('ctr-idem', '2.0.0') };
        const first = await provider.publish(req);
        assert.deepEqual(first.reused, { upload: false, register: false });
        const again = await provider.publish(req);
        assert.deepEqual(again.reused, { upload: true, register: true });
        assert.equal(again.version.id, first.version.id);
        assert.deepEqual(cloud.counts('ctr-idem', '2.0.0'), { objects: 1, versions: 1, verifyJobs: 0 });
      });

      it('a verify job whose create reply was lost is found by its reference; starting again reuses it', async () => {
        const artifact = await cloud.artifact('ctr-ref', '3.0.0');
        const pub = await provider.publish({ packageName: 'ctr-ref', version: '3.0.0', artifact });
        // In the cloud's client-reference form, as the release makes it (Huawei task_name: "_" only).
        const form = descriptorOf(provider.profile).clientReference;
        const reference = verifyReference('ctr-ref', '3.0.0', new Date(), form.maxLength, undefined, form.separator);
        const req = { packageName: 'ctr-ref', version: '3.0.0', versionId: pub.version.id, reference, timeoutMinutes: 5, location: pub.location, artifact };
        // Every reply to the create call is lost (the client's retries too): the caller never hears back.
        cloud.faults.loseReplyNext(20, { action: cloud.actions.createVerifyJob });
        const lost = await provider.startVerifyJob(req).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (lost !== undefined) assert.ok(isCloudError(lost), `a CloudError, got ${String(lost)}`);
        cloud.faults.clear();
        const hint = { packageName: 'ctr-ref', version: '3.0.0', versionId: pub.version.id };
        const found = await provider.findVerifyJob(reference, hint);
        assert.ok(found, 'found by its reference');
        assert.equal(cloud.counts('ctr-ref', '3.0.0').verifyJobs, 1);
        const again = await provider.startVerifyJob(req);
        assert.equal(again.id, found.id, 'the same job');
        assert.equal(cloud.counts('ctr-ref', '3.0.0').verifyJobs, 1, 'still one verify job');
        assert.equal(await provider.findVerifyJob(verifyReference('ctr-ref', '3.0.0', new Date(), form.maxLength, undefined, form.separator), hint), undefined, 'a reference never used finds nothing');
      });
    });

    describe('watch', () => {
      /** Watches until the watch ends by itself or `forMs` passes; calls `onFirst` after the first snapshot. */
      async function watchFor(jobId: string, forMs: number, onFirst?: (first: Rollout) => Promise<void>) {
        const ac = new AbortController();
        const stop = setTimeout(() => ac.abort(), forMs);
        const seen: Rollout[] = [];
        let endedAt = 0;
        for await (const r of provider.watchJob(jobId, { signal: ac.signal })) {
          seen.push(r);
          if (seen.length === 1) await onFirst?.(r);
        }
        if (!ac.signal.aborted) endedAt = Date.now();
        clearTimeout(stop);
        return { seen, endedAt };
      }

      it('ends on a cancel made elsewhere while the device is still working', async () => {
        const jobId = await cloud.busyJob('ctr-cancel');
        let cancelledAt = 0;
        const { seen, endedAt } = await watchFor(jobId, 30_000, async (first) => {
          assert.equal(first.executions[0]?.status, 'in-progress', 'the device is working');
          await cloud.cancelJobExternally(jobId);
          cancelledAt = Date.now();
        });
        assert.ok(endedAt > 0, 'the watch ended by itself');
        const last = seen.at(-1)!;
        assert.equal(last.done, true);
        assert.equal(last.job.status, 'canceled');
        assert.ok(endedAt - cancelledAt < 10_000, `ended ${endedAt - cancelledAt} ms after the cancel`);
      });

      it('without a cancel it keeps watching until stopped', async () => {
        const jobId = await cloud.busyJob('ctr-busy');
        const { seen, endedAt } = await watchFor(jobId, 4000);
        assert.equal(endedAt, 0, 'still watching when stopped');
        assert.ok(seen.length >= 1 && seen.every((r) => !r.done));
      });
    });

    describe('timeouts', () => {
      let hung: Server;
      const sockets: Socket[] = [];
      let endpoint = '';
      before(async () => {
        // Accepts every connection and never answers a byte.
        hung = createServer((s) => void sockets.push(s));
        await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
        endpoint = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
      });
      after(async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => hung.close(r));
      });

      it("a cancel ends a call that gets no answer at once, as 'canceled'", async () => {
        const artifact = await cloud.artifact('ctr-stop', '4.0.0');
        const pub = await provider.publish({ packageName: 'ctr-stop', version: '4.0.0', artifact });
        const form = descriptorOf(provider.profile).clientReference;
        const reference = verifyReference('ctr-stop', '4.0.0', new Date(), form.maxLength, undefined, form.separator);
        cloud.faults.hangNext(5, { action: cloud.actions.createVerifyJob });
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 300);
        const t0 = Date.now();
        await expectCloudError(
          provider.startVerifyJob({ packageName: 'ctr-stop', version: '4.0.0', versionId: pub.version.id, reference, timeoutMinutes: 5, location: pub.location, artifact }, ac.signal),
          'canceled',
        );
        assert.ok(Date.now() - t0 < 2000, `ended ${Date.now() - t0} ms after the start (the cancel came at 300 ms)`);
      });

      it('an endpoint that never answers ends as unavailable within the call deadline, naming the endpoint', async () => {
        const slow = await cloud.provider(cloud.endpointOverrides(endpoint, 2));
        for (const call of [() => slow.listPackages(), () => slow.describeJob('any-job')]) {
          const t0 = Date.now();
          const e = await expectCloudError(call(), 'unavailable', new RegExp(endpoint.replace(/[.:/]/g, '\\$&')));
          const took = Date.now() - t0;
          assert.ok(took >= 1900 && took < 6000, `took ${took} ms for a 2 s deadline`);
          assert.match(e.message, /did not answer within 2 s/);
          assert.ok(sockets.length > 0, 'the connection was made');
        }
      });
    });
  });
}
