// The rollout pane: the current release's steps (with durations), a verdict banner, the verify
// job's rollout (stacked bar of counts per neutral status, executions table with the cloud's raw
// status, status details and timestamps) and the timeline. Everything a device or a cloud said is
// placed with textContent; widths go through CSSOM (the CSP allows no inline style attributes).
import type {
  ReleaseCommand, ReleaseStepView, ReleaseUpdate, ReleaseView, RolloutQueryResult, RolloutView, WebviewMessage,
} from '../../src/shared/protocol';
import { button, el, icon } from './dom';
import { JobRollout } from './jobRollout';
import { clock, formatDuration, noteBeyondReason } from './rolloutFormat';
import { Timeline } from './timeline';
import { WatchSection } from './watchSection';

const STEP_ICON: Record<ReleaseStepView['status'], string> = {
  pending: 'circle-large-outline',
  running: 'loading',
  done: 'pass-filled',
  skipped: 'debug-step-over',
  failed: 'error',
  canceled: 'circle-slash',
};

const RELEASE_LABEL: Record<ReleaseView['status'], string> = {
  running: 'Running',
  passed: 'Passed',
  failed: 'Failed',
  canceled: 'Cancelled',
  stopped: 'Stopped',
};

export class RolloutPane {
  private release: ReleaseView | null = null;
  private rollout: RolloutView | null = null;
  private activity: string | null = null;

  private readonly empty: HTMLElement;
  private readonly body: HTMLElement;
  private readonly title = el('div', 'rel-title');
  private readonly chip = el('span', 'rel-chip');
  private readonly subtitle = el('div', 'rel-subtitle muted');
  private readonly activityLine = el('div', 'rel-activity');
  private readonly verdict = el('div', 'verdict');
  private readonly note = el('p', 'rel-note');
  private readonly buttons: Record<'resume' | 'cancel' | 'saveBundle' | 'showLog', HTMLButtonElement>;
  private readonly steps = el('ol', 'steps');
  private readonly stepsToggle = el('button', 'steps-toggle');
  /** The user's choice for the shown release; undefined: folded when passed. */
  private stepsOpen: boolean | undefined;
  private readonly job = el('section', 'rel-section job');
  private readonly jobView = new JobRollout({ bar: 'rolloutBar', table: 'executions' });
  private readonly watch: WatchSection;
  readonly timeline = new Timeline();

  constructor(
    private readonly root: HTMLElement,
    private readonly send: (m: WebviewMessage) => void,
  ) {
    const command = (c: ReleaseCommand) => () => this.send({ type: 'releaseCommand', command: c });
    const start = button('relQuickRelease', 'Quick Release', 'rocket', 'primary', command('quickRelease'));
    this.empty = el('div', 'rel-empty');
    this.empty.append(el('p', 'empty', 'No release yet. Quick Release builds, signs and publishes this workspace\u2019s firmware, then verifies it on the board with a job.'), start);

    this.buttons = {
      resume: button('relResume', 'Resume', 'debug-continue', 'primary', command('resume')),
      cancel: button('relCancel', 'Cancel', 'debug-stop', 'secondary', command('cancel')),
      saveBundle: button('relSaveBundle', 'Save Verify Bundle\u2026', 'save', 'secondary', command('saveBundle')),
      showLog: button('relShowLog', 'Log', 'output', 'secondary', command('showLog')),
    };
    this.buttons.saveBundle.title = 'Save the release record, the job snapshots and the serial log as files for a bug report';
    const actions = el('div', 'rel-actions');
    actions.append(...Object.values(this.buttons));

    const head = el('div', 'rel-head');
    const titleRow = el('div', 'rel-title-row');
    titleRow.append(this.title, this.chip);
    head.append(titleRow, this.subtitle, this.activityLine);
    this.activityLine.id = 'relActivity';
    this.verdict.id = 'verdict';
    this.verdict.setAttribute('role', 'status');

    const stepsSection = el('section', 'rel-section');
    // A passed release folds its steps into one line (the verdict says it all) so the timeline gets
    // the room; a click unfolds them. Running and failed releases show them.
    this.stepsToggle.type = 'button';
    this.stepsToggle.id = 'stepsToggle';
    this.stepsToggle.addEventListener('click', () => {
      this.stepsOpen = this.steps.hidden;
      this.render();
    });
    const stepsHead = el('h3', 'rel-heading');
    stepsHead.append(this.stepsToggle);
    stepsSection.append(stepsHead, this.steps);
    this.steps.id = 'steps';

    this.job.append(el('h3', 'rel-heading', 'Verify job'), ...this.jobView.parts);
    this.watch = new WatchSection(command);

    this.body = el('div', 'rel-body');
    this.body.append(head, this.verdict, this.note, actions, stepsSection, this.job, this.timeline.element);
    const title = el('h2', 'pane-title', 'Release');
    // A watched job shows above the release (or the empty state): both stay readable.
    root.replaceChildren(title, this.watch.element, this.empty, this.body);
    this.render();
  }

