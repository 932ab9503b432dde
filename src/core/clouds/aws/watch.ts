// Watching a job within ~1 request/s per job (cloud-apis.md §1.8), spending that budget where the
// news is. Every watch starts with DescribeJob (status + jobProcessDetails counts),
// ListJobExecutionsForJob (first page) and DescribeJobExecution (statusDetails: receive "n/m",
// self_test, reason).
// - A job on one thing (the bench verify job) then polls only DescribeJobExecution, one request a
//   tick (~1 s). DescribeJob follows only when the execution's status is not what the job's counts
//   say (a status change, the end): counts and the job's own status move only then.
//   ListJobExecutionsForJob follows only when the execution number changes (a retry: retryAttempt
//   is all it adds). While a terminal execution waits for its job to end, only DescribeJob is polled.
//   The job is also re-read every ~5 s (jobRefreshMs) whatever the execution says: a cancel (or a
//   deletion) changes only the job while the device keeps working, and must end the watch.
// - A fleet job polls all three each tick (executions that changed are described), 2 s apart.
// Throttling and 5xx double the poll interval (up to 30 s) instead of failing; a snapshot is
// yielded when something changed; the watch ends when the job is done or the signal aborts.

import { DescribeJobCommand, DescribeJobExecutionCommand, ListJobExecutionsForJobCommand, type Job as AwsJob } from '@aws-sdk/client-iot';
import { CloudError, TERMINAL_EXECUTION, type CloudErrorShape, type Execution, type Rollout } from '../../model';
import { sleep } from '../kit/clock';
import { Backoff, RequestSpacer } from '../kit/pacer';
import type { AwsContext } from './context';
import { PAGE_SIZE } from './limits';
import { rolloutOf, thingOf, toExecution, toExecutionSummary } from './map';

export interface AwsWatchOptions {
  /** Poll interval: default 2 s for fleet jobs, one request's share of the rate for a one-thing job. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Requests per second for this watch (default 1). */
  maxRequestsPerSecond?: number;
  /** Executions described per poll (the rest keep their summary). */
  describeLimit?: number;
  /** Consecutive retryable failures tolerated before the watch gives up. */
  maxFailures?: number;
  /** One-thing jobs: the longest the job goes unread while its execution shows no change (default 5 s). */
  jobRefreshMs?: number;
  /** Told about each back-off (e.g. to show "throttled, retrying in 8 s"). */
  onBackoff?: (error: CloudErrorShape, delayMs: number) => void;
}

const FLEET_INTERVAL_MS = 2000;
const JOB_REFRESH_MS = 5000;

/** The thing a job targets when it targets exactly one thing (not a group). */
function soleThing(job: AwsJob): string | undefined {
  const t = job.targets ?? [];
  return t.length === 1 && /:thing\/[^/]+$/.test(t[0]) ? thingOf(t[0]) : undefined;
}

const COUNTED: [keyof NonNullable<AwsJob['jobProcessDetails']>, string][] = [
  ['numberOfQueuedThings', 'QUEUED'],
  ['numberOfInProgressThings', 'IN_PROGRESS'],
  ['numberOfSucceededThings', 'SUCCEEDED'],
  ['numberOfFailedThings', 'FAILED'],
  ['numberOfRejectedThings', 'REJECTED'],
  ['numberOfTimedOutThings', 'TIMED_OUT'],
  ['numberOfCanceledThings', 'CANCELED'],
  ['numberOfRemovedThings', 'REMOVED'],
];

/** The one execution's status as the job's counts have it (they lag the execution itself). */
function countedStatus(job: AwsJob): string | undefined {
  const d = job.jobProcessDetails ?? {};
  const hit = COUNTED.filter(([k]) => Number(d[k] ?? 0) > 0);
  return hit.length === 1 && d[hit[0][0]] === 1 ? hit[0][1] : undefined;
}

