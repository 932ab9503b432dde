// Search over the shown lines: every match (line + range), a current match for next/prev, kept
// up to date as lines arrive and leave. Counting stops at MAX_MATCHES ("10000+") so a search
// for "e" in a flood stays cheap.
import type { Matcher, TextRange } from './filter';
import { lowerBound } from './sorted';

export const MAX_MATCHES = 10_000;

export interface SearchMatch {
  line: number;
  from: number;
  to: number;
}

export class SearchResults {
  private lines: number[] = [];
  private froms: number[] = [];
  private tos: number[] = [];
  private head = 0;
  /** Index into the arrays of the current match, or -1. */
  private cur = -1;
  /** True when more matches exist than are kept. */
  capped = false;

  constructor(private matcher?: Matcher) {}

  get active(): boolean {
    return !!this.matcher && !this.matcher.empty;
  }

  get count(): number {
    return this.lines.length - this.head;
  }

  /** 1-based position of the current match, 0 when there is none. */
  get position(): number {
    return this.cur >= this.head ? this.cur - this.head + 1 : 0;
  }

  get current(): SearchMatch | undefined {
    return this.cur >= this.head ? this.at(this.cur - this.head) : undefined;
  }

  at(i: number): SearchMatch | undefined {
    const k = this.head + i;
    return i >= 0 && k < this.lines.length ? { line: this.lines[k], from: this.froms[k], to: this.tos[k] } : undefined;
  }

  /** Starts over with a new pattern; feed the shown lines through `add` afterwards. */
  reset(matcher?: Matcher): void {
    this.matcher = matcher;
    this.lines = [];
    this.froms = [];
    this.tos = [];
    this.head = 0;
    this.cur = -1;
    this.capped = false;
  }

  /** Records the matches of a newly shown line (lines must come in increasing order). */
  add(line: number, text: string): void {
    if (!this.active) return;
    if (this.count >= MAX_MATCHES) {
      if (!this.capped) this.capped = this.matcher!.test(text);
      return;
    }
    for (const r of this.matcher!.ranges(text, MAX_MATCHES - this.count)) {
      this.lines.push(line);
      this.froms.push(r.from);
      this.tos.push(r.to);
    }
  }

  /** Forgets matches on evicted lines; the current match stays where it was when it survives. */
  dropBefore(start: number): void {
    while (this.head < this.lines.length && this.lines[this.head] < start) this.head++;
    if (this.cur >= 0 && this.cur < this.head) this.cur = -1;
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.froms = this.froms.slice(this.head);
      this.tos = this.tos.slice(this.head);
      if (this.cur >= 0) this.cur -= this.head;
      this.head = 0;
    }
  }

  /** Index of the first match on a line >= `line`. */
  private firstAtOrAfter(line: number): number {
    return lowerBound(this.lines, line, this.head);
  }

  /**
   * Moves to the next match (wrapping). Without a current match it starts at the first match on
   * or after `fromLine` (the top of the viewport), so "next" finds what is below where you look.
   */
  next(fromLine?: number): SearchMatch | undefined {
    if (this.count === 0) return undefined;
    if (this.cur < this.head) this.cur = fromLine !== undefined ? this.firstAtOrAfter(fromLine) : this.head;
    else this.cur++;
    if (this.cur >= this.lines.length) this.cur = this.head;
    return this.current;
  }

  prev(fromLine?: number): SearchMatch | undefined {
    if (this.count === 0) return undefined;
    if (this.cur < this.head) this.cur = fromLine !== undefined ? this.firstAtOrAfter(fromLine) - 1 : this.lines.length - 1;
    else this.cur--;
    if (this.cur < this.head) this.cur = this.lines.length - 1;
    return this.current;
  }

  /** The match ranges on one line, and which of them (index) is current, for highlighting. */
  rangesOn(line: number): { ranges: TextRange[]; current: number } {
    const ranges: TextRange[] = [];
    let current = -1;
    for (let k = this.firstAtOrAfter(line); k < this.lines.length && this.lines[k] === line; k++) {
      if (k === this.cur) current = ranges.length;
      ranges.push({ from: this.froms[k], to: this.tos[k] });
    }
    return { ranges, current };
  }
}
