// The crashes in the page's log: the first line of each run of lines the host marked as a crash
// (a panic, its register dump and backtrace are one crash), for the gutter and for "next/previous
// crash". Kept in arrival order; evicted lines leave from the head.
import { lowerBound } from './sorted';

export interface CrashMark {
  /** Absolute line index of the crash's first line. */
  line: number;
  kind: string;
}

export class CrashIndex {
  private lines: number[] = [];
  private kinds: string[] = [];
  private head = 0;
  /** The run the last added line belonged to (its kind), '' after a line that was no crash. */
  private runKind = '';
  private lastLine = -2;
  /** 1-based position of the crash last navigated to, 0 when none. */
  position = 0;

  get count(): number {
    return this.lines.length - this.head;
  }

  /** Notes a stored line: `crash` is the host's mark (undefined when the line is no crash). */
  add(line: number, crash: string | undefined): void {
    const continues = line === this.lastLine + 1 && crash === this.runKind;
    this.lastLine = line;
    this.runKind = crash ?? '';
    if (!crash || continues) return;
    this.lines.push(line);
    this.kinds.push(crash);
  }

  at(i: number): CrashMark | undefined {
    const k = this.head + i;
    return i >= 0 && k < this.lines.length ? { line: this.lines[k], kind: this.kinds[k] } : undefined;
  }

  dropBefore(start: number): void {
    const before = this.head;
    while (this.head < this.lines.length && this.lines[this.head] < start) this.head++;
    this.position = Math.max(0, this.position - (this.head - before));
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.kinds = this.kinds.slice(this.head);
      this.head = 0;
    }
  }

  reset(): void {
    this.lines = [];
    this.kinds = [];
    this.head = 0;
    this.runKind = '';
    this.lastLine = -2;
    this.position = 0;
  }

  /**
   * The next crash: after the one last navigated to, else the first below `fromLine` (the line at
   * the top of the view). Wraps to the first.
   */
  next(fromLine: number): CrashMark | undefined {
    if (this.count === 0) return undefined;
    let k = this.position > 0 ? this.head + this.position : lowerBound(this.lines, fromLine + 1, this.head);
    if (k >= this.lines.length) k = this.head;
    this.position = k - this.head + 1;
    return this.at(k - this.head);
  }

  /** The previous crash: before the one last navigated to, else the last above `fromLine`. Wraps to the newest. */
  prev(fromLine: number): CrashMark | undefined {
    if (this.count === 0) return undefined;
    let k = this.position > 0 ? this.head + this.position - 2 : lowerBound(this.lines, fromLine, this.head) - 1;
    if (k < this.head) k = this.lines.length - 1;
    this.position = k - this.head + 1;
    return this.at(k - this.head);
  }
}
