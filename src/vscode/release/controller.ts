// Runs one release at a time in the editor and shows it everywhere it belongs: the progress
// notification (cancellable, percentages for the upload and the watch), the status bar, the OTA
// Bench log channel (one line per step), the monitor's rollout pane and timeline. Keeps what the
// verify bundle needs (job snapshots, serial lines, timeline).
import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import type { ReleaseDeps, RunOptions } from '../../core/release/pipeline';
import { resumePoint } from '../../core/release/record';
import type { SerialWatcher } from '../../core/release/serialWatch';
import { STEP_TITLES, type ReleaseConfig, type ReleaseEvent, type ReleaseRecord, type SerialLine, type StepId } from '../../core/release/types';
import type { ReleaseUpdate, RolloutView, TimelineEntry } from '../../shared/protocol';
import { redact } from '../../core/redact';
import { errorMessage, log } from '../log';
import { writeVerifyBundle } from '../../core/release/bundle';
import type { MonitorBridge } from './monitorBridge';
import { ProgressMeter } from './progress';
import type { ReleaseRunner } from './runner';
import type { ReleaseStatusBar } from './statusBar';
import { releaseView, rolloutView, serialEntry, TimelineBuilder, type StepProgress } from '../../core/release/view';
import type { WorkspaceReleaseStore } from './workspaceStore';

const MAX_TIMELINE = 3000;
const MAX_SNAPSHOTS = 300;
const MAX_SERIAL = 5000;

/** What a run needs besides the record: the pipeline's deps minus what the controller adds. */
export type RunDeps = Omit<ReleaseDeps, 'store' | 'onEvent' | 'serial'> & { serial?: SerialWatcher };

export interface RunRequest {
  title: string;
  deps: RunDeps;
  /** A new release of this config, or a resume of `record`. */
  config?: ReleaseConfig;
  record?: ReleaseRecord;
  opts?: RunOptions;
  /** Also told each event of this run (after the controller); a listener's throw is logged, not fatal. */
  onEvent?: (e: ReleaseEvent) => void;
}

export class ReleaseController implements vscode.Disposable {
  private current?: ReleaseRecord;
  /** Told the profile whose cloud objects a run just created or changed (the Clouds view reloads them). */
  onCloudChanged?: (profile: string) => void;
  private abort?: AbortController;
  private running?: Promise<ReleaseRecord>;
  private progress: StepProgress = {};
  private activity: string | null = null;
  private snapshots: RolloutView[] = [];
  private lastRollout: RolloutView | null = null;
  private timeline: TimelineEntry[] = [];
  private serialLines: SerialLine[] = [];
  private readonly builder = new TimelineBuilder();
  private provider?: CloudProvider;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires when a run starts (Watch Rollout gives the pane back to its verify job). */
  readonly onDidStart = this.started.event;
  private readonly ended = new vscode.EventEmitter<ReleaseRecord>();
  /** Fires when a run ends (passed, failed, cancelled, stopped). */
  readonly onDidEnd = this.ended.event;

  constructor(
    readonly store: WorkspaceReleaseStore,
    private readonly statusBar: ReleaseStatusBar,
    private readonly bridge: () => MonitorBridge | undefined,
    /** The runner (dist/release.js), loaded on the first run. */
    private readonly runner: () => ReleaseRunner,
  ) {}

  get isRunning(): boolean {
    return !!this.running;
  }

  /** The release shown: the running one, else the last one run in this window. */
  get record(): ReleaseRecord | undefined {
    return this.current;
  }

  /** Loads the workspace's last release (at activation) so the pane and Resume know it. */
  async restore(): Promise<void> {
    if (this.running) return;
    const stored = await this.store.load();
    // The record file is shared with the `ota-bench` CLI: a newer record there (a release it ran
    // or stopped since) replaces the one this window remembers.
    if (!stored || (this.current && stored.updatedAt <= this.current.updatedAt)) return;
    this.current = stored;
    // A window (or a CLI run) that ended mid-run leaves "running": it is resumable like a cancel.
    if (stored.status === 'running') {
      stored.status = 'canceled';
      stored.resumeAt ??= resumePoint(stored);
      stored.note ??= 'The window closed while this release ran: Resume continues where it stopped.';
    }
    this.statusBar.finished(stored);
  }

  snapshot(): ReleaseUpdate {
    return {
      release: this.current ? releaseView(this.current, this.progress) : null,
      rollout: this.lastRollout,
      timeline: this.timeline,
      activity: this.activity,
    };
  }

