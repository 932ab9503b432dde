// The release pipeline interrupted at every step and resumed, on the BUILT AWS bundle as the
// extension loads it (see builtRelease.ts): each ends PASSED with exactly one uploaded object
// version, one package version and one verify job. Against the AWS emulator and the virtual board
// on a real pty. (With `instanceof CloudError` in the pipeline, the cancel during "start-verify"
// never resumes: "Reading job …: cannot be found" on every re-run.)
import { strict as assert } from 'assert';
import { startRelease } from '../../src/core/release';
import { STEP_IDS, type StepId } from '../../src/core/release/types';
import { startBuiltReleaseBench, type BuiltReleaseBench } from './builtRelease';
import { BUILD_HOOK_TIMEOUT_MS } from './builtBundle';

describe('release resume on the built AWS bundle: every step interrupted, then resumed', function () {
  this.timeout(300_000);
  let t: BuiltReleaseBench;
  before(async function () {
    this.timeout(BUILD_HOOK_TIMEOUT_MS);
    t = await startBuiltReleaseBench(3);
  });
  after(async () => {
    await t?.close();
  });

  for (const step of STEP_IDS) {
    it(`cancel during "${step}" → Resume → PASSED with one object, one version, one verify job`, async () => {
      const version = t.nextVersion();
      const ac = new AbortController();
      // The verdict step runs without waiting on anything: a cancel lands as it starts. Every other
      // step is cancelled once it is under way (after its first await).
      const onEvent = (e: { type: string; step?: StepId; status?: string }) => {
        if (e.type !== 'step' || e.step !== step || e.status !== 'started' || ac.signal.aborted) return;
        if (step === 'verdict') ac.abort();
        else queueMicrotask(() => ac.abort());
      };
      const first = await startRelease(t.b.config(), t.deps({ onEvent }), ac.signal);
      assert.equal(first.status, 'canceled', first.note);
      // A cloud step whose effect completed as the cancel came keeps it: the stop is then at the next step.
      const at = first.steps.findIndex((s) => s.status === 'canceled');
      assert.ok(at >= STEP_IDS.indexOf(step) && at <= STEP_IDS.indexOf(step) + 1, `cancelled at ${STEP_IDS[at]}: ${first.note}`);
      const { record, trail } = await t.resumeToEnd(first);
      t.assertOneOfEach(version, record, trail);
    });
  }
});
