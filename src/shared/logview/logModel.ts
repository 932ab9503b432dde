// The page's log state, DOM-free: the bounded store, the filtered view over it, the search, and
// what a row shows. The page feeds it lines and asks it for rows; tests drive it directly.
import { DEFAULT_LEVEL_FILTER, type LevelFilter, type LogLine } from '../protocol';
import { CrashIndex } from './crashes';
import { compileFilter, compileMatcher, type FilterSpec, type LineFilter } from './filter';
import { compileLevelFilter, type LevelTest } from './levels';
import { formatTime } from './format';
import { decodeBase64, hexRow, hexRowCount, utf8Bytes } from './hex';
import { DEFAULT_MAX_LINES, LineStore, type StoredLine } from './lineStore';
import { SearchResults } from './search';
import type { Mark } from './segments';
import { ViewIndex, type RowRef } from './viewIndex';

export interface SearchSpec {
  query: string;
  regex?: boolean;
  matchCase?: boolean;
}

export class LogModel {
  readonly store: LineStore;
  readonly view: ViewIndex;
  readonly search = new SearchResults();
  /** Crash runs among all stored lines (shown or not): the gutter marks and next/previous crash. */
  readonly crashes = new CrashIndex();
  private lineFilter: LineFilter = compileFilter({ include: '', exclude: '', regex: false });
  private levelTest: LevelTest = compileLevelFilter(DEFAULT_LEVEL_FILTER);
  /** Rows that left the top of the view since the last `takeDroppedRows` (to keep the scroll steady). */
  private droppedRows = 0;
  private hexCache = new Map<number, Uint8Array>();
  /** Lines that have passed the filter since the start (never reset): "N new lines" counts from it. */
  shownAppended = 0;
  private hex = false;
  /** Characters per row when long lines wrap; 0: no wrapping (a long line scrolls sideways). */
  private wrap = 0;

  get wrapColumns(): number {
    return this.wrap;
  }

  /** Rows a shown line takes: its hex dump's rows, its wrapped rows, or one. */
  private rowsOf(line: number): number {
    const s = this.store.get(line);
    if (!s) return 1;
    if (this.hex) return hexRowCount(s.bytes);
    return this.wrap > 0 ? Math.max(1, Math.ceil(s.text.length / this.wrap)) : 1;
  }

  constructor(capacity = DEFAULT_MAX_LINES) {
    this.store = new LineStore(capacity);
    this.view = new ViewIndex(false, (line) => this.rowsOf(line));
  }

  get filter(): LineFilter {
    return this.lineFilter;
  }

  /** Whether any filter (text, level or tag) hides lines. */
  get filtering(): boolean {
    return this.lineFilter.active || this.levelTest.active;
  }

  private passes(s: StoredLine): boolean {
    return this.levelTest.test(s) && this.lineFilter.test(s.text);
  }

  append(l: LogLine): void {
    const before = this.store.start;
    const abs = this.store.push(l);
    if (this.store.start !== before) this.evicted();
    const s = this.store.get(abs)!;
    this.crashes.add(abs, s.crash);
    if (this.passes(s)) {
      this.view.add(abs);
      this.search.add(abs, s.text);
      this.shownAppended++;
    }
  }

  private evicted(): void {
    const start = this.store.start;
    this.droppedRows += this.view.dropBefore(start);
    this.search.dropBefore(start);
    this.crashes.dropBefore(start);
    if (this.hexCache.size) for (const k of this.hexCache.keys()) if (k < start) this.hexCache.delete(k);
  }

  takeDroppedRows(): number {
    const n = this.droppedRows;
    this.droppedRows = 0;
    return n;
  }

  clear(): void {
    this.store.clear();
    this.view.reset();
    this.search.reset(this.searchMatcher);
    this.crashes.reset();
    this.hexCache.clear();
    this.droppedRows = 0;
  }

  setCapacity(n: number): void {
    this.store.setCapacity(n);
    this.evicted();
  }

  setFilter(spec: FilterSpec): void {
    this.lineFilter = compileFilter(spec);
    this.rebuild();
  }

  setLevels(f: LevelFilter): void {
    this.levelTest = compileLevelFilter(f);
    this.rebuild();
  }

  private searchMatcher = compileMatcher('', false);

