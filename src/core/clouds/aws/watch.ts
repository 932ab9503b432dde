// Watching a job: poll DescribeJob (status + jobProcessDetails counts), ListJobExecutionsForJob
// (first page) and DescribeJobExecution for executions that changed (statusDetails: receive
// "n/m", self_test, reason). Requests are spaced to stay under ~1 request/s per job; throttling
// and 5xx double the poll interval (up to 30 s) instead of failing; a snapshot is yielded when
// something changed; the watch ends when the job is done or the signal aborts.

import { DescribeJobCommand, DescribeJobExecutionCommand, ListJobExecutionsForJobCommand } from '@aws-sdk/client-iot';
import { CloudError, TERMINAL_EXECUTION, type Execution, type Rollout } from '../../model';
import type { AwsContext } from './context';
import { PAGE_SIZE } from './limits';
import { rolloutOf, toExecution, toExecutionSummary } from './map';

export interface AwsWatchOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  /** Requests per second for this watch (default 1). */
  maxRequestsPerSecond?: number;
  /** Executions described per poll (the rest keep their summary). */
  describeLimit?: number;
  /** Consecutive retryable failures tolerated before the watch gives up. */
  maxFailures?: number;
  /** Told about each back-off (e.g. to show "throttled, retrying in 8 s"). */
  onBackoff?: (error: CloudError, delayMs: number) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Spaces request starts at least 1/rate seconds apart. */
class Pacer {
  private next = 0;
  constructor(private readonly gapMs: number) {}
  async wait(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.gapMs;
    if (at > now) await sleep(at - now, signal);
  }
}

export async function* watchJob(ctx: AwsContext, jobId: string, opts: AwsWatchOptions = {}): AsyncGenerator<Rollout> {
  const base = opts.intervalMs ?? 2000;
  const pacer = new Pacer(1000 / (opts.maxRequestsPerSecond ?? 1));
  const signal = opts.signal;
  const seen = new Map<string, { updatedAt?: number; full: Execution }>();
  let interval = base;
  let failures = 0;
  let lastKey = '';
  const send = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    await pacer.wait(signal);
    if (signal?.aborted) throw new CloudError('Watch stopped.', 'canceled');
    return ctx.call(what, fn);
  };
  while (!signal?.aborted) {
    try {
      const d = await send(`Reading job ${jobId}`, () => ctx.clients.iot.send(new DescribeJobCommand({ jobId })));
      const list = await send(`Listing executions of ${jobId}`, () => ctx.clients.iot.send(new ListJobExecutionsForJobCommand({ jobId, maxResults: PAGE_SIZE.executions.max })));
      const executions: Execution[] = [];
      let described = 0;
      for (const s of list.executionSummaries ?? []) {
        const summary = toExecutionSummary(jobId, s);
        const stamp = summary.updatedAt?.getTime();
        const prev = seen.get(summary.target);
        if (prev && prev.updatedAt === stamp) {
          executions.push(prev.full);
          continue;
        }
        if (described < (opts.describeLimit ?? 10)) {
          described++;
          const full = await send(`Reading ${summary.target}'s execution`, () => ctx.clients.iot.send(new DescribeJobExecutionCommand({ jobId, thingName: summary.target })));
          const e = full.execution ? { ...toExecution(full.execution), details: { ...summary.details, ...toExecution(full.execution).details } } : summary;
          seen.set(summary.target, { updatedAt: stamp, full: e });
          executions.push(e);
        } else executions.push(summary);
      }
      const rollout = rolloutOf(d.job!, executions);
      failures = 0;
      interval = Math.max(base, Math.floor(interval / 2));
      const key = JSON.stringify([rollout.job.rawStatus, rollout.counts, executions.map((e) => [e.target, e.rawStatus, e.statusDetails])]);
      if (key !== lastKey || rollout.done) {
        lastKey = key;
        yield rollout;
      }
      if (rollout.done) return;
      // Settled executions need no fast polling; in-flight ones do.
      if (executions.length && executions.every((e) => TERMINAL_EXECUTION.has(e.status))) interval = Math.max(interval, base);
    } catch (e) {
      const err = e instanceof CloudError ? e : new CloudError(String(e), 'unknown');
      if (signal?.aborted || err.code === 'canceled') return;
      if (!err.retryable || ++failures > (opts.maxFailures ?? 8)) throw err;
      interval = Math.min(30_000, interval * 2);
      opts.onBackoff?.(err, interval);
    }
    await sleep(interval, signal);
  }
}
