// The "Watching <job>" section of the rollout pane (Watch Rollout): a job followed beside the
// serial log, drawn like the verify job (JobRollout), with Stop while it runs and Close after.
// It sits above the release, which it never changes.
import type { ReleaseCommand, RolloutQueryResult, WatchView } from '../../src/shared/protocol';
import { button, el, icon } from './dom';
import { JobRollout } from './jobRollout';

const STATE_LABEL: Record<WatchView['state'], string> = { watching: 'Watching', done: 'Done', stopped: 'Stopped', failed: 'Failed' };

export class WatchSection {
  readonly element = el('section', 'rel-section watch');
  private readonly title = el('span', 'watch-title');
  private readonly chip = el('span', 'rel-chip');
  private readonly subtitle = el('div', 'rel-subtitle muted');
  private readonly message = el('p', 'watch-message');
  private readonly stop: HTMLButtonElement;
  private readonly close: HTMLButtonElement;
  private readonly job = new JobRollout({ bar: 'watchBar', table: 'watchExecutions' });
  private view: WatchView | null = null;

  constructor(command: (c: ReleaseCommand) => () => void) {
    this.element.id = 'watch';
    this.element.setAttribute('aria-label', 'Watched rollout');
    this.stop = button('watchStop', 'Stop', 'debug-stop', 'secondary', command('stopWatch'));
    this.close = button('watchClose', 'Close', 'close', 'secondary', command('closeWatch'));
    this.message.setAttribute('role', 'status');
    const head = el('div', 'rel-title-row');
    const heading = el('h3', 'rel-heading watch-heading');
    heading.append(icon('eye'), this.title);
    head.append(heading, this.chip, this.stop, this.close);
    this.element.append(head, this.subtitle, this.message, ...this.job.parts);
    this.render();
  }

  get shown(): boolean {
    return !!this.view;
  }

  update(v: WatchView | null): void {
    this.view = v;
    this.render();
  }

  private render(): void {
    const v = this.view;
    this.element.hidden = !v;
    if (!v) return;
    this.element.dataset.state = v.state;
    this.title.textContent = v.title;
    this.chip.textContent = STATE_LABEL[v.state];
    this.chip.dataset.status = v.state === 'done' ? 'passed' : v.state === 'failed' ? 'failed' : v.state === 'stopped' ? 'canceled' : 'running';
    this.subtitle.textContent = `${v.profile} (${v.cloud})`;
    this.message.textContent = v.message ?? '';
    this.message.hidden = !v.message;
    this.stop.hidden = v.state !== 'watching';
    this.close.hidden = v.state === 'watching';
    const ro = v.rollout;
    for (const p of this.job.parts) p.hidden = !ro;
    if (ro) this.job.render(ro, v.more);
    else {
      this.job.head.hidden = false;
      this.job.head.textContent = v.state === 'watching' ? 'Reading the rollout\u2026' : 'No snapshot of the rollout was read.';
    }
  }

  /** What the section shows, read from the DOM (tests). */
  query(): NonNullable<RolloutQueryResult['watch']> {
    const v = this.view!;
    const counts: Record<string, number> = {};
    for (const [k, n] of Object.entries(v.rollout?.counts ?? {})) if (n) counts[k] = n;
    const more = this.job.moreText();
    return {
      title: (this.title.textContent ?? '').trim(),
      state: v.state,
      status: (this.chip.textContent ?? '').trim(),
      ...(this.message.hidden ? {} : { message: (this.message.textContent ?? '').trim() }),
      counts,
      executions: this.job.rows(),
      ...(more !== undefined ? { more } : {}),
    };
  }
}
