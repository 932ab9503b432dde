// The strip under the log: how many lines, how many the filter shows, and, when the board floods
// faster than the page absorbs, how far behind it is ("behind by N lines / KB"): shown instead of
// freezing. Also lines the host had to drop and transient notes ("Copied 120 lines").
import { formatBytes, formatCount } from '../../src/shared/logview/format';
import type { Backlog } from '../../src/shared/logview/ingest';
import { el, icon } from './dom';

export interface StatusFacts {
  lines: number;
  shown: number;
  filtering: boolean;
  backlog: Backlog;
  hostDropped: number;
  skipped: number;
  capacity: number;
  /** A filter or search pattern that does not compile. */
  problem?: string;
}

export function buildStatusLine() {
  const element = el('div', 'status-line');
  const counts = el('span', 'counts');
  counts.id = 'counts';
  const behind = el('span', 'behind');
  behind.id = 'behind';
  behind.hidden = true;
  const dropped = el('span', 'dropped');
  dropped.id = 'dropped';
  dropped.hidden = true;
  const problem = el('span', 'problem');
  problem.id = 'problem';
  problem.hidden = true;
  const note = el('span', 'note');
  note.id = 'note';
  note.setAttribute('aria-live', 'polite');
  element.append(counts, behind, dropped, problem, el('span', 'spacer'), note);
  let noteTimer: ReturnType<typeof setTimeout> | undefined;
  let last = '';

  return {
    element,
    update(f: StatusFacts) {
      const key = JSON.stringify(f);
      if (key === last) return;
      last = key;
      counts.textContent = f.filtering
        ? `${formatCount(f.shown)} of ${formatCount(f.lines)} lines`
        : `${formatCount(f.lines)} ${f.lines === 1 ? 'line' : 'lines'}`;
      counts.title = `The monitor keeps the newest ${formatCount(f.capacity)} lines.`;
      behind.hidden = f.backlog.lines === 0;
      if (f.backlog.lines > 0) {
        behind.replaceChildren(icon('warning'), document.createTextNode(` Behind by ${formatCount(f.backlog.lines)} lines / ${formatBytes(f.backlog.bytes)}`));
        behind.title = 'The board sends faster than the view can draw; lines are queued, none are lost.';
      }
      problem.hidden = !f.problem;
      problem.textContent = f.problem ?? '';
      const lost = f.hostDropped + f.skipped;
      dropped.hidden = lost === 0;
      dropped.textContent = lost ? `${formatCount(lost)} not shown` : '';
      dropped.title = `${formatCount(f.hostDropped)} dropped by the host, ${formatCount(f.skipped)} older than the ${formatCount(f.capacity)}-line buffer while catching up.`;
    },
    say(text: string) {
      note.textContent = text;
      clearTimeout(noteTimer);
      noteTimer = setTimeout(() => (note.textContent = ''), 3000);
    },
    /** Everything the strip shows, as text (tests). */
    text(): string {
      return [counts, behind, dropped, problem, note].filter((e) => !e.hidden && e.textContent).map((e) => e.textContent!.trim()).join(' · ');
    },
  };
}
