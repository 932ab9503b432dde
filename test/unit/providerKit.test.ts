// The provider kit (src/core/clouds/kit): calls with a deadline and cancellation, paging cursors,
// the watch pacer and the per-action rate limiter.
import { strict as assert } from 'assert';
import { createServer, type Server, type Socket } from 'net';
import { isCloudError, CloudError, type CloudErrorShape } from '../../src/core/errors';
import { callCloud, DEFAULT_CALL_TIMEOUT_MS } from '../../src/core/clouds/kit/call';
import type { Clock } from '../../src/core/clouds/kit/clock';
import { decodeCursor, encodeCursor, nextTokenCursor, tokenOf } from '../../src/core/clouds/kit/cursor';
import { Backoff, RequestSpacer } from '../../src/core/clouds/kit/pacer';
import { qpsOf, RATE_SLACK_MS, RateLimiter, type QpsLimits } from '../../src/core/clouds/kit/rateLimiter';

/** A virtual clock: sleeps resolve in time order as the test drives it; nothing waits for real. */
class VirtualClock implements Clock {
  t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  now = () => this.t;
  sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  /** Runs until `done` settles, advancing time to each next timer when everything else is idle. */
  async run<T>(done: Promise<T>): Promise<T> {
    let finished = false;
    const out = done.finally(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      if (finished) break;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) continue;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    return out;
  }
}

const classify = (e: unknown, what: string): CloudErrorShape => new CloudError(`${what}: ${(e as Error).message}`, 'unknown');

describe('provider kit: calls', () => {
  let hung: Server;
  let port = 0;
  const sockets: Socket[] = [];
  before(async () => {
    // Accepts every connection and never answers.
    hung = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    port = (hung.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hung.close(r));
  });

  it('a hung endpoint ends as unavailable at the deadline, naming the endpoint and the time, with a hint', async () => {
    const endpoint = `http://127.0.0.1:${port}`;
    const t0 = Date.now();
    const e = await callCloud({ what: 'Listing jobs', classify, endpoint, timeoutMs: 300 }, (signal) => fetch(`${endpoint}/jobs`, { signal })).then(
      () => assert.fail('resolved'),
      (err: unknown) => err,
    );
    const took = Date.now() - t0;
    assert.ok(isCloudError(e), String(e));
    assert.equal(e.code, 'unavailable');
    assert.equal(e.retryable, true);
    assert.match(e.message, new RegExp(`^Listing jobs: ${endpoint} did not answer within 0\\.3 s\\.$`));
    assert.match(e.hint!, /endpoint.*network/);
    assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
  });

  it('settles at the deadline even when the call ignores its signal', async () => {
    const e = await callCloud({ what: 'Reading job j', classify, timeoutMs: 50 }, () => new Promise(() => {})).catch((err: unknown) => err);
    assert.ok(isCloudError(e) && e.code === 'unavailable', String(e));
  });

  it("the caller's cancel ends the call as canceled and aborts the request", async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const p = callCloud({ what: 'Creating job j', classify, signal: ac.signal }, (signal) => {
      seen = signal;
      return new Promise(() => {});
    });
    ac.abort();
    const e = await p.catch((err: unknown) => err);
    assert.ok(isCloudError(e) && e.code === 'canceled', String(e));
    assert.equal(seen?.aborted, true, 'the signal given to the client aborted too');
    await assert.rejects(callCloud({ what: 'x', classify, signal: ac.signal }, async () => 1), (err: unknown) => isCloudError(err) && err.code === 'canceled');
  });

  it('classifies other failures with the cloud mapper; passes CloudErrors and results through', async () => {
    assert.equal(await callCloud({ what: 'x', classify }, async () => 42), 42);
    await assert.rejects(callCloud({ what: 'Listing', classify }, async () => Promise.reject(new Error('boom'))), (e: unknown) => isCloudError(e) && e.message === 'Listing: boom');
    const own = new CloudError('gone', 'not-found');
    await assert.rejects(callCloud({ what: 'x', classify }, async () => Promise.reject(own)), (e: unknown) => e === own);
    assert.equal(DEFAULT_CALL_TIMEOUT_MS, 30_000);
  });
});

describe('provider kit: paging cursors', () => {
  it('round-trips nextToken, marker + offset and page number', () => {
    for (const token of ['abc', 'eyJ0b2tlbiI6MX0=', 'with space/+=é']) assert.equal(tokenOf(nextTokenCursor(token)), token);
    assert.equal(nextTokenCursor(undefined), undefined);
    assert.equal(tokenOf(undefined), undefined);
    assert.deepEqual(decodeCursor(encodeCursor({ kind: 'marker', marker: 'ffffffffffffffffffffffff', offset: 500 }), 'marker'), { kind: 'marker', marker: 'ffffffffffffffffffffffff', offset: 500 });
    assert.deepEqual(decodeCursor(encodeCursor({ kind: 'page', page: 7 }), 'page'), { kind: 'page', page: 7 });
  });

  it('refuses a corrupted cursor, or one of another kind, as invalid with a hint', () => {
    const good = encodeCursor({ kind: 'marker', marker: 'abc', offset: 20 });
    const bad = [
      'garbage',
      good.slice(0, -1) + 'x',
      good.replace('.20', '.501'),
      'm.!!!.1',
      'p.0',
      'p.1.2',
      'p.-3',
      't.' + 'a'.repeat(7000),
      't.YWJj.extra',
    ];
    for (const next of bad) {
      const kind = next.startsWith('p') ? 'page' : next.startsWith('t') ? 'token' : 'marker';
      assert.throws(() => decodeCursor(next, kind), (e: unknown) => isCloudError(e) && e.code === 'invalid' && /Reload the list/.test(e.hint ?? ''), next);
    }
    assert.throws(() => tokenOf(encodeCursor({ kind: 'page', page: 2 })), (e: unknown) => isCloudError(e) && e.code === 'invalid' && /not a token cursor/.test(e.message));
  });
});

