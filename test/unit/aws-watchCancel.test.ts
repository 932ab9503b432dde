// A one-device verify job cancelled on the cloud while the device is still working (its execution
// stays IN_PROGRESS, nothing about it changes): the watch must notice from the job itself within a
// few seconds and end; the verdict then says the job was cancelled. Without a cancel, it keeps
// watching. AWS provider (sources) against the emulator.
import { strict as assert } from 'assert';
import { createProvider, type AwsProvider } from '../../src/core/clouds/aws';
import type { Rollout } from '../../src/core/model';
import { decideVerdict, summarizeRollout } from '../../src/core/release/verdict';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';

describe('aws watch: a cancel of a one-device job while the device works', function () {
  this.timeout(30_000);
  let aws: AwsEmulator;
  let provider: AwsProvider;
  before(async () => {
    aws = await startAwsEmulator();
    provider = await createProvider(aws.profile(), undefined, { credentials: aws.credentials, watchMaxRequestsPerSecond: 10 });
  });
  after(async () => {
    provider.dispose();
    await aws.close();
  });

  /** A job on one thing whose execution the device has taken up (IN_PROGRESS) and then goes quiet. */
  function busyJob(name: string): string {
    aws.seed.thing(name);
    aws.jobs.create(`${name}-job`, { targets: [aws.things.thing(name).thingArn], document: '{}', description: `OTA Bench verify of fw@1.0.0 on ${name}` });
    aws.jobs.deviceUpdate(name, `${name}-job`, { status: 'IN_PROGRESS', statusDetails: { receive: '1/8' } });
    return `${name}-job`;
  }

  /** Watches until the watch ends or `forMs` passes; returns the snapshots and when the last came. */
  async function watchFor(jobId: string, forMs: number, during?: () => Promise<void>) {
    const ac = new AbortController();
    const stop = setTimeout(() => ac.abort(), forMs);
    const seen: Rollout[] = [];
    const t0 = Date.now();
    let ended = false;
    const run = (async () => {
      for await (const r of provider.watchJob(jobId, { signal: ac.signal })) seen.push(r);
      ended = !ac.signal.aborted;
    })();
    await during?.();
    await run;
    clearTimeout(stop);
    return { seen, ended, ms: Date.now() - t0 };
  }

  it('ends with the job canceled within a few seconds, and the verdict says it was cancelled', async () => {
    const jobId = busyJob('cancel-watch-1');
    let cancelledAt = 0;
    const { seen, ended, ms } = await watchFor(jobId, 20_000, async () => {
      await new Promise((r) => setTimeout(r, 1500));
      await provider.cancelJob(jobId); // not forced: the device's execution stays IN_PROGRESS
      cancelledAt = Date.now();
    });
    const last = seen.at(-1)!;
    assert.equal(ended, true, `the watch ended by itself (after ${ms} ms)`);
    assert.equal(last.done, true);
    assert.equal(last.job.status, 'canceled');
    assert.equal(last.executions[0].rawStatus, 'IN_PROGRESS', 'the device was still working');
    const noticedIn = Date.now() - cancelledAt;
    assert.ok(noticedIn < 7000, `noticed ${noticedIn} ms after the cancel`);
    const v = decideVerdict({ rollout: summarizeRollout(last), target: 'cancel-watch-1', version: '1.0.0', lines: [], serialConnected: true, bannerGraceMs: 0 });
    assert.equal(v.result, 'failed');
    assert.match(v.reasons.join(' '), /The verify job was cancelled on the cloud \(CANCELED\) while cancel-watch-1 was IN_PROGRESS\./);
  });

  it('not cancelled: keeps watching (re-reading the job now and then), and ends only when asked', async () => {
    const jobId = busyJob('cancel-watch-2');
    const from = aws.requests.length;
    const { seen, ended } = await watchFor(jobId, 7000);
    assert.equal(ended, false, 'still watching when stopped');
    assert.ok(seen.every((r) => !r.done && r.job.status === 'in-progress'));
    const jobReads = aws.requests.slice(from).filter((r) => r.path === `/jobs/${jobId}`).length;
    // Start + about every 5 s: a bounded cadence, not every tick.
    assert.ok(jobReads >= 2 && jobReads <= 4, `DescribeJob ${jobReads} times in 7 s`);
  });
});
