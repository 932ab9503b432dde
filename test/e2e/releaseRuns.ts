// Release runs and checks the cloud release suites share (release-huawei / release-aliyun, and the
// AWS release.test.ts for the step statuses): the steps' statuses, a CloudError recognised by shape,
// a PASSED release, a release interrupted at every step then resumed, one re-run until it passes.
import { strict as assert } from 'assert';
import { resumePoint, resumeRelease, startRelease, type ReleaseRecord, type StepId } from '../../src/core/release';
import { rolloutView } from '../../src/core/release/view';
import { cloudErrorOf } from '../support/cloudError';
import type { ReleaseBenchBase } from './cloudReleaseBench';

export const statuses = (r: ReleaseRecord) => Object.fromEntries(r.steps.map((s) => [s.id, s.status]));

/**
 * The CloudError `p` rejects with: by shape, with `code` and `re` in its message or hint. `secret`:
 * a string, or a pattern of strings, that must not be in them.
 */
export async function expectCloudError(p: Promise<unknown>, code: string, re: RegExp, secret?: string | RegExp) {
  const e = await cloudErrorOf(p);
  assert.equal(e.code, code, e.message);
  const text = `${e.message} ${e.hint ?? ''}`;
  assert.match(text, re);
  if (typeof secret === 'string') assert.ok(!text.includes(secret), 'no secret in the message');
  else if (secret) assert.doesNotMatch(text, secret, 'no secret in the message');
  return e;
}

/** A Quick Release that records every event and a rollout view of each rollout snapshot. */
export async function releaseWithSnapshots(b: ReleaseBenchBase): Promise<{ r: ReleaseRecord; snapshots: ReturnType<typeof rolloutView>[] }> {
  const snapshots: ReturnType<typeof rolloutView>[] = [];
  const r = await startRelease(b.config(), b.deps({ onEvent: (e) => (b.events.push(e), e.type === 'rollout' && snapshots.push(rolloutView(e.rollout))) }));
  return { r, snapshots };
}

/**
 * A release that PASSED on a cloud without a version lifecycle (Huawei, Alibaba: the publish step is
 * skipped), verified on `target`, whose board now runs and printed `version`.
 */
export function assertPassedWithoutPublish(b: ReleaseBenchBase, r: ReleaseRecord, version: string, target: string): void {
  assert.equal(r.status, 'passed', r.note);
  assert.deepEqual(statuses(r), { build: 'done', locate: 'done', version: 'done', sign: 'done', upload: 'done', register: 'done', publish: 'skipped', 'start-verify': 'done', watch: 'done', verdict: 'done' });
  assert.equal(r.verdict?.result, 'passed');
  assert.match(r.verdict!.bannerLine!.text, new RegExp(`firmware version ${version.replace(/\./g, '\\.')}`));
  assert.equal(r.rollout?.executions[0].target, target);
  assert.equal(r.rollout?.executions[0].status, 'succeeded');
  assert.equal(b.board.version, version);
}

/**
 * A release of `version` canceled as each of `steps` starts (each run asserted canceled and
 * resumable at that step), then resumed to PASSED with the board on `version`.
 */
export async function interruptAtEveryStep(b: ReleaseBenchBase, version: string, steps: readonly StepId[]): Promise<void> {
  b.setVersion(version);
  let first = true;
  for (const step of steps) {
    const ac = new AbortController();
    const deps = b.deps({ onEvent: (e) => e.type === 'step' && e.step === step && e.status === 'started' && ac.abort() });
    const r: ReleaseRecord = first ? await startRelease(b.config(), deps, ac.signal) : await resumeRelease((await b.store.load())!, deps, ac.signal);
    first = false;
    assert.equal(r.status, 'canceled', `${step}: ${r.note}`);
    assert.equal(resumePoint(r), step);
  }
  const done = await resumeRelease((await b.store.load())!, b.deps());
  assert.equal(done.status, 'passed', done.note);
  assert.equal(b.board.version, version);
}

/** A release, then up to three resumes of its stored record until one passes; returns the last run. */
export async function releaseUntilPassed(b: ReleaseBenchBase): Promise<ReleaseRecord> {
  let r = await startRelease(b.config(), b.deps());
  for (let i = 0; r.status !== 'passed' && i < 3; i++) r = await resumeRelease((await b.store.load())!, b.deps());
  return r;
}
