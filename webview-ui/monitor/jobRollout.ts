// One job's rollout as the pane draws it: a head line, the stacked bar of counts per neutral status
// with its legend, the executions table (device, the cloud's raw status, progress and details,
// updated) and, when the host left rows out, "and K more". Used by the verify job's section and
// the Watch Rollout section. Text from devices and clouds goes in with textContent only.
import type { RolloutView } from '../../src/shared/protocol';
import { el } from './dom';
import { BAR_ORDER, clock, clockShort, detailsText, STATUS_LABEL } from './rolloutFormat';

export class JobRollout {
  readonly head = el('div', 'job-head');
  private readonly bar = el('div', 'stacked-bar');
  private readonly legend = el('ul', 'bar-legend');
  private readonly table = el('table', 'executions');
  private readonly more = el('p', 'exec-more muted');
  /** head, bar, legend, table and the "more" line, in order. */
  readonly parts: HTMLElement[];

  constructor(ids: { bar: string; table: string }) {
    this.bar.id = ids.bar;
    this.bar.setAttribute('role', 'img');
    this.table.id = ids.table;
    const tableWrap = el('div', 'table-wrap');
    tableWrap.append(this.table);
    this.parts = [this.head, this.bar, this.legend, tableWrap, this.more];
  }

  /** Draws `ro`; `more` devices are counted in the bar but not in the table. */
  render(ro: RolloutView, more = 0): void {
    this.head.textContent = `${ro.jobId} \u00b7 ${ro.rawJobStatus}${ro.done ? '' : ' \u00b7 watching'} \u00b7 as of ${clock(ro.at)}`;
    const total = Object.values(ro.counts).reduce((a, b) => a + b, 0);
    const segs: HTMLElement[] = [];
    const legend: HTMLElement[] = [];
    const said: string[] = [];
    for (const status of BAR_ORDER) {
      const n = ro.counts[status] ?? 0;
      if (!n) continue;
      const seg = el('span', 'seg');
      seg.dataset.status = status;
      seg.style.width = `${(n / total) * 100}%`;
      seg.title = `${STATUS_LABEL[status] ?? status}: ${n}`;
      segs.push(seg);
      const item = el('li');
      const sw = el('span', 'swatch');
      sw.dataset.status = status;
      item.append(sw, el('span', undefined, `${STATUS_LABEL[status] ?? status} ${n}`));
      legend.push(item);
      said.push(`${STATUS_LABEL[status] ?? status} ${n}`);
    }
    this.bar.replaceChildren(...segs);
    this.bar.setAttribute('aria-label', total ? said.join(', ') : 'No executions yet');
    this.legend.replaceChildren(...(legend.length ? legend : [el('li', 'muted', 'No executions yet')]));

    const head = el('tr');
    for (const h of ['Device', 'Status', 'Progress and details', 'Updated']) head.append(el('th', undefined, h));
    const rows = ro.executions.map((e) => {
      const tr = el('tr');
      tr.dataset.status = e.status;
      const status = el('td', 'exec-status');
      const dot = el('span', 'swatch');
      dot.dataset.status = e.status;
      status.append(dot, el('span', undefined, e.rawStatus));
      status.title = STATUS_LABEL[e.status] ?? e.status;
      const details = el('td', 'exec-details');
      if (e.progress !== undefined) {
        const meter = el('span', 'meter');
        const fill = el('span', 'meter-fill');
        fill.style.width = `${Math.max(0, Math.min(100, e.progress))}%`;
        meter.append(fill);
        details.append(meter, el('span', 'meter-text', `${Math.round(e.progress)}%`));
      }
      const d = detailsText(e.statusDetails);
      if (d) details.append(el('span', 'exec-detail-text', d));
      tr.title = `${e.target}: queued ${clock(e.queuedAt) || '\u2013'}, started ${clock(e.startedAt) || '\u2013'}, updated ${clock(e.updatedAt) || '\u2013'}`;
      tr.append(el('td', 'exec-target', e.target), status, details, el('td', 'ts', clockShort(e.updatedAt)));
      return tr;
    });
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    tbody.append(...rows);
    this.table.replaceChildren(thead, tbody);
    this.more.textContent = more > 0 ? `\u2026and ${more.toLocaleString('en-US')} more (the counts above cover every device)` : '';
    this.more.hidden = !(more > 0);
  }

  /** The table's cells as shown, row by row (tests). */
  rows(): string[][] {
    return [...this.table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim()));
  }

  /** The "and K more" line, when shown. */
  moreText(): string | undefined {
    return this.more.hidden ? undefined : (this.more.textContent ?? '');
  }
}