  /** Runs a release (new or resumed) with a progress notification; resolves with its final record. */
  run(req: RunRequest): Promise<ReleaseRecord> {
    if (this.running) return Promise.reject(new Error('A release is already running. Cancel it first (OTA Bench: Cancel Release).'));
    let unlock: () => void;
    try {
      unlock = this.store.lock();
    } catch (e) {
      return Promise.reject(e);
    }
    const abort = (this.abort = new AbortController());
    this.started.fire();
    this.resetLive();
    // A new run starts a new timeline and job view in the pane (the release follows with its first save).
    this.bridge()?.update({ resetTimeline: true, rollout: null, activity: null });
    this.provider = req.deps.provider;
    const unsubscribe = req.deps.serial?.onLine((l) => this.onSerial(l));
    const meter = new ProgressMeter();
    let report: ((r: { increment: number; message: string }) => void) | undefined;
    const deps: ReleaseDeps = {
      ...req.deps,
      // The pipeline saves its live record before every event: that object is what the pane shows.
      store: {
        load: () => this.store.load(),
        save: async (r) => {
          this.current = r;
          await this.store.save(r);
        },
      },
      onEvent: (e) => {
        this.onEvent(e);
        const p = meter.next(e);
        if (p) report?.(p);
        try {
          req.onEvent?.(e);
        } catch (err) {
          log().warn(`release: an event listener failed: ${errorMessage(err)}`);
        }
      },
    };
    const runPromise = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: req.title, cancellable: true },
      async (progress, token) => {
        report = (r) => progress.report(r);
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const { resumeRelease, startRelease } = this.runner();
          return req.record ? await resumeRelease(req.record, deps, abort.signal, req.opts) : await startRelease(req.config!, deps, abort.signal, req.opts);
        } finally {
          sub.dispose();
        }
      },
    );
    this.running = Promise.resolve(runPromise).finally(() => {
      unlock();
      unsubscribe?.();
      this.running = undefined;
      this.abort = undefined;
      this.activity = null;
      this.bridge()?.update({ activity: null });
      this.bridge()?.flush();
    });
    void this.running.then((r) => this.ended.fire(r), () => undefined);
    return this.running;
  }

  /** Stops the running release at the next safe point; resolves with its record. */
  async cancel(): Promise<ReleaseRecord | undefined> {
    if (!this.running) return undefined;
    this.abort?.abort();
    return this.running.catch(() => this.current);
  }

  /** Waits for the running release (tests). */
  whenIdle(): Promise<ReleaseRecord | undefined> {
    return this.running ? this.running.catch(() => this.current) : Promise.resolve(this.current);
  }

  private resetLive(): void {
    this.progress = {};
    this.activity = null;
    this.snapshots = [];
    this.lastRollout = null;
    this.timeline = [];
    this.serialLines = [];
    this.builder.reset();
  }

  private onSerial(l: SerialLine): void {
    if (l.dir && l.dir !== 'rx') return;
    this.serialLines.push(l);
    if (this.serialLines.length > MAX_SERIAL) this.serialLines.splice(0, this.serialLines.length - MAX_SERIAL);
    this.addTimeline([serialEntry(l)]);
  }

  private addTimeline(entries: TimelineEntry[]): void {
    if (!entries.length) return;
    this.timeline.push(...entries);
    if (this.timeline.length > MAX_TIMELINE) this.timeline.splice(0, this.timeline.length - MAX_TIMELINE);
    this.bridge()?.update({ timeline: entries });
  }

  private onEvent(e: ReleaseEvent): void {
    const bridge = this.bridge();
    switch (e.type) {
      case 'step': {
        if (e.status === 'started') {
          this.progress[e.step] = {};
          log().info(`release: ${e.title}…`);
          if (this.current) this.statusBar.running(this.current, e.step);
          this.activity = `${e.title}\u2026`;
        } else if (e.status === 'failed') log().error(`release: ${e.title} failed: ${redact(e.reason ?? '')}${e.action ? ` — ${redact(e.action)}` : ''}`);
        else if (e.status === 'canceled') log().warn(`release: ${e.title} cancelled`);
        else log().info(`release: ${e.title} ${e.status}${e.durationMs !== undefined ? ` in ${e.durationMs} ms` : ''}: ${redact(e.summary ?? '')}`);

        break;
      }
      case 'progress': {
        const p = (this.progress[e.step] ??= {});
        if (e.percent !== undefined) p.percent = e.percent;
        if (e.message) p.message = e.message;
        const pct = e.percent !== undefined ? ` ${e.percent}%` : '';
        this.activity = `${STEP_TITLES[e.step]}${pct}${e.message ? ` \u2014 ${e.message}` : ''}`;
        if (this.current) this.statusBar.running(this.current, e.step, e.percent, e.message);
        break;
      }
      case 'log':
        for (const line of e.text.split(/\r?\n/)) if (line.trim()) log().info(`release ${e.step}: ${redact(line)}`);
        return;
      case 'rollout': {
        const v = rolloutView(e.rollout);
        this.lastRollout = v;
        this.snapshots.push(v);
        if (this.snapshots.length > MAX_SNAPSHOTS) this.snapshots.splice(0, this.snapshots.length - MAX_SNAPSHOTS);
        bridge?.update({ rollout: v });
        break;
      }
      case 'serial-match':
        log().info(`release: the board printed the expected version: ${e.line.text}`);
        break;
      case 'release':
        this.current = e.record;
        this.onCloudChanged?.(e.record.config.profile);
        log()[e.status === 'passed' ? 'info' : e.status === 'failed' ? 'error' : 'warn'](`release ${e.record.id}: ${e.status.toUpperCase()} — ${redact(e.message)}`);
        this.statusBar.finished(e.record);
        break;
    }
    this.addTimeline(this.builder.fromEvent(e));
    bridge?.update({ release: this.current ? releaseView(this.current, this.progress) : null, activity: this.activity });
  }

  /** Writes the verify bundle of the shown release into `dir`. */
  async saveBundle(dir: string): Promise<{ folder: string; files: string[] }> {
    const r = this.current;
    if (!r) throw new Error('There is no release to save.');
    let jobDocument: string | undefined;
    if (r.job?.created && this.provider && this.provider.profile.name === r.config.profile) {
      jobDocument = await this.provider.getJobDocument(r.job.id).catch((e) => {
        log().warn(`verify bundle: could not read the job document: ${errorMessage(e)}`);
        return undefined;
      });
    }
    return writeVerifyBundle(dir, { record: r, snapshots: this.snapshots, serial: this.serialLines, timeline: this.timeline, jobDocument, redact });
  }

  dispose(): void {
    this.abort?.abort();
    this.started.dispose();
    this.ended.dispose();
  }
}

export type { StepId };
