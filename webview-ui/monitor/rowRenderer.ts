// Draws one row of the log list. Device text only ever reaches the DOM through textContent;
// colours go through CSSOM (`style.color`), which the webview's CSP allows (no style attributes
// parsed from strings, no <style> tags).
import { styleToCss } from '../../src/shared/logview/ansi';
import { formatTime } from '../../src/shared/logview/format';
import { hexRow, hexRowCount, lineEnding } from '../../src/shared/logview/hex';
import { lineSpans } from '../../src/shared/logview/lineStore';
import type { LogModel } from '../../src/shared/logview/logModel';
import { segmentLine } from '../../src/shared/logview/segments';
import type { RowRef } from '../../src/shared/logview/viewIndex';
import { el } from './dom';

export interface RowOptions {
  timestamps: boolean;
  hex: boolean;
}

const DIR_TITLE = { rx: '', tx: 'Sent', sys: 'Monitor' } as const;

export function renderRow(row: HTMLElement, model: LogModel, ref: RowRef, opts: RowOptions): void {
  const line = model.line(ref.line);
  row.className = 'row';
  row.replaceChildren();
  if (!line) return;
  row.classList.add(line.dir);
  if (ref.sub > 0) row.classList.add('cont');
  if (line.level) row.classList.add(`lvl-${line.level}`);
  // The gutter mark of a crash (CSS draws it); its kind in the tooltip.
  if (line.crash) {
    row.classList.add('crash');
    row.title = `Crash: ${line.crash}`;
  } else row.removeAttribute('title');
  // Separators are real spaces, not CSS margins, so a copied selection reads like the saved log.
  if (opts.timestamps) row.append(el('span', 'ts', ref.sub === 0 ? `${formatTime(line.t)}  ` : ' '.repeat(14)));
  // The direction mark: sent lines and monitor notes. In hex view every row keeps the column so
  // the byte columns line up.
  if (line.dir !== 'rx' || opts.hex) {
    const mark = ref.sub === 0 && line.dir !== 'rx' ? (line.dir === 'tx' ? '→' : '•') : ' ';
    const dir = el('span', 'dir', `${mark} `);
    if (mark !== ' ') dir.title = DIR_TITLE[line.dir];
    row.append(dir);
  }
  if (opts.hex) {
    const bytes = model.bytesOf(ref.line);
    const h = hexRow(bytes, ref.sub);
    if (ref.sub === 0) row.classList.add('rec-start');
    row.append(el('span', 'hex-off', `${h.offset}  `), el('span', 'hex-bytes', `${h.hex}  `), el('span', 'hex-ascii', h.ascii));
    // The record's line ending, said in words on its last row (the dots in the ASCII column hide it).
    if (ref.sub === hexRowCount(bytes.length) - 1) {
      const eol = lineEnding(bytes);
      if (eol) row.append(el('span', 'hex-eol', `  ${eol}`));
    }
    return;
  }
  const text = el('span', 'text');
  const marks = model.marksFor(ref.line);
  const spans = lineSpans(line);
  // A wrapped line shows one slice of its characters on this row.
  const { from, to } = model.textRange(ref);
  if (!spans && marks.length === 0) {
    text.textContent = line.text.slice(from, to);
  } else {
    for (const whole of segmentLine(line.text.length, spans, marks)) {
      if (whole.to <= from || whole.from >= to) continue;
      const seg = { ...whole, from: Math.max(from, whole.from), to: Math.min(to, whole.to) };
      const part = line.text.slice(seg.from, seg.to);
      if (!seg.style && !seg.mark) {
        text.append(part); // a Text node: never markup
        continue;
      }
      const span = el(seg.mark ? 'mark' : 'span', undefined, part);
      if (seg.mark) span.className = `m-${seg.mark}`;
      if (seg.style) {
        const css = styleToCss(seg.style);
        if (css.classes.length) span.classList.add(...css.classes);
        if (css.color) span.style.color = css.color;
        if (css.background) span.style.backgroundColor = css.background;
      }
      text.append(span);
    }
  }
  row.append(text);
}
