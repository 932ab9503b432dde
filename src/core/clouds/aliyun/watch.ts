// Watching a job: QueryOTAJob + ListOTATaskByJob each tick (and QueryOTAFirmware for a verify job:
// its Status and VerifyProgress are the platform's own verdict), paced by the kit (RequestSpacer:
// a few requests a second, well inside the 10–20 QPS of these actions; throttling and 5xx back off).
// A snapshot is yielded when something changed; the watch ends when the job and every task are
// final (CONFIRM is not), or the signal aborts.

import { CloudError } from '../../errors';
import type { Execution, Rollout } from '../../model';
import { sleep } from '../kit/clock';
import { Backoff, RequestSpacer } from '../kit/pacer';
import type { AliyunContext } from './context';
import { allRows } from './context';
import { rolloutOf, toExecution } from './map';
import { firmwareStatus, jobKind } from './status';

export interface AliyunWatchOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  /** Requests per second for this watch (default 4). */
  maxRequestsPerSecond?: number;
  maxFailures?: number;
}

const INTERVAL_MS = 1000;

export async function* watchJob(ctx: AliyunContext, jobId: string, opts: AliyunWatchOptions = {}): AsyncGenerator<Rollout> {
  const signal = opts.signal;
  const spacer = new RequestSpacer(1000 / (opts.maxRequestsPerSecond ?? 4));
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    await spacer.wait(signal);
    if (signal?.aborted) throw new CloudError('Watch stopped.', 'canceled');
    return fn();
  };
  const backoff = new Backoff(() => opts.intervalMs ?? INTERVAL_MS, { maxFailures: opts.maxFailures });
  let lastKey = '';
  while (!signal?.aborted) {
    try {
      const job = (await call(() => ctx.client.call('QueryOTAJob', { JobId: jobId }, { what: `Reading job ${jobId}`, signal }))).Data;
      if (!job) throw new CloudError(`Job ${jobId} has no data.`, 'not-found');
      const tasks = await allRows('ListOTATaskByJob', (CurrentPage, PageSize) =>
        call(async () => {
          const r = await ctx.client.call('ListOTATaskByJob', { JobId: jobId, CurrentPage, PageSize }, { what: `Listing the device tasks of ${jobId}`, signal });
          return { ...r, rows: r.Data?.SimpleOTATaskInfo ?? [] };
        }),
      );
      const executions: Execution[] = tasks.map((t) => toExecution(t, jobId));
      const rollout = rolloutOf(job, executions);
      if (jobKind(job.JobType) === 'verify' && job.FirmwareId) {
        const fw = (await call(() => ctx.client.call('QueryOTAFirmware', { FirmwareId: job.FirmwareId! }, { what: `Reading firmware ${job.FirmwareId}`, signal }))).FirmwareInfo;
        const st = firmwareStatus(fw?.Status);
        rollout.job.details = { ...rollout.job.details, firmwareStatus: st.label, verifyProgress: fw?.VerifyProgress };
      }
      backoff.succeeded();
      const key = JSON.stringify([job.JobStatus, executions.map((e) => [e.target, e.rawStatus, e.progress, e.reason]), rollout.job.details?.firmwareStatus]);
      if (key !== lastKey || rollout.done) {
        lastKey = key;
        yield rollout;
      }
      if (rollout.done) return;
    } catch (e) {
      if (backoff.tickFailed(e, signal) === 'stop') return;
    }
    await sleep(backoff.delayMs, signal);
  }
}