  /** Applies a host update: present fields replace, timeline entries append. */
  update(u: ReleaseUpdate): void {
    if (u.release !== undefined) {
      if (u.release === null || u.release.id !== this.release?.id) {
        this.rollout = null;
        this.activity = null;
        this.stepsOpen = undefined;
      }
      this.release = u.release;
    }
    if (u.rollout !== undefined) this.rollout = u.rollout;
    if (u.activity !== undefined) this.activity = u.activity;
    if (u.watch !== undefined) this.watch.update(u.watch);
    if (u.resetTimeline || u.release === null) this.timeline.reset();
    if (u.timeline?.length) this.timeline.add(u.timeline);
    this.render();
  }

  private render(): void {
    const r = this.release;
    this.empty.hidden = !!r;
    this.body.hidden = !r;
    if (!r) return;
    this.title.textContent = `${r.packageName}${r.version ? ` ${r.version}` : ''}`;
    this.chip.textContent = RELEASE_LABEL[r.status];
    this.chip.dataset.status = r.status;
    this.subtitle.textContent = `${r.profile} (${r.cloud}) \u00b7 started ${clock(r.createdAt)}${r.jobId ? ` \u00b7 job ${r.jobId}` : ''}`;
    const act = r.status === 'running' ? this.activity : null;
    this.activityLine.textContent = act ?? '';
    this.activityLine.hidden = !act;
    this.renderVerdict(r);
    this.note.textContent = r.status !== 'passed' && r.note ? noteBeyondReason(r) : '';
    this.note.hidden = !this.note.textContent;
    this.buttons.resume.hidden = !(r.resumable && r.status !== 'running');
    this.buttons.cancel.hidden = r.status !== 'running';
    this.buttons.saveBundle.disabled = !r.jobId;
    this.renderSteps(r.steps);
    const open = this.stepsOpen ?? r.status !== 'passed';
    this.steps.hidden = !open;
    const done = r.steps.filter((s) => s.status === 'done' || s.status === 'skipped');
    const total = r.steps.reduce((a, s) => a + (s.durationMs ?? 0), 0);
    this.stepsToggle.replaceChildren(icon(open ? 'chevron-down' : 'chevron-right'), el('span', undefined, `Steps \u00b7 ${done.length} of ${r.steps.length} done${total ? ` \u00b7 ${formatDuration(total)}` : ''}`));
    this.stepsToggle.setAttribute('aria-expanded', String(open));
    this.renderRollout();
    this.timeline.keepPinned();
  }

