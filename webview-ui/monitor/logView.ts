// The virtualised log list: a scroller whose spacer is as tall as all shown rows, and a small
// window of fixed-height row elements positioned over the visible part. Rows are keyed by line,
// so rows that stay in view keep their DOM node (and a text selection in them) while the log
// scrolls under the user. Following (auto-scroll) stops when the user scrolls up and resumes
// when they come back to the bottom.
import { formatCount } from '../../src/shared/logview/format';
import type { LogModel } from '../../src/shared/logview/logModel';
import type { RowRef } from '../../src/shared/logview/viewIndex';
import { isAtBottom, scrollTopForRow, visibleRows } from '../../src/shared/logview/virtualRange';
import { el, icon } from './dom';
import { renderRow, type RowOptions } from './rowRenderer';

export class LogView {
  readonly element: HTMLDivElement;
  readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly rows: HTMLDivElement;
  private readonly jump: HTMLButtonElement;
  private rowH = 19;
  private viewportH = 0;
  private viewportW = 0;
  private charW = 7.8;
  /** Bumped when every row must be redrawn (options, filter, search, theme). */
  private version = 0;
  private readonly live = new Map<string, HTMLElement>();
  private readonly pool: HTMLElement[] = [];
  private following = true;
  /** The scrollTop we last set ourselves; a scroll event at it is ours, not the user's. */
  private expectedTop: number | undefined;
  private lastShownAppended = 0;
  private unseen = 0;
  private pendingReveal: { row: number; at: 'center' | 'top' } | undefined;

  constructor(
    private readonly model: LogModel,
    private readonly opts: RowOptions,
    private readonly requestRender: () => void,
    private readonly onFollowChange: (on: boolean) => void,
  ) {
    this.element = el('div', 'log-frame');
    this.viewport = el('div', 'log-viewport');
    this.viewport.id = 'log';
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'log');
    // role=log would announce every line; under a flood that drowns a screen reader. Lines are read
    // by moving through the list instead (as in the terminal).
    this.viewport.setAttribute('aria-live', 'off');
    this.viewport.setAttribute('aria-label', 'Serial log');
    this.spacer = el('div', 'log-spacer');
    this.rows = el('div', 'log-rows');
    this.spacer.append(this.rows);
    this.viewport.append(this.spacer);
    this.jump = el('button', 'jump-bottom');
    this.jump.type = 'button';
    this.jump.id = 'jumpBottom';
    this.jump.hidden = true;
    this.jump.addEventListener('click', () => this.setFollow(true));
    this.element.append(this.viewport, this.jump);

