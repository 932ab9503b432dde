// What the rollout pane shows, built from the release record, its events and the job's snapshots.
// Pure (no `vscode`): the controller feeds it, unit tests too.

import type { Rollout } from '../model';
import { resumePoint } from './record';
import { STEP_TITLES, type ReleaseEvent, type ReleaseRecord, type SerialLine, type StepId } from './types';
import { stripAnsi } from '../serial/line';
import type { ReleaseStepView, ReleaseView, RolloutView, TimelineEntry } from '../../shared/protocol';

/** Live progress of running steps (not kept in the record). */
export type StepProgress = Partial<Record<StepId, { percent?: number; message?: string }>>;

export function releaseView(r: ReleaseRecord, progress: StepProgress = {}): ReleaseView {
  const steps: ReleaseStepView[] = r.steps.map((s) => {
    const p = s.status === 'running' ? progress[s.id] : undefined;
    return {
      id: s.id,
      title: STEP_TITLES[s.id],
      status: s.status,
      ...(s.startedAt !== undefined ? { startedAt: s.startedAt } : {}),
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
      ...(s.summary ? { summary: s.summary } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.action ? { action: s.action } : {}),
      ...(s.reused ? { reused: true } : {}),
      ...(p?.percent !== undefined ? { percent: p.percent } : {}),
      ...(p?.message ? { message: p.message } : {}),
    };
  });
  const v = r.verdict;
  return {
    id: r.id,
    profile: r.config.profile,
    cloud: r.config.cloud,
    packageName: r.config.packageName,
    ...(r.version ? { version: r.version.value } : {}),
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    steps,
    ...(r.note ? { note: r.note } : {}),
    ...(r.job ? { jobId: r.job.id } : {}),
    ...(v
      ? {
          verdict: {
            result: v.result,
            reasons: v.reasons,
            ...(v.bannerLine ? { bannerLine: { t: v.bannerLine.t, text: stripAnsi(v.bannerLine.text) } } : {}),
            serialLines: v.serialLines.map((l) => ({ t: l.t, text: stripAnsi(l.text) })),
          },
        }
      : {}),
    resumable: r.status !== 'running' && resumePoint(r) !== undefined,
  };
}

const ms = (d: Date | undefined) => (d ? d.getTime() : undefined);

export function rolloutView(r: Rollout): RolloutView {
  const counts: Record<string, number> = {};
  for (const [k, n] of Object.entries(r.counts)) if (n) counts[k] = n;
  return {
    jobId: r.job.id,
    jobStatus: r.job.status,
    rawJobStatus: r.job.rawStatus,
    at: r.at.getTime(),
    done: r.done,
    counts,
    executions: r.executions.map((e) => ({
      target: e.target,
      status: e.status,
      rawStatus: e.rawStatus,
      ...(e.progress !== undefined ? { progress: e.progress } : {}),
      ...(e.statusDetails && Object.keys(e.statusDetails).length ? { statusDetails: { ...e.statusDetails } } : {}),
      ...(e.queuedAt ? { queuedAt: ms(e.queuedAt) } : {}),
      ...(e.startedAt ? { startedAt: ms(e.startedAt) } : {}),
      ...(e.updatedAt ? { updatedAt: ms(e.updatedAt) } : {}),
    })),
  };
}

const fmtSecs = (d: number | undefined) => (d === undefined ? '' : d < 1000 ? ` (${d} ms)` : ` (${(d / 1000).toFixed(1)} s)`);

/**
 * Turns release events into timeline entries: step changes, job and execution status changes
 * (only when something changed), the banner match and the verdict. Serial lines join through
 * serialEntry(); the page keeps them all in time order.
 */
export class TimelineBuilder {
  private jobStatus = '';
  private readonly execKeys = new Map<string, string>();

  reset(): void {
    this.jobStatus = '';
    this.execKeys.clear();
  }