export async function* watchJob(ctx: AwsContext, jobId: string, opts: AwsWatchOptions = {}): AsyncGenerator<Rollout> {
  const gapMs = 1000 / (opts.maxRequestsPerSecond ?? 1);
  const spacer = new RequestSpacer(gapMs);
  const signal = opts.signal;
  const send = async <T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    await spacer.wait(signal);
    if (signal?.aborted) throw new CloudError('Watch stopped.', 'canceled');
    return ctx.call(what, fn, { signal });
  };
  const describeJob = async () => (await send(`Reading job ${jobId}`, (abortSignal) => ctx.clients.iot.send(new DescribeJobCommand({ jobId }), { abortSignal }))).job!;
  const listExecutions = async () =>
    (await send(`Listing executions of ${jobId}`, (abortSignal) => ctx.clients.iot.send(new ListJobExecutionsForJobCommand({ jobId, maxResults: PAGE_SIZE.executions.max }), { abortSignal }))).executionSummaries ?? [];
  const readExecution = async (thingName: string): Promise<Execution | undefined> => {
    const r = await send(`Reading ${thingName}'s execution`, (abortSignal) => ctx.clients.iot.send(new DescribeJobExecutionCommand({ jobId, thingName }), { abortSignal }));
    return r.execution && toExecution(r.execution);
  };
  /** The full execution keeps what only its summary has (retryAttempt). */
  const withSummary = (e: Execution, summary: Execution): Execution => ({ ...e, details: { ...summary.details, ...e.details } });

  // Fleet scheme: the last described execution per thing, reused while its summary is unchanged.
  const seen = new Map<string, { updatedAt?: number; summary: Execution; full: Execution }>();
  const fleetTick = async (): Promise<{ job: AwsJob; executions: Execution[] }> => {
    const job = await describeJob();
    const summaries = await listExecutions();
    const executions: Execution[] = [];
    let described = 0;
    for (const s of summaries) {
      const summary = toExecutionSummary(jobId, s);
      const stamp = summary.updatedAt?.getTime();
      const prev = seen.get(summary.target);
      if (prev && prev.updatedAt === stamp) {
        executions.push(prev.full);
        continue;
      }
      if (described < (opts.describeLimit ?? 10)) {
        described++;
        const full = await readExecution(summary.target);
        const e = full ? withSummary(full, summary) : summary;
        seen.set(summary.target, { updatedAt: stamp, summary, full: e });
        executions.push(e);
      } else executions.push(summary);
    }
    return { job, executions };
  };

  // One-thing scheme: the state the last complete tick left; `fresher` says which read came last.
  type One = { thing: string; job: AwsJob; summary: Execution; execution: Execution; fresher: 'job' | 'execution'; jobReadAt: number };
  let one: One | undefined;
  const oneTick = async (o: One): Promise<{ job: AwsJob; executions: Execution[] }> => {
    let { job, summary, execution, fresher, jobReadAt } = o;
    const agree = countedStatus(job) === execution.rawStatus;
    const stale = Date.now() - jobReadAt >= (opts.jobRefreshMs ?? JOB_REFRESH_MS);
    if (stale || (agree ? TERMINAL_EXECUTION.has(execution.status) : fresher === 'execution')) {
      // The job lags what the execution already said (its counts, or its own end), or has not been
      // read for a while (a cancel shows only there): read the job.
      job = await describeJob();
      fresher = 'job';
      jobReadAt = Date.now();
    } else {
      const full = (await readExecution(o.thing)) ?? execution;
      if (full.executionNumber !== execution.executionNumber) {
        const s = (await listExecutions()).find((x) => thingOf(x.thingArn) === o.thing);
        if (s) summary = toExecutionSummary(jobId, s);
      }
      execution = withSummary(full, summary);
      fresher = 'execution';
      if (countedStatus(job) !== execution.rawStatus) {
        job = await describeJob();
        fresher = 'job';
        jobReadAt = Date.now();
      }
    }
    // Commit only after every request of the tick succeeded, so a failed tick is redone whole.
    one = { ...o, job, summary, execution, fresher, jobReadAt };
    return { job, executions: [execution] };
  };

  const baseOf = () => opts.intervalMs ?? (one ? gapMs : FLEET_INTERVAL_MS);
  const backoff = new Backoff(baseOf, { maxFailures: opts.maxFailures });
  let lastKey = '';
  while (!signal?.aborted) {
    const started = Date.now();
    let failed = false;
    try {
      const { job, executions } = one ? await oneTick(one) : await fleetTick();
      if (!one) {
        const thing = soleThing(job);
        const s = thing && seen.get(thing);
        if (s && executions.length === 1) one = { thing, job, summary: s.summary, execution: s.full, fresher: 'execution', jobReadAt: started };
      }
      const rollout = rolloutOf(job, executions);
      backoff.succeeded();
      const key = JSON.stringify([rollout.job.rawStatus, rollout.counts, executions.map((e) => [e.target, e.executionNumber, e.rawStatus, e.statusDetails])]);
      if (key !== lastKey || rollout.done) {
        lastKey = key;
        yield rollout;
      }
      if (rollout.done) return;
    } catch (e) {
      const err = backoff.tickFailed(e, signal);
      if (err === 'stop') return;
      failed = true;
      opts.onBackoff?.(err, backoff.delayMs);
    }
    // One-thing ticks start `interval` apart (the pacer keeps the rate); fleet ticks rest
    // `interval` between them; a back-off always waits its full delay.
    await sleep(one && !failed ? started + backoff.delayMs - Date.now() : backoff.delayMs, signal);
  }
}