  setSearch(spec: SearchSpec): void {
    this.searchMatcher = compileMatcher(spec.query, !!spec.regex, !!spec.matchCase);
    this.search.reset(this.searchMatcher);
    for (let e = 0; e < this.view.count; e++) {
      const line = this.view.lineAt(e)!;
      this.search.add(line, this.store.get(line)!.text);
    }
  }

  get searchError(): string | undefined {
    return this.searchMatcher.error;
  }

  setHex(hex: boolean): void {
    if (hex === this.hex) return;
    this.hex = hex;
    this.view.reset(hex || this.wrap > 0);
    this.rebuild();
  }

  /** Wraps text lines at `columns` characters (0: no wrapping). The hex view is not affected. */
  setWrap(columns: number): void {
    const cols = Math.max(0, Math.floor(columns));
    if (cols === this.wrap) return;
    this.wrap = cols;
    if (this.hex) return;
    this.view.reset(cols > 0);
    this.rebuild();
  }

  /** Re-applies filter and search to everything the store holds. */
  private rebuild(): void {
    this.view.reset();
    this.search.reset(this.searchMatcher);
    for (let i = this.store.start; i < this.store.end; i++) {
      const s = this.store.get(i)!;
      if (this.passes(s)) {
        this.view.add(i);
        this.search.add(i, s.text);
      }
    }
    this.droppedRows = 0;
  }

  line(abs: number): StoredLine | undefined {
    return this.store.get(abs);
  }

  /** The raw bytes of a line (for the hex view), decoded once per line while it is on screen. */
  bytesOf(abs: number): Uint8Array {
    let b = this.hexCache.get(abs);
    if (!b) {
      const s = this.store.get(abs);
      b = !s ? new Uint8Array(0) : s.raw ? decodeBase64(s.raw) : utf8Bytes(s.source ?? s.text);
      if (this.hexCache.size > 2048) this.hexCache.clear();
      this.hexCache.set(abs, b);
    }
    return b;
  }

  /** Highlights on a line: filter include matches and search matches (the current one marked). */
  marksFor(abs: number): Mark[] {
    const s = this.store.get(abs);
    if (!s) return [];
    const marks: Mark[] = this.lineFilter.highlights(s.text).map((r) => ({ ...r, kind: 'filter' as const }));
    if (this.search.active) {
      const { ranges, current } = this.search.rangesOn(abs);
      ranges.forEach((r, i) => marks.push({ ...r, kind: i === current ? 'current' : 'search' }));
    }
    return marks;
  }

  /** The characters of its line a text row shows: the whole line, or its `sub`-th slice of `wrapColumns` when long lines wrap. */
  textRange(ref: RowRef): { from: number; to: number } {
    const length = this.store.get(ref.line)?.text.length ?? 0;
    if (this.wrap <= 0) return { from: 0, to: length };
    const from = Math.min(length, ref.sub * this.wrap);
    return { from, to: Math.min(length, from + this.wrap) };
  }

  /** A row as plain text, as it is shown (copy, save-visible, tests). */
  rowText(ref: RowRef, timestamps: boolean): string {
    const s = this.store.get(ref.line);
    if (!s) return '';
    const ts = timestamps ? (ref.sub === 0 ? formatTime(s.t) : ' '.repeat(12)) + '  ' : '';
    if (!this.hex) {
      const { from, to } = this.textRange(ref);
      return ts + s.text.slice(from, to);
    }
    const h = hexRow(this.bytesOf(ref.line), ref.sub);
    return `${ts}${h.offset}  ${h.hex}  ${h.ascii}`;
  }

  /** All shown rows as text (the "copy visible lines" action), capped to keep the clipboard sane. */
  shownText(timestamps: boolean, maxRows = 200_000): string {
    const out: string[] = [];
    if (!this.hex) {
      // Whole lines, wrapped or not: a copied line is the line the board sent.
      const n = Math.min(this.view.count, maxRows);
      for (let e = this.view.count - n; e < this.view.count; e++) {
        const s = this.store.get(this.view.lineAt(e)!)!;
        out.push((timestamps ? `${formatTime(s.t)}  ` : '') + s.text);
      }
      return out.join('\n');
    }
    const n = Math.min(this.view.rowCount, maxRows);
    const startRow = this.view.rowCount - n;
    for (let r = startRow; r < this.view.rowCount; r++) out.push(this.rowText(this.view.rowAt(r)!, timestamps));
    return out.join('\n');
  }
}