describe('provider kit: pacer', () => {
  it('backs off ×2 per retryable failure up to the cap, halves back on success, gives up after maxFailures', () => {
    const b = new Backoff(() => 1000, { maxMs: 8000, maxFailures: 4 });
    assert.equal(b.delayMs, 1000);
    assert.equal(b.failed(), true);
    assert.equal(b.delayMs, 2000);
    b.failed();
    b.failed();
    assert.equal(b.delayMs, 8000);
    assert.equal(b.failed(), true);
    assert.equal(b.delayMs, 8000, 'capped');
    assert.equal(b.failed(), false, 'the fifth failure in a row gives up');
    b.succeeded();
    assert.equal(b.delayMs, 4000);
    b.succeeded();
    b.succeeded();
    b.succeeded();
    assert.equal(b.delayMs, 1000, 'back at the base, never below');
    for (let i = 0; i < 4; i++) assert.equal(b.failed(), true, 'a success resets the failure count');
  });

  it("a watch's failed tick: retryable → back off and retry; cancelled → stop; not retryable or too many → thrown", () => {
    const b = new Backoff(() => 100, { maxFailures: 1 });
    const throttled = new CloudError('Rate exceeded', 'throttled', undefined, undefined, true);
    const again = b.tickFailed(throttled);
    assert.equal(again, throttled);
    assert.equal(b.delayMs, 200, 'backed off');
    assert.throws(() => b.tickFailed(throttled), (e: unknown) => e === throttled, 'the second failure in a row gives up');
    b.succeeded();
    assert.throws(() => b.tickFailed(new CloudError('No such job', 'not-found')), (e: unknown) => isCloudError(e) && e.code === 'not-found');
    assert.throws(() => b.tickFailed(new TypeError('boom')), (e: unknown) => isCloudError(e) && e.code === 'unknown' && /boom/.test(e.message), 'a plain error becomes a CloudError');
    assert.equal(b.tickFailed(new CloudError('Watch stopped.', 'canceled')), 'stop');
    const ac = new AbortController();
    ac.abort();
    assert.equal(b.tickFailed(new CloudError('x', 'unavailable', undefined, undefined, true), ac.signal), 'stop', 'an aborted watch stops whatever failed');
  });

  it('spaces request starts by the gap', async () => {
    const clock = new VirtualClock();
    const spacer = new RequestSpacer(250, clock);
    const starts: number[] = [];
    await clock.run(
      (async () => {
        for (let i = 0; i < 5; i++) {
          await spacer.wait();
          starts.push(clock.now());
        }
      })(),
    );
    assert.deepEqual(starts, [0, 250, 500, 750, 1000]);
  });
});

describe('provider kit: rate limiter', () => {
  // Alibaba IoT's documented limits (cloud-apis.md §3).
  const ALIYUN: QpsLimits = { default: 10, prefixes: { Query: 20 }, actions: { CancelOTATaskByJob: 5 } };

  it('reads the limit per action: exact name, then longest prefix, then the default', () => {
    assert.equal(qpsOf(ALIYUN, 'CancelOTATaskByJob'), 5);
    assert.equal(qpsOf(ALIYUN, 'QueryOTAJob'), 20);
    assert.equal(qpsOf(ALIYUN, 'ListOTAJobByFirmware'), 10);
    assert.throws(() => new RateLimiter({ default: 0 }), RangeError);
  });

  /** The most calls any window [t, t + 1 s) holds. */
  const busiestSecond = (times: number[]) => Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));

  for (const [action, qps] of [['ListOTAFirmware', 10], ['QueryOTAFirmware', 20], ['CancelOTATaskByJob', 5]] as const) {
    it(`a burst of 50 ${action} calls never exceeds ${qps}/s in any 1 s window, and uses the allowance`, async () => {
      const clock = new VirtualClock();
      const limiter = new RateLimiter(ALIYUN, clock);
      const times: number[] = [];
      await clock.run(Promise.all(Array.from({ length: 50 }, () => limiter.take(action).then(() => times.push(clock.now())))));
      assert.equal(times.length, 50);
      assert.equal(busiestSecond(times), qps);
      // Not slower than needed: 50 calls at qps/s take (50/qps − 1) seconds (plus the slack) after the first burst.
      assert.equal(Math.max(...times), (Math.ceil(50 / qps) - 1) * (1000 + RATE_SLACK_MS));
    });
  }

  it('actions have their own allowances; a cancelled wait rejects and frees its turn', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter(ALIYUN, clock);
    const log: string[] = [];
    const ac = new AbortController();
    await clock.run(
      Promise.all([
        ...Array.from({ length: 6 }, (_, i) => limiter.take('CancelOTATaskByJob').then(() => log.push(`c${i}@${clock.now()}`))),
        ...Array.from({ length: 3 }, (_, i) => limiter.take('QueryOTAJob').then(() => log.push(`q${i}@${clock.now()}`))),
      ]),
    );
    assert.ok(log.includes(`c5@${1000 + RATE_SLACK_MS}`) && log.includes('q2@0'), log.join(' '));
    ac.abort();
    await assert.rejects(limiter.take('CancelOTATaskByJob', ac.signal), { name: 'AbortError' });
  });
});