    this.viewport.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Scrolling up with the wheel or keys stops following at once, before the scroll lands.
    this.viewport.addEventListener('wheel', (e) => e.deltaY < 0 && this.setFollow(false), { passive: true });
    this.viewport.addEventListener('keydown', (e) => {
      if (['ArrowUp', 'PageUp', 'Home'].includes(e.key)) this.setFollow(false);
    });
    // Selecting text stops following so the selection does not scroll away.
    this.viewport.addEventListener('mouseup', () => {
      const sel = document.getSelection();
      if (sel && !sel.isCollapsed && this.viewport.contains(sel.anchorNode)) this.setFollow(false);
    });
    new ResizeObserver(() => {
      this.viewportH = this.viewport.clientHeight;
      this.viewportW = this.viewport.clientWidth;
      this.requestRender();
    }).observe(this.viewport);
  }

  get follow(): boolean {
    return this.following;
  }

  get rowHeight(): number {
    return this.rowH;
  }

  /** Reads the editor font size and sets the fixed row height from it. */
  measure(): void {
    const fs = parseFloat(getComputedStyle(this.viewport).fontSize) || 13;
    const h = Math.max(14, Math.round(fs * 1.5));
    if (h !== this.rowH) {
      this.rowH = h;
      this.invalidate();
    }
    this.viewport.style.setProperty('--row-h', `${this.rowH}px`);
    this.viewportH = this.viewport.clientHeight;
    this.viewportW = this.viewport.clientWidth;
    // The monospace font's advance, for wrapping long lines at the viewport's width.
    const probe = el('span', 'row', 'x'.repeat(100));
    probe.style.position = 'absolute';
    probe.style.visibility = 'hidden';
    this.viewport.append(probe);
    this.charW = probe.getBoundingClientRect().width / 100 || this.charW;
    probe.remove();
  }

  /** Characters that fit in a row (after the timestamp and direction columns): where long lines wrap. */
  wrapColumns(timestamps: boolean): number {
    const chrome = 8 + 12 + 2 + 16; // row padding, gutter border, the vertical scrollbar's margin
    const prefix = (timestamps ? 14 : 0) + 2;
    return Math.max(20, Math.floor((this.viewportW - chrome) / this.charW) - prefix);
  }

  /** Every row is redrawn on the next render. */
  invalidate(): void {
    this.version++;
    this.requestRender();
  }

  setFollow(on: boolean): void {
    if (on === this.following) return;
    this.following = on;
    if (on) this.unseen = 0;
    this.onFollowChange(on);
    this.requestRender();
  }

  /** Scrolls so that `row` is in view (centred, or near the top for a crash and what follows it). Stops following. */
  reveal(row: number, at: 'center' | 'top' = 'center'): void {
    this.setFollow(false);
    this.pendingReveal = { row, at };
    this.requestRender();
  }

  /** 'bottom' follows; a position scrolls there as a user would, and the scroll event decides about following. */
  scrollTo(to: 'top' | 'bottom' | number): void {
    if (to === 'bottom') return this.setFollow(true);
    this.expectedTop = undefined;
    this.viewport.scrollTop = to === 'top' ? 0 : to;
    this.requestRender();
  }

  /** The line at the top of the viewport (search "next" starts there). */
  topLine(): number | undefined {
    const w = visibleRows(this.viewport.scrollTop, this.viewportH, this.model.view.rowCount, this.rowH, 0);
    return this.model.view.rowAt(w.first)?.line;
  }

  private onScroll(): void {
    const top = this.viewport.scrollTop;
    if (this.expectedTop === undefined || Math.abs(top - this.expectedTop) > 1) {
      this.expectedTop = undefined;
      const atBottom = isAtBottom(top, this.viewportH, this.viewport.scrollHeight);
      if (atBottom !== this.following) this.setFollow(atBottom);
    }
    this.requestRender();
  }

  render(): void {
    const view = this.model.view;
    const count = view.rowCount;
    const dropped = this.model.takeDroppedRows();
    if (!this.following) this.unseen += this.model.shownAppended - this.lastShownAppended;
    this.lastShownAppended = this.model.shownAppended;

    let top = this.viewport.scrollTop; // read before any write: one layout per frame
    const total = visibleRows(0, this.viewportH, count, this.rowH).totalPx;
    this.spacer.style.height = `${total}px`;
    if (this.following) {
      top = Math.max(0, total - this.viewportH);
    } else if (this.pendingReveal !== undefined) {
      const before = this.pendingReveal.at === 'top' ? 2 : Math.floor(this.viewportH / this.rowH / 2);
      top = scrollTopForRow(this.pendingReveal.row - before, this.viewportH, count, this.rowH);
    } else if (dropped > 0) {
      top = Math.max(0, top - dropped * this.rowH); // keep the same lines under the eye
    }
    this.pendingReveal = undefined;
    if (Math.abs(top - this.viewport.scrollTop) > 0.5) {
      this.expectedTop = top;
      this.viewport.scrollTop = top;
    }

    const w = visibleRows(top, this.viewportH, count, this.rowH);
    this.rows.style.transform = `translateY(${w.offsetPx}px)`;
    const wanted: HTMLElement[] = [];
    const keep = new Set<string>();
    for (let r = w.first; r < w.last; r++) {
      const ref = view.rowAt(r)!;
      const key = `${ref.line}:${ref.sub}:${this.version}`;
      keep.add(key);
      let row = this.live.get(key);
      if (!row) {
        row = this.pool.pop() ?? el('div', 'row');
        this.fill(row, ref);
        this.live.set(key, row);
      }
      wanted.push(row);
    }
    for (const [key, row] of this.live) {
      if (!keep.has(key)) {
        this.live.delete(key);
        row.remove();
        if (this.pool.length < 200) this.pool.push(row);
      }
    }
    // Keyed reconciliation: only moved or new rows touch the DOM.
    let cursor = this.rows.firstChild;
    for (const row of wanted) {
      if (row === cursor) cursor = cursor.nextSibling;
      else this.rows.insertBefore(row, cursor);
    }

    // Nothing to jump to while everything fits on screen.
    this.jump.hidden = this.following || total <= this.viewportH;
    if (!this.following) {
      this.jump.replaceChildren(icon('arrow-down'), document.createTextNode(this.unseen > 0 ? ` ${formatCount(this.unseen)} new` : ' Follow'));
      this.jump.title = 'Scroll to the newest line and follow';
    }
  }

  private fill(row: HTMLElement, ref: RowRef): void {
    renderRow(row, this.model, ref, this.opts);
  }

  /** textContent of the rows actually in the DOM, top to bottom (tests). */
  renderedRows(): string[] {
    return this.renderedRowElements().map((r) => r.textContent ?? '');
  }

  renderedRowElements(): HTMLElement[] {
    return [...this.rows.children] as HTMLElement[];
  }

  /** Whether anything executable or loading slipped into the log DOM (it never should). */
  hasActiveElements(): boolean {
    return this.rows.querySelector('img, script, iframe, object, embed, svg, link, style') !== null;
  }
}