  private renderVerdict(r: ReleaseView): void {
    const v = r.verdict;
    this.verdict.hidden = !v;
    if (!v) return;
    this.verdict.dataset.result = v.result;
    const head = el('div', 'verdict-head');
    head.append(icon(v.result === 'passed' ? 'pass-filled' : 'error'), el('strong', undefined, v.result === 'passed' ? 'PASSED' : 'FAILED'));
    const reasons = el('ul', 'verdict-reasons');
    for (const reason of v.reasons) reasons.append(el('li', undefined, reason));
    const parts: HTMLElement[] = [head, reasons];
    const lines = v.bannerLine ? [v.bannerLine] : v.serialLines;
    if (lines.length) {
      const pre = el('div', 'verdict-lines');
      pre.setAttribute('aria-label', v.bannerLine ? 'Boot banner' : 'Last relevant serial lines');
      for (const l of lines) {
        const row = el('div', 'verdict-line');
        row.append(el('span', 'tl-time', clock(l.t)), el('span', undefined, l.text));
        pre.append(row);
      }
      parts.push(pre);
    }
    this.verdict.replaceChildren(...parts);
  }

  private renderSteps(steps: ReleaseStepView[]): void {
    const rows = steps.map((s) => {
      const li = el('li', 'step');
      li.dataset.status = s.status;
      const i = icon(STEP_ICON[s.status]);
      if (s.status === 'running') i.classList.add('codicon-modifier-spin');
      i.classList.add('step-icon');
      i.title = s.status;
      const pct = s.status === 'running' && s.percent !== undefined ? ` ${s.percent}%` : '';
      const problem = s.status === 'failed' || s.status === 'canceled';
      // One line per step (what it did, ellipsed; the whole text in the tooltip); a failure wraps in full.
      const detail = problem ? '' : s.status === 'running' ? (s.message ?? '') : (s.summary ?? '');
      const summary = el('span', 'step-summary', detail);
      summary.title = detail;
      li.append(i, el('span', 'step-title', s.title + pct), summary, el('span', 'step-duration', s.status === 'running' ? '\u2026' : formatDuration(s.durationMs)));
      // Said once: a failed verdict's reasons are in the verdict banner, so its step shows only what to do.
      const said = this.release?.verdict?.result === 'failed' ? this.release.verdict.reasons.join(' ') : '';
      const detail2 = [s.reason && !said.includes(s.reason) ? s.reason : '', s.action && !said.includes(s.action) ? s.action : ''].filter(Boolean).join(' ');
      if (problem && detail2) li.append(el('div', `step-detail${s.status === 'failed' ? ' error' : ''}`, detail2));
      if (s.reused) li.title = 'Reused what an earlier attempt created';
      return li;
    });
    this.steps.replaceChildren(...rows);
  }

  private renderRollout(): void {
    const ro = this.rollout;
    this.job.hidden = !ro;
    if (ro) this.jobView.render(ro);
  }

  /** Clicks one of the pane's controls by id, as a user would (tests). */
  click(id: string): void {
    const target = this.root.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
    if (!target) throw new Error(`the rollout pane has no control #${id}`);
    target.click();
  }

  /** What the pane shows, read from the DOM (tests). */
  query(): RolloutQueryResult {
    const text = (e: Element | null) => (e?.textContent ?? '').trim();
    const counts: Record<string, number> = {};
    for (const [k, v] of Object.entries(this.rollout?.counts ?? {})) if (v) counts[k] = v;
    return {
      text: this.root.innerText ?? text(this.root),
      verdict: this.verdict.hidden ? undefined : text(this.verdict),
      steps: [...this.steps.querySelectorAll('li.step')].map((li) => ({
        title: text(li.querySelector('.step-title')),
        status: (li as HTMLElement).dataset.status ?? '',
        duration: text(li.querySelector('.step-duration')),
      })),
      counts,
      executions: this.jobView.rows(),
      timelineRows: this.timeline.size,
      timelineCrashes: this.timeline.crashState().count,
      crashLabel: this.timeline.crashState().label,
      crashRow: this.timeline.crashState().row,
      buttons: [...this.root.querySelectorAll('button')]
        .filter((b) => !b.closest('[hidden]') && !b.hidden)
        .map((b) => ({ label: text(b), disabled: b.disabled })),
      ...(this.watch.shown ? { watch: this.watch.query() } : {}),
    };
  }
}
