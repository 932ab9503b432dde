// Which stored lines the list shows (those passing the filter), in order, and how they map to
// rows: one row per line, or in multi-row mode `rowsOf(line)` rows (hex view: ceil(bytes/16);
// wrapped text: ceil(chars/columns)), kept as prefix sums so a row is found by binary search.
// Appends are O(1) amortised; evictions drop from the head.
import { lowerBound } from './sorted';

export interface RowRef {
  /** Absolute line index in the store. */
  line: number;
  /** Row within the line (hex view, wrapped text); 0 otherwise. */
  sub: number;
  /** Position of the line among the shown lines. */
  entry: number;
}

export class ViewIndex {
  private lines: number[] = [];
  /** Multi-row mode: rows before entry i, as a running total that survives head drops. */
  private cum: number[] = [];
  private rowsTotal = 0;
  private head = 0;

  constructor(
    /** Whether lines may take several rows (hex view, wrapped text). */
    private multi = false,
    private readonly rowsOf: (line: number) => number = () => 1,
  ) {}

  /** Number of shown lines. */
  get count(): number {
    return this.lines.length - this.head;
  }

  get rowCount(): number {
    if (!this.multi) return this.count;
    return this.count === 0 ? 0 : this.rowsTotal - this.cum[this.head];
  }

  lineAt(entry: number): number | undefined {
    return entry >= 0 && entry < this.count ? this.lines[this.head + entry] : undefined;
  }

  add(line: number): void {
    this.lines.push(line);
    if (this.multi) {
      this.cum.push(this.rowsTotal);
      this.rowsTotal += this.rowsOf(line);
    }
  }

  /** Forgets lines below `start` (evicted from the store). Returns how many rows went. */
  dropBefore(start: number): number {
    const rowsBefore = this.rowCount;
    while (this.head < this.lines.length && this.lines[this.head] < start) this.head++;
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      if (this.multi) this.cum = this.cum.slice(this.head);
      this.head = 0;
    }
    return rowsBefore - this.rowCount;
  }

  reset(multi = this.multi): void {
    this.multi = multi;
    this.lines = [];
    this.cum = [];
    this.rowsTotal = 0;
    this.head = 0;
  }

  rowAt(row: number): RowRef | undefined {
    if (row < 0 || row >= this.rowCount) return undefined;
    if (!this.multi) return { line: this.lines[this.head + row], sub: 0, entry: row };
    const target = this.cum[this.head] + row;
    // Last entry whose first row is <= target.
    let lo = this.head;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cum[mid] <= target) lo = mid;
      else hi = mid - 1;
    }
    return { line: this.lines[lo], sub: target - this.cum[lo], entry: lo - this.head };
  }

  /** Position among the shown lines of the first line >= `line`, or count when none. */
  entryAtOrAfter(line: number): number {
    return lowerBound(this.lines, line, this.head) - this.head;
  }

  /** First row of a shown line, or -1 when the line is not shown. */
  rowOfLine(line: number): number {
    const e = this.entryAtOrAfter(line);
    if (e >= this.count || this.lines[this.head + e] !== line) return -1;
    return this.multi ? this.cum[this.head + e] - this.cum[this.head] : e;
  }
}