  fromEvent(e: ReleaseEvent): TimelineEntry[] {
    switch (e.type) {
      case 'step': {
        if (e.status === 'started') return [{ t: e.at, kind: 'step', text: `${e.title}\u2026`, level: 'info' }];
        if (e.status === 'done') return [{ t: e.at, kind: 'step', text: `${e.title}: ${e.summary ?? 'done'}${fmtSecs(e.durationMs)}`, level: 'ok' }];
        if (e.status === 'skipped') return [{ t: e.at, kind: 'step', text: `${e.title} skipped: ${e.summary ?? ''}`.trim(), level: 'info' }];
        if (e.status === 'canceled') return [{ t: e.at, kind: 'step', text: `${e.title} cancelled`, level: 'warn' }];
        return [{ t: e.at, kind: 'step', text: `${e.title} failed: ${e.reason ?? ''}`.trim(), level: 'error' }];
      }
      case 'rollout':
        return this.fromRollout(e.rollout);
      case 'serial-match':
        return [{ t: e.line.t, kind: 'verdict', text: `The board reports the expected version: ${stripAnsi(e.line.text).trim()}`, level: 'ok' }];
      case 'serial-crash': {
        // Marked at the crash's first line (the pane counts and steps through crash rows).
        const what = e.kind === 'boot-loop' ? 'Boot loop' : `Crash (${e.name})`;
        return [{ t: e.line.t, kind: 'crash', text: `${what}: ${stripAnsi(e.line.text).trim()}`, level: 'error' }];
      }
      case 'serial-port':
        return [{ t: e.at, kind: 'step', text: e.state === 'lost' ? `The board's port went away: ${e.message}` : `The board's port is back: ${e.message}`, level: e.state === 'lost' ? 'warn' : 'info' }];
      case 'release': {
        const v = e.record.verdict;
        if (e.status === 'passed') return [{ t: e.at, kind: 'verdict', text: `PASSED: ${v?.reasons.join(' ') ?? e.message}`, level: 'ok' }];
        if (e.status === 'failed') return [{ t: e.at, kind: 'verdict', text: v?.result === 'failed' ? `FAILED: ${v.reasons.join(' ')}` : `Release stopped: ${e.message}`, level: 'error' }];
        if (e.status === 'canceled') return [{ t: e.at, kind: 'verdict', text: `Cancelled: ${e.message}`, level: 'warn' }];
        return [];
      }
      default:
        return [];
    }
  }

  fromRollout(r: Rollout): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    const at = r.at.getTime();
    if (r.job.rawStatus !== this.jobStatus) {
      this.jobStatus = r.job.rawStatus;
      out.push({ t: at, kind: 'job', text: `Job ${r.job.id}: ${r.job.rawStatus}`, level: r.job.status === 'canceled' ? 'warn' : 'info' });
    }
    for (const e of r.executions) {
      const details = e.statusDetails ? Object.entries(e.statusDetails).map(([k, v]) => `${k}=${v}`).join(', ') : '';
      const key = `${e.rawStatus}|${details}`;
      if (this.execKeys.get(e.target) === key) continue;
      this.execKeys.set(e.target, key);
      // The cloud's own time of the change places it among the serial lines; the poll time when absent.
      const t = e.updatedAt && e.updatedAt.getTime() <= at ? e.updatedAt.getTime() : at;
      const level = e.status === 'succeeded' ? 'ok' : ['failed', 'rejected', 'timed-out'].includes(e.status) ? 'error' : e.status === 'canceled' || e.status === 'removed' ? 'warn' : 'info';
      out.push({ t, kind: 'execution', text: `${e.target}: ${e.rawStatus}${details ? ` (${details})` : ''}`, level });
    }
    return out.sort((a, b) => a.t - b.t);
  }
}

/** A board line as a timeline row (ANSI colours dropped: the timeline colours by kind). */
export function serialEntry(l: SerialLine): TimelineEntry {
  return { t: l.t, kind: 'serial', text: stripAnsi(l.text) };
}
