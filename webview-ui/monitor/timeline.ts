// The release timeline: serial lines and job events interleaved by host time, newest at the
// bottom, bounded. Entries arrive in batches from the host (already merged by time); a late entry
// is inserted where its time puts it. Text only through textContent.
import type { TimelineEntry } from '../../src/shared/protocol';
import { el, icon, iconButton } from './dom';
import { clock } from './rolloutFormat';

/** Rows the page keeps: a verify run is a few hundred lines; older rows fall off the top. */
export const TIMELINE_MAX = 1500;

const KIND_ICON: Record<TimelineEntry['kind'], string> = {
  serial: 'terminal',
  step: 'debug-step-over',
  job: 'cloud',
  execution: 'circuit-board',
  verdict: 'law',
  crash: 'bug',
};

export class Timeline {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLElement;
  private readonly entries: TimelineEntry[] = [];
  /** Keep the newest row in view; only the user's own scrolling changes it. */
  private pinned = true;
  private userScrollUntil = 0;
  private readonly crashNav: HTMLElement;
  private readonly crashLabel = el('span', 'crash-count');
  /** 1-based crash row navigated to; 0 when none. */
  private crashAt = 0;

  constructor() {
    this.element = el('section', 'rel-section timeline');
    this.element.setAttribute('aria-label', 'Timeline');
    const head = el('h3', 'rel-heading', 'Timeline');
    const hint = el('span', 'muted rel-hint', 'serial lines and job events, by time');
    // Crashes the board printed during the release: counted here, stepped through with ↑/↓.
    this.crashNav = el('span', 'tl-crash-nav');
    this.crashNav.hidden = true;
    this.crashLabel.id = 'tlCrashCount';
    this.crashNav.append(
      this.crashLabel,
      iconButton('tlCrashPrev', 'chevron-up', 'Previous Crash', () => this.stepCrash(-1)),
      iconButton('tlCrashNext', 'chevron-down', 'Next Crash', () => this.stepCrash(1)),
    );
    head.append(hint, this.crashNav);
    this.list = el('ol', 'timeline-list');
    this.list.id = 'timeline';
    this.list.tabIndex = 0;
    const byUser = () => (this.userScrollUntil = performance.now() + 1000);
    for (const ev of ['wheel', 'keydown', 'pointerdown', 'touchstart']) this.list.addEventListener(ev, byUser, { passive: true });
    this.list.addEventListener('scroll', () => {
      if (performance.now() < this.userScrollUntil) this.pinned = this.atBottom();
    });
    this.empty = el('p', 'empty', 'The steps, the job\u2019s events and the board\u2019s serial lines appear here as a release runs.');
    this.element.append(head, this.empty, this.list);
    this.sync();
  }

  get size(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries.length = 0;
    this.list.replaceChildren();
    this.pinned = true;
    this.crashAt = 0;
    this.sync();
  }

  private crashRows(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('.tl-crash')];
  }

  /** Scrolls the timeline to the next/previous crash row and marks it. */
  stepCrash(dir: 1 | -1): void {
    const rows = this.crashRows();
    if (!rows.length) return;
    if (this.crashAt === 0 || this.crashAt > rows.length) this.crashAt = dir > 0 ? 1 : rows.length;
    else this.crashAt = ((this.crashAt - 1 + dir + rows.length) % rows.length) + 1;
    for (const r of rows) r.classList.remove('tl-current');
    const row = rows[this.crashAt - 1];
    row.classList.add('tl-current');
    this.pinned = false;
    this.list.scrollTop = row.offsetTop - this.list.offsetTop - this.list.clientHeight / 3;
    this.sync();
  }

  /** The crash navigation as shown, and the row it points at (tests). */
  crashState(): { count: number; label: string; row?: string } {
    const rows = this.crashRows();
    return { count: rows.length, label: this.crashLabel.textContent ?? '', row: rows[this.crashAt - 1]?.textContent ?? undefined };
  }

  /** After the pane's layout changed: back to the newest row unless the user scrolled away. */
  keepPinned(): void {
    if (this.pinned && !this.list.hidden) this.list.scrollTop = this.list.scrollHeight;
  }

  private atBottom(): boolean {
    const l = this.list;
    return l.scrollTop + l.clientHeight >= l.scrollHeight - 24;
  }

  add(batch: TimelineEntry[]): void {
    for (const e of batch) {
      // Usually appended; a late entry goes where its time puts it.
      let i = this.entries.length;
      while (i > 0 && this.entries[i - 1].t > e.t) i--;
      this.entries.splice(i, 0, e);
      const row = this.row(e);
      this.list.insertBefore(row, this.list.children[i] ?? null);
    }
    while (this.entries.length > TIMELINE_MAX) {
      this.entries.shift();
      this.list.firstElementChild?.remove();
    }
    this.sync();
    // A user who scrolled up to read stays where they are.
    if (this.pinned) this.list.scrollTop = this.list.scrollHeight;
  }

  private row(e: TimelineEntry): HTMLLIElement {
    const li = el('li', `tl-row tl-${e.kind}${e.level ? ` tl-${e.level}` : ''}`);
    const i = icon(KIND_ICON[e.kind] ?? 'circle-small');
    i.classList.add('tl-icon');
    i.title = e.kind;
    li.append(el('span', 'tl-time', clock(e.t)), i, el('span', 'tl-text', e.text));
    return li;
  }

  private sync(): void {
    this.empty.hidden = this.entries.length > 0;
    this.list.hidden = this.entries.length === 0;
    const n = this.crashRows().length;
    if (this.crashAt > n) this.crashAt = 0;
    this.crashNav.hidden = n === 0;
    this.crashLabel.textContent = n === 0 ? '' : this.crashAt > 0 ? `Crash ${this.crashAt} of ${n}` : `${n} ${n === 1 ? 'crash' : 'crashes'}`;
  }
}
