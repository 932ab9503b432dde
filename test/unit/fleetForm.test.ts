// Release to Fleet's contract (core/clouds/fleet.ts): one reader of typed answers, `when` skips,
// answerProblems as the provider's pre-call check; AWS's form on it; the answers kept per cloud.
import { strict as assert } from 'assert';
import type * as vscode from 'vscode';
import { awsFleetForm, defaultFleetJobId, rolloutConfigOf } from '../../src/core/clouds/aws/fleetForm';
import { answerProblems, askedQuestions, parseAnswers, readAnswer, type FleetAnswers, type InputQuestion } from '../../src/core/clouds/fleet';
import { missingCapability } from '../../src/core/clouds/registry';
import type { CloudProfile } from '../../src/core/profiles';
import { WorkspaceReleaseStore } from '../../src/vscode/release/workspaceStore';

const SOURCE = {
  packageName: 'fw',
  version: '1.6.0',
  versionRef: 'arn:aws:iot:eu-west-1:123456789012:package/fw/version/1.6.0',
  verifyJobId: 'ota-bench-verify-fw-1_6_0-x',
};

function memento(): vscode.Memento {
  const m = new Map<string, unknown>();
  return { keys: () => [...m.keys()], get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v) } as vscode.Memento;
}

describe('Release to Fleet: the form contract and AWS\u2019s form', () => {
  const form = awsFleetForm(SOURCE, 'eu-west-1', async (arns) => arns.filter((a) => a.endsWith('/nowhere')).map((a) => a.split('/').pop()!), new Date('2026-11-30T10:00:00Z'));
  const q = (key: string) => form.questions.find((x) => x.key === key) as InputQuestion;
  const good: FleetAnswers = {
    targets: 'fleet-eu', rate: 'exponential', maximumPerMinute: 100, baseRatePerMinute: 10, incrementFactor: 1.5, succeededToRaise: 5,
    abort: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 10, inProgressTimeoutInMinutes: 30, jobId: 'otabench-fleet-1',
  };

  it('readAnswer: numbers parsed, empty optional answers are null, a required one and a non-number say so', () => {
    assert.deepEqual(readAnswer(q('maximumPerMinute'), ' 100 ', { rate: 'constant' }), { value: 100 });
    assert.deepEqual(readAnswer(q('inProgressTimeoutInMinutes'), '', {}), { value: null });
    assert.deepEqual(readAnswer(q('maximumPerMinute'), '', {}), { error: 'Enter a number.' });
    assert.deepEqual(readAnswer(q('maximumPerMinute'), 'ten', {}), { error: '"ten" is not a number.' });
    assert.match((readAnswer(q('maximumPerMinute'), '5000', { rate: 'constant' }) as { error: string }).error, /between 1 and 1000/);
    assert.match((readAnswer(q('jobId'), 'has space', {}) as { error: string }).error, /letters, digits/);
  });

  it('a question is asked only when its `when` says so', () => {
    assert.deepEqual(askedQuestions(form, { rate: 'none', abort: 'none' }).map((x) => x.key), ['targets', 'rate', 'abort', 'inProgressTimeoutInMinutes', 'jobId']);
    assert.deepEqual(askedQuestions(form, { rate: 'constant', abort: 'none' }).map((x) => x.key), ['targets', 'rate', 'maximumPerMinute', 'abort', 'inProgressTimeoutInMinutes', 'jobId']);
    assert.equal(askedQuestions(form, good).length, form.questions.length);
  });

  it('answerProblems passes good answers and names each bad one (the provider\u2019s check before CreateJob)', () => {
    assert.deepEqual(answerProblems(form, good), []);
    const bad = answerProblems(form, { ...good, rate: 'fast', incrementFactor: 7, targets: '' });
    assert.equal(bad.length, 2, bad.join(' | ')); // an unknown rate skips the rate's own questions
    assert.match(bad[0], /^targets \(Thing groups to roll out to.*\): Enter a value\.$/);
    assert.match(bad[1], /"fast" is not one of constant, exponential, none/);
    assert.match(answerProblems(form, { ...good, incrementFactor: 7 })[0], /between 1.1 and 5/);
    assert.match(answerProblems(form, { ...good, baseRatePerMinute: 500 })[0], /cannot exceed the maximum/);
    assert.match(answerProblems(form, { ...good, abort: undefined } as unknown as FleetAnswers)[0], /^abort \(.*\): not given; choose one of FAILED, REJECTED, TIMED_OUT, ALL, none\.$/);
  });

  it('parseAnswers reads answers given at once (the CLI): text parsed per question, left-out inputs take the form\u2019s default', () => {
    const { answers, problems } = parseAnswers(form, { targets: 'fleet-eu', rate: 'constant', maximumPerMinute: '40', abort: 'none' }, { defaults: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(answers, { targets: 'fleet-eu', rate: 'constant', maximumPerMinute: 40, abort: 'none', inProgressTimeoutInMinutes: 60, jobId: 'otabench-fleet-1_6_0-20261130100000' });
    assert.deepEqual(parseAnswers(form, { targets: 'fleet-eu', rate: 'constant', abort: 'none' }).problems, ['maximumPerMinute (Maximum devices notified per minute (1–1000)): Enter a number.', 'jobId (Job id): Enter a value.']);
    assert.deepEqual(parseAnswers(form, { targets: 'fleet-eu', rate: 'none', abort: 'none', inProgressTimeoutInMinutes: '' }, { defaults: true }).answers.inProgressTimeoutInMinutes, null, 'given empty: none');
  });

  it('AWS: the answers are the rollout, the groups are checked to exist, the summary has one line per setting', async () => {
    assert.deepEqual(rolloutConfigOf(good), {
      maximumPerMinute: 100,
      exponentialRate: { baseRatePerMinute: 10, incrementFactor: 1.5, rateIncreaseCriteria: { numberOfSucceededThings: 5 } },
      abortCriteria: [{ failureType: 'FAILED', thresholdPercentage: 20, minNumberOfExecutedThings: 10 }],
      inProgressTimeoutInMinutes: 30,
    });
    assert.deepEqual(rolloutConfigOf({ rate: 'none', abort: 'none', inProgressTimeoutInMinutes: null }), {});
    assert.equal(await form.confirmAnswer!('targets', { targets: 'fleet-eu' }), undefined);
    assert.equal(await form.confirmAnswer!('targets', { targets: 'fleet-eu, nowhere' }), 'nowhere does not exist in eu-west-1.');
    const { title, lines } = form.summary(good);
    assert.equal(title, 'Roll out fw 1.6.0 to 1 thing group?');
    assert.deepEqual(lines.slice(1, 5), [
      'Targets: arn:aws:iot:eu-west-1:123456789012:thinggroup/fleet-eu',
      'Rate: exponential from 10/min ×1.5 every 5 successes, at most 100/min',
      'Abort: cancel at 20% FAILED after 10 devices',
      'Timeout: 30 min per device',
    ]);
    assert.equal(defaultFleetJobId('1.6.0+rc.1', new Date('2026-11-30T10:00:00Z')), 'otabench-fleet-1_6_0_rc_1-20261130100000');
  });

  it('an AWS profile without roleArn cannot release to the fleet, and says why', () => {
    const p = { kind: 'aws', name: 'bench', region: 'eu-west-1' } as CloudProfile;
    assert.equal(missingCapability(p, 'fleet-rollout', 'fleet rollouts'), 'Profile "bench" has no IAM role for presigned URLs (roleArn).');
    assert.equal(missingCapability({ ...p, roleArn: 'arn:aws:iam::123456789012:role/ota' } as CloudProfile, 'fleet-rollout', 'fleet rollouts'), undefined);
  });

  it('answers are remembered per cloud; the flat AWS answers of earlier versions are still offered to AWS only', async () => {
    const state = memento();
    await state.update('otaBench.release.choice', { profile: 'p', fleet: { targets: 'fleet-eu', rate: 'constant', maximumPerMinute: 40 } });
    const store = new WorkspaceReleaseStore(state);
    assert.equal(store.fleetAnswers('aws').maximumPerMinute, 40);
    assert.deepEqual(store.fleetAnswers('aliyun'), {});
    await store.rememberFleetAnswers('aliyun', { selection: 'GRAY', grayPercent: '5' });
    assert.deepEqual(store.fleetAnswers('aliyun'), { selection: 'GRAY', grayPercent: '5' });
    assert.equal(store.fleetAnswers('aws').maximumPerMinute, 40, 'the flat answers moved under aws');
    await store.rememberFleetAnswers('aws', { targets: 'fleet-us' });
    assert.deepEqual(store.fleetAnswers('aliyun'), { selection: 'GRAY', grayPercent: '5' }, 'one cloud\u2019s answers do not clobber another\u2019s');
    assert.equal(store.choice().profile, 'p');
  });
});
