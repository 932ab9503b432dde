// The release's side of the Bench Monitor: it joins the serial backend as one MonitorBackend (the
// panel's extension point), sends the pane its state when a page (re)starts, coalesces updates to
// at most one message per UPDATE_MS, and answers the pane's buttons and the test query.
import * as vscode from 'vscode';
import type { HostMessage, ReleaseCommand, ReleaseUpdate, RolloutQueryResult, WebviewMessage } from '../../shared/protocol';
import { errorMessage, log } from '../log';
import { MonitorPanel, type MonitorBackend } from '../monitor/monitorPanel';

const UPDATE_MS = 100;

export interface ReleasePaneSource {
  /** Everything the pane shows now (sent with resetTimeline to a fresh page). */
  snapshot(): ReleaseUpdate;
  command(c: ReleaseCommand): Promise<unknown>;
}

export class MonitorBridge implements vscode.Disposable {
  private pending: ReleaseUpdate | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queryId = 0;
  private readonly queries = new Map<number, (r: RolloutQueryResult) => void>();

  constructor(private readonly source: ReleasePaneSource) {}

  /** The panel's backend: `inner` (the serial side) plus the release pane. */
  backend(inner: MonitorBackend): MonitorBackend {
    return {
      snapshot: () => {
        // The page is (re)starting: it gets the whole pane after its init.
        this.sendSnapshot();
        return inner.snapshot();
      },
      handle: (msg) => (this.handles(msg) ? this.handle(msg) : inner.handle(msg)),
    };
  }

  private handles(msg: WebviewMessage): boolean {
    return msg.type === 'releaseCommand' || msg.type === 'rolloutQueryResult';
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    if (msg.type === 'rolloutQueryResult') {
      this.queries.get(msg.id)?.(msg.result);
      this.queries.delete(msg.id);
      return;
    }
    if (msg.type !== 'releaseCommand') return;
    try {
      await this.source.command(msg.command);
    } catch (e) {
      log().error(`release pane ${msg.command}: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`OTA Bench: ${errorMessage(e)}`);
    }
  }

  private sendSnapshot(): void {
    this.pending = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.postNow({ ...this.source.snapshot(), resetTimeline: true });
  }

  /** Queues a change for the pane; changes within UPDATE_MS go as one message. */
  update(u: ReleaseUpdate): void {
    if (!MonitorPanel.active) return; // a page opened later starts from the snapshot
    const p = (this.pending ??= {});
    if (u.resetTimeline) {
      p.resetTimeline = true;
      p.timeline = [];
    }
    if (u.release !== undefined) p.release = u.release;
    if (u.rollout !== undefined) p.rollout = u.rollout;
    if (u.activity !== undefined) p.activity = u.activity;
    if (u.watch !== undefined) p.watch = u.watch;
    if (u.timeline?.length) p.timeline = [...(p.timeline ?? []), ...u.timeline];
    this.timer ??= setTimeout(() => this.flush(), UPDATE_MS);
  }

  /** Sends what is queued now (before a screenshot, at the end of a release). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) this.postNow(p);
  }

  private postNow(u: ReleaseUpdate): void {
    const msg: HostMessage = { type: 'release', ...u };
    MonitorPanel.active?.post(msg);
  }

  /** What the pane renders now, after clicking its control `click` (an element id) as a user would (tests, the demo's smoke run). */
  async query(timeoutMs = 5000, click?: string): Promise<RolloutQueryResult> {
    const panel = MonitorPanel.active;
    if (!panel) throw new Error('The Bench Monitor is not open.');
    this.flush();
    await panel.ready;
    const id = ++this.queryId;
    return new Promise<RolloutQueryResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.queries.delete(id);
        reject(new Error(`The rollout pane did not answer within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.queries.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      panel.post({ type: 'rolloutQuery', id, ...(click ? { click } : {}) });
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.queries.clear();
  }
}
