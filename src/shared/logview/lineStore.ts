// The page's bounded copy of the log: a ring of parsed lines addressed by an ever-growing
// absolute index, so views (filter index, search matches) can hold plain numbers and notice
// evictions by comparing with `start`. ANSI is parsed once per line, and its state is bounded to
// the line (a conceal or an unterminated OSC from the board never hides the lines after it).
import type { LogLevel, LogLine } from '../protocol';
import { parseAnsi, type AnsiStyle, type StyledSpan } from './ansi';
import { base64ByteLength, utf8Length } from './hex';

export interface StoredLine {
  seq: number;
  /** Host time (ms since the epoch) at the line's first byte. */
  t: number;
  dir: LogLine['dir'];
  /** Visible text: escapes removed, control characters as control pictures. */
  text: string;
  /** ANSI runs; absent when the line is plain or drawn in one `style` (see lineSpans). */
  spans?: StyledSpan[];
  /** The one style of a line that is coloured throughout (most firmware lines): saves two objects per line. */
  style?: AnsiStyle;
  /** The text as received when it differed from `text` (escapes), for the hex view without raw. */
  source?: string;
  /** Raw bytes, base64, when the host sent them. */
  raw?: string;
  /** Bytes on the wire (raw, else UTF-8 of the received text). */
  bytes: number;
  /** What the host parsed (see LogLine). */
  level?: LogLevel;
  tag?: string;
  crash?: string;
}

export const DEFAULT_MAX_LINES = 100_000;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function toStoredLine(l: LogLine): StoredLine {
  const source = typeof l.text === 'string' ? l.text : String(l.text); // never trust a line to be text
  const styled = parseAnsi(source);
  const bytes = l.raw ? base64ByteLength(l.raw) : ASCII_ONLY.test(source) ? source.length : utf8Length(source);
  const s: StoredLine = { seq: l.seq, t: l.t, dir: l.dir, text: styled.text, bytes };
  if (l.level) s.level = l.level;
  if (l.tag) s.tag = l.tag;
  if (l.crash) s.crash = l.crash;
  const spans = styled.spans;
  if (spans?.length === 1 && spans[0].from === 0 && spans[0].to === styled.text.length) s.style = spans[0].style;
  else if (spans) s.spans = spans;
  if (styled.text !== source) s.source = source;
  if (l.raw) s.raw = l.raw;
  return s;
}

/** A line's ANSI runs, whichever way they are stored. */
export function lineSpans(s: StoredLine): StyledSpan[] | undefined {
  return s.spans ?? (s.style && s.text.length ? [{ from: 0, to: s.text.length, style: s.style }] : undefined);
}

export class LineStore {
  private ring: (StoredLine | undefined)[];
  private first = 0;
  private next = 0;
  private retainedBytes = 0;
  /** Lines pushed out by the bound since the last clear. */
  evicted = 0;

  constructor(private cap: number = DEFAULT_MAX_LINES) {
    if (!(cap >= 1)) throw new RangeError('capacity must be at least 1');
    this.ring = new Array(cap);
  }

  get capacity(): number {
    return this.cap;
  }
  /** Absolute index of the oldest line kept. */
  get start(): number {
    return this.first;
  }
  /** Absolute index one past the newest line. */
  get end(): number {
    return this.next;
  }
  get size(): number {
    return this.next - this.first;
  }
  get bytes(): number {
    return this.retainedBytes;
  }

  /** Appends a line, evicting the oldest when full; returns its absolute index. */
  push(l: LogLine): number {
    return this.pushStored(toStoredLine(l));
  }

  pushStored(s: StoredLine): number {
    if (this.size === this.cap) {
      const old = this.ring[this.first % this.cap]!;
      this.retainedBytes -= old.bytes;
      this.first++;
      this.evicted++;
    }
    this.ring[this.next % this.cap] = s;
    this.retainedBytes += s.bytes;
    return this.next++;
  }

  get(abs: number): StoredLine | undefined {
    if (abs < this.first || abs >= this.next) return undefined;
    return this.ring[abs % this.cap];
  }

  /** Empties the store; absolute indices keep growing so stale references never alias new lines. */
  clear(): void {
    this.ring = new Array(this.cap);
    this.first = this.next;
    this.retainedBytes = 0;
    this.evicted = 0;
  }

  /** Changes the bound, keeping the newest lines that fit. */
  setCapacity(cap: number): void {
    if (!(cap >= 1) || cap === this.cap) return;
    const keep: StoredLine[] = [];
    for (let i = Math.max(this.first, this.next - cap); i < this.next; i++) keep.push(this.get(i)!);
    const dropped = this.size - keep.length;
    this.cap = cap;
    this.ring = new Array(cap);
    this.first = this.next - keep.length;
    this.evicted += dropped;
    this.retainedBytes = 0;
    keep.forEach((s, k) => {
      this.ring[(this.first + k) % cap] = s;
      this.retainedBytes += s.bytes;
    });
  }
}
