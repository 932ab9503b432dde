// The editor side of Quick Release that needs no editor: the notification's progress arithmetic,
// the Release to Fleet wizard's input checks, the verify bundle files.
import { strict as assert } from 'assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { newRecord, type ReleaseConfig, type ReleaseEvent } from '../../src/core/release';
import { bundleFolderName, writeVerifyBundle } from '../../src/core/release/bundle';
import { fieldError, iotArnPrefix, parseTargets } from '../../src/core/clouds/aws/fleetForm';
import { ProgressMeter } from '../../src/vscode/release/progress';

const step = (s: string, status: 'started' | 'done' | 'failed', extra: Partial<ReleaseEvent> = {}): ReleaseEvent =>
  ({ type: 'step', at: 0, step: s, title: s, status, ...extra }) as ReleaseEvent;

describe('release in the editor: progress, fleet inputs, verify bundle', () => {
  it('the progress bar only moves forward, the upload and the watch advance by their percentages', () => {
    const m = new ProgressMeter();
    let total = 0;
    const feed = (e: ReleaseEvent) => {
      const r = m.next(e);
      if (r) {
        assert.ok(r.increment >= 0, 'never backwards');
        total += r.increment;
      }
      return r;
    };
    feed(step('build', 'started'));
    feed(step('build', 'done', { summary: 'ok' } as Partial<ReleaseEvent>));
    for (const s of ['locate', 'version', 'sign']) feed(step(s, 'done'));
    feed(step('upload', 'started'));
    const half = feed({ type: 'progress', at: 0, step: 'upload', done: 2 * 1024 * 1024, total: 4 * 1024 * 1024, percent: 50 });
    assert.match(half!.message, /^Upload 50% — 2\.0 MB of 4\.0 MB$/);
    const before = total;
    // A late, smaller percentage (another part finishing out of order) does not move the bar back.
    assert.equal(feed({ type: 'progress', at: 0, step: 'upload', percent: 10 })!.increment, 0);
    assert.equal(total, before);
    for (const s of ['upload', 'register', 'publish', 'start-verify']) feed(step(s, 'done'));
    feed({ type: 'progress', at: 0, step: 'watch', message: 'bench-board-01: IN_PROGRESS', percent: 40 });
    feed(step('watch', 'done'));
    feed(step('verdict', 'done'));
    assert.ok(Math.abs(total - 100) < 1e-9, `ends at 100 (got ${total})`);
    assert.equal(m.next({ type: 'log', at: 0, step: 'build', text: 'x' }), undefined);
  });

  it('fleet targets: names become thing-group ARNs in the account of a known ARN; bad input says why', () => {
    const prefix = iotArnPrefix(undefined, 'arn:aws:iot:eu-west-1:123456789012:package/fw/version/1.0');
    assert.equal(prefix, 'arn:aws:iot:eu-west-1:123456789012:');
    assert.deepEqual(parseTargets('fleet-eu, arn:aws:iot:us-east-1:123456789012:thinggroup/fleet-us', prefix).arns, [
      'arn:aws:iot:eu-west-1:123456789012:thinggroup/fleet-eu',
      'arn:aws:iot:us-east-1:123456789012:thinggroup/fleet-us',
    ]);
    assert.match(parseTargets('', prefix).error!, /at least one/);
    assert.match(parseTargets('no/such', prefix).error!, /not a thing-group name/);
    assert.match(parseTargets('arn:aws:s3:::bucket', prefix).error!, /not a thing-group ARN/);
    assert.match(parseTargets('fleet-eu', undefined).error!, /full ARN/);
  });

  it('fleet rollout inputs are checked by the AWS ranges, field by field', () => {
    assert.equal(fieldError({ maximumPerMinute: 100 }, 'maximumPerMinute'), undefined);
    assert.match(fieldError({ maximumPerMinute: 5000 }, 'maximumPerMinute')!, /between 1 and 1000/);
    assert.match(fieldError({ maximumPerMinute: 2.5 }, 'maximumPerMinute')!, /whole number/);
    const exp = (incrementFactor: number) => ({ exponentialRate: { baseRatePerMinute: 10, incrementFactor, rateIncreaseCriteria: { numberOfSucceededThings: 5 } } });
    assert.equal(fieldError(exp(1.5), 'exponentialRate.incrementFactor'), undefined);
    assert.match(fieldError(exp(7), 'exponentialRate.incrementFactor')!, /between 1.1 and 5/);
    assert.match(fieldError(exp(1.25), 'exponentialRate.incrementFactor')!, /one decimal/);
    const abort = (t: number) => ({ abortCriteria: [{ failureType: 'FAILED' as const, thresholdPercentage: t, minNumberOfExecutedThings: 1 }] });
    assert.match(fieldError(abort(150), 'abortCriteria[0].thresholdPercentage')!, /0 to 100/);
    assert.equal(fieldError(abort(12.5), 'abortCriteria[0].thresholdPercentage'), undefined);
    assert.match(fieldError({ inProgressTimeoutInMinutes: 20000 }, 'inProgressTimeoutInMinutes')!, /between 1 and 10080/);
  });

  it('the verify bundle: one folder of plain files, ANSI stripped, secrets masked by the given redact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otab-bundle-'));
    try {
      const config = { root: dir, profile: 'p', cloud: 'aws', packageName: 'fw pkg', artifact: 'b/*.bin', version: { kind: 'file', file: 'v.h' }, signing: { mode: 'hash-only' } } as ReleaseConfig;
      const r = newRecord(config, Date.UTC(2026, 0, 2, 3, 4, 5));
      r.version = { value: '1.2.3', origin: 'v.h:1' };
      r.status = 'failed';
      r.verdict = { result: 'failed', reasons: ['The board did not print version 1.2.3 on serial.'], serialLines: [] };
      assert.equal(bundleFolderName(r, Date.UTC(2026, 0, 2, 3, 4, 5)), 'ota-bench-verify-fw_pkg-1.2.3-20260102-030405');
      const { folder, files } = await writeVerifyBundle(dir, {
        record: r,
        snapshots: [],
        serial: [{ t: 0, text: '\u001b[0;31mE (1) ota: token=SECRET42 failed\u001b[0m', dir: 'rx' }, { t: 1, text: 'version', dir: 'tx' }],
        timeline: [{ t: 0, kind: 'step', text: 'Build…' }],
        redact: (s) => s.split('SECRET42').join('****'),
        now: Date.UTC(2026, 0, 2, 3, 4, 5),
      });
      assert.deepEqual(files.sort(), ['README.txt', 'job-snapshots.json', 'release.json', 'serial.log', 'timeline.log']);
      assert.deepEqual(readdirSync(folder).sort(), files.sort());
      const serial = readFileSync(join(folder, 'serial.log'), 'utf8');
      assert.equal(serial, '1970-01-01T00:00:00.000Z   E (1) ota: token=**** failed\n1970-01-01T00:00:00.001Z > version\n');
      assert.match(readFileSync(join(folder, 'README.txt'), 'utf8'), /Verdict {4}FAILED\n {11}The board did not print version 1\.2\.3 on serial\./);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
