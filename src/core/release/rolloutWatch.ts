// Watch Rollout: follows one job's snapshots (provider.watchJob) for the pane's "Watching" section.
// One watch at a time: a new one replaces it, Stop ends it, the panel closing or a release starting
// drops it. Pure (no `vscode`): the editor side shows errors and opens the panel; unit tests drive it.
import type { ExecutionStatus, Rollout } from '../model';
import type { RolloutView, WatchView } from '../../shared/protocol';
import { rolloutView } from './view';

/** Device rows the pane draws for a watched job (fleet jobs have thousands; the counts stay exact). */
export const WATCH_ROWS = 50;

/** Which rows come first: those that need a look (failures), then the active ones, then the finished. */
export const ROW_PRIORITY: readonly ExecutionStatus[] = ['failed', 'rejected', 'timed-out', 'in-progress', 'notified', 'queued', 'unknown', 'canceled', 'removed', 'succeeded'];

const rank = (s: ExecutionStatus) => {
  const i = ROW_PRIORITY.indexOf(s);
  return i < 0 ? ROW_PRIORITY.length : i;
};

/** A snapshot as the pane shows it: at most `max` executions (by ROW_PRIORITY, then name), and how many are left out. */
export function boundedRollout(r: Rollout, max = WATCH_ROWS): { rollout: RolloutView; more: number } {
  const rows = [...r.executions].sort((a, b) => rank(a.status) - rank(b.status) || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)).slice(0, Math.max(0, max));
  const view = rolloutView({ ...r, executions: rows });
  // The counts may cover devices the snapshot does not list (a cloud's job statistics).
  const total = Math.max(r.executions.length, Object.values(view.counts).reduce((a, n) => a + n, 0));
  return { rollout: view, more: total - rows.length };
}

export interface WatchTarget {
  profile: string;
  cloud: string;
  jobId: string;
  /** The cloud's noun for a job ("upgrade task"). */
  jobNoun: string;
}

export interface WatchEnd {
  view: WatchView;
  /** What the watch failed with (state 'failed'). */
  error?: unknown;
}

interface Running {
  abort: AbortController;
  view: WatchView;
  /** Why it was stopped (set before the abort). */
  stopped?: string;
}

export class RolloutWatch {
  private running?: Running;
  /** The run whose view the section shows (a stopped one keeps it until replaced or cleared). */
  private owner?: Running;
  private nextId = 0;

  constructor(
    /** Told each change of what the section shows (null: no section). */
    private readonly onView: (v: WatchView | null) => void,
    /** One line for a failure (the editor's errorText). */
    private readonly describe: (err: unknown) => string,
    private readonly maxRows = WATCH_ROWS,
  ) {}

  /** What the section shows now (a page that (re)starts gets it). */
  get view(): WatchView | null {
    return this.owner?.view ?? null;
  }

  get isWatching(): boolean {
    return !!this.running;
  }

  /**
   * Follows `target` until its job is done, the watch is stopped or replaced, or the stream fails.
   * Resolves (never rejects) with the final view, and the error when it failed.
   */
  async start(target: WatchTarget, watch: (signal: AbortSignal) => AsyncIterable<Rollout>): Promise<WatchEnd> {
    const run: Running = {
      abort: new AbortController(),
      view: { id: ++this.nextId, title: `Watching ${target.jobNoun} ${target.jobId}`, profile: target.profile, cloud: target.cloud, jobId: target.jobId, state: 'watching', rollout: null, more: 0 },
    };
    // The new watch takes the section first, so the one it replaces ends unseen.
    this.owner = run;
    this.stop('Replaced by another watch.');
    this.running = run;
    this.show(run, run.view);
    let error: unknown;
    try {
      for await (const r of watch(run.abort.signal)) {
        if (run.abort.signal.aborted) break;
        const b = boundedRollout(r, this.maxRows);
        this.show(run, { ...run.view, rollout: b.rollout, more: b.more, state: r.done ? 'done' : 'watching' });
        if (r.done) break;
      }
    } catch (e) {
      if (!run.abort.signal.aborted) error = e;
    }
    if (this.running === run) this.running = undefined;
    const v = run.view;
    const end: WatchView =
      error !== undefined ? { ...v, state: 'failed', message: `The watch stopped: ${this.describe(error)}` }
      : run.stopped !== undefined ? { ...v, state: 'stopped', message: run.stopped }
      : v.state === 'done' ? v
      : { ...v, state: 'stopped', message: `The ${target.jobNoun} stream ended before the ${target.jobNoun} was done.` };
    this.show(run, end);
    return error !== undefined ? { view: end, error } : { view: end };
  }

  /** Stops the running watch; the section keeps its last snapshot with `reason`. */
  stop(reason = 'Stopped.'): void {
    const run = this.running;
    if (!run) return;
    this.running = undefined;
    run.stopped = reason;
    run.abort.abort();
    this.show(run, { ...run.view, state: 'stopped', message: reason });
  }

  /** Stops any watch and removes the section (the panel closed, the user closed it, a release started). */
  clear(reason?: string): void {
    this.stop(reason);
    if (!this.owner) return;
    this.owner = undefined;
    this.onView(null);
  }

  /** Updates the run's view; the section shows it only while that run owns it. */
  private show(run: Running, v: WatchView): void {
    run.view = v;
    if (this.owner === run) this.onView(v);
  }
}
