// A finished release is told once, with at most three actions that matter (outcomeActions), and
// the pane's note does not repeat what the failed step and the verdict already say (noteBeyondReason).
import { strict as assert } from 'assert';
import type { ReleaseRecord } from '../../src/core/release';
import type { ReleaseView } from '../../src/shared/protocol';
import { failureActions, MAX_ACTIONS, passedActions } from '../../src/vscode/release/outcomeActions';
import { noteBeyondReason } from '../../webview-ui/monitor/rolloutFormat';

// A failed verify: resumable from its verdict step.
const record = (cloud: string): ReleaseRecord =>
  ({ id: 'r', status: 'failed', config: { cloud, profile: 'p', packageName: 'fw' }, steps: [{ id: 'verdict', status: 'failed', attempts: 1 }] }) as unknown as ReleaseRecord;

describe('release outcome: actions and the reason said once', () => {
  it('a failed verdict offers at most three actions, and no "Open Monitor" while the monitor is in view', () => {
    const r = record('aws');
    const open = failureActions(r, 'verdict', 'The board crashed.', true);
    assert.ok(open.length <= MAX_ACTIONS);
    assert.ok(!open.includes('openMonitor'), open.join());
    assert.equal(open[0], 'saveBundle');
    const closed = failureActions(r, 'verdict', 'The board crashed.', false);
    assert.deepEqual(closed.slice(0, 2), ['openMonitor', 'saveBundle']);
    assert.equal(closed.length, MAX_ACTIONS);
  });

  it('the fix most likely needed comes first (problems, settings, credentials)', () => {
    const r = record('aws');
    assert.equal(failureActions(r, 'build', 'main.c:3: error', true)[0], 'showProblems');
    assert.equal(failureActions(r, 'version', 'no version', true)[0], 'openSettings');
    assert.equal(failureActions(r, 'publish', 'The security token included in the request is expired', true)[0], 'credentialsHelp');
    assert.deepEqual(failureActions(r, 'publish', 'throttled', true).slice(-1), ['showLog']);
  });

  it('a pass offers the monitor only when it is not in view', () => {
    const r = { ...record('aws'), status: 'passed' } as ReleaseRecord;
    assert.ok(!passedActions(r, true).includes('openMonitor'));
    assert.equal(passedActions(r, false)[0], 'openMonitor');
  });

  it("the pane's note keeps only what the failed step and the verdict do not already say", () => {
    const reason = 'The board printed 1.2.3, not 1.2.4.';
    const view = {
      steps: [{ id: 'verdict', title: 'Verdict', status: 'failed', reason }],
      verdict: { result: 'failed', reasons: [reason], serialLines: [] },
      note: `"Verdict" failed: ${reason} The job j-1 is still on the cloud.`,
    } as unknown as ReleaseView;
    assert.equal(noteBeyondReason(view), 'The job j-1 is still on the cloud.');
    assert.equal(noteBeyondReason({ ...view, note: `"Verdict" failed: ${reason}` }), '', 'nothing more to say: no note');
    assert.equal(noteBeyondReason({ ...view, verdict: undefined, steps: [], note: 'Stopped after "Sign" as asked.' }), 'Stopped after "Sign" as asked.');
  });
});
