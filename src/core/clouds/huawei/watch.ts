// Watching an upgrade task: ShowBatchTask (the task, its task_progress and the first page of
// per-device details) each tick through the kit's pacer. A snapshot is yielded when something
// changed; the watch ends when the TASK is final (Success, Fail, PartialSuccess, Stopped): a
// device in FailWaitRetry keeps the task open, so it never ends a watch. Throttling and 5xx back
// off instead of failing; the signal stops it.

import type { Rollout } from '../../model';
import { sleep } from '../kit/clock';
import { Backoff, RequestSpacer } from '../kit/pacer';
import type { WatchOptions } from '../provider';
import type { IotdaClient } from './client';
import { rolloutOf } from './map';
import { PAGE_LIMITS, PATHS, type ShowBatchTaskResponse } from './wire';

export interface HuaweiWatchOptions extends WatchOptions {
  /** Consecutive retryable failures tolerated. */
  maxFailures?: number;
}

const INTERVAL_MS = 2000;

export async function readTask(client: IotdaClient, projectId: string, taskId: string, signal?: AbortSignal): Promise<Rollout> {
  const r = await client.request<ShowBatchTaskResponse>(`Reading upgrade task ${taskId}`, 'GET', PATHS.task(projectId, taskId), { query: { limit: PAGE_LIMITS.maxLimit }, signal });
  return rolloutOf(r.batchtask, r.task_details ?? []);
}

export async function* watchTask(client: IotdaClient, projectId: string, taskId: string, opts: HuaweiWatchOptions = {}): AsyncGenerator<Rollout> {
  const signal = opts.signal;
  const base = () => opts.intervalMs ?? INTERVAL_MS;
  const spacer = new RequestSpacer(Math.min(base(), 1000));
  const backoff = new Backoff(base, { maxFailures: opts.maxFailures });
  let last = '';
  while (!signal?.aborted) {
    try {
      await spacer.wait(signal);
      if (signal?.aborted) return;
      const r = await readTask(client, projectId, taskId, signal);
      backoff.succeeded();
      const key = JSON.stringify([r.job.rawStatus, r.counts, r.executions.map((e) => [e.target, e.rawStatus, e.statusDetails])]);
      if (key !== last || r.done) {
        last = key;
        yield r;
      }
      if (r.done) return;
    } catch (e) {
      if (backoff.tickFailed(e, signal) === 'stop') return;
    }
    await sleep(backoff.delayMs, signal).catch(() => undefined);
  }
}
