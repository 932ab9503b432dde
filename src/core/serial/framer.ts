// Turns a byte stream into lines. Chunks arrive cut anywhere (mid-line, mid-CRLF, mid-UTF-8
// character), so all state that spans a boundary lives here: the pending bytes, the time of the
// pending line's FIRST byte, and a CR waiting to see whether an LF follows.
import type { RxEol, SerialEncoding } from './options';

export interface Frame {
  /** Host time (ms since epoch) at which the line's first byte arrived. */
  t: number;
  /** Every byte of the line including its terminator (for the hex view and raw logs). */
  raw: Buffer;
  /** Decoded text without the terminator. */
  text: string;
  /** Ended by silence or the length cap, not by a line ending. */
  partial?: boolean;
}

export interface FramerOptions {
  eol: RxEol;
  encoding: SerialEncoding;
  maxLineBytes: number;
}

const CR = 0x0d;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

export class LineFramer {
  private parts: Buffer[] = [];
  private pendingLen = 0;
  private pendingT = 0;
  /** cr-or-lf: a line ended by CR at a chunk's end, held back until we know if an LF follows. */
  private heldCr: { t: number; raw: Buffer } | undefined;

  constructor(private opts: FramerOptions) {}

  setOptions(opts: Partial<FramerOptions>): void {
    this.opts = { ...this.opts, ...opts };
  }

  /** True while bytes of an unfinished line are waiting. */
  get hasPending(): boolean {
    return this.pendingLen > 0 || this.heldCr !== undefined;
  }

  /** Feeds one chunk received at `now`; returns the lines it completes. */
  push(chunk: Buffer, now: number): Frame[] {
    const out: Frame[] = [];
    if (chunk.length === 0) return out;
    let start = 0;
    if (this.heldCr) {
      const held = this.heldCr;
      this.heldCr = undefined;
      if (chunk[0] === LF) {
        out.push(this.frame(held.t, Buffer.concat([held.raw, chunk.subarray(0, 1)]), 2));
        start = 1;
      } else {
        out.push(this.frame(held.t, held.raw, 1));
      }
    }
    const { eol, maxLineBytes } = this.opts;
    let lineStart = start;
    const n = chunk.length;
    for (let i = start; i < n; i++) {
      const b = chunk[i];
      let termLen = 0;
      if (b === LF) {
        if (eol === 'lf' || eol === 'cr-or-lf') termLen = 1;
        else if (eol === 'crlf' && (i > lineStart ? chunk[i - 1] === CR : this.lastPendingByte() === CR)) termLen = 2;
      } else if (b === CR) {
        if (eol === 'cr') termLen = 1;
        else if (eol === 'cr-or-lf') {
          if (i + 1 < n) {
            termLen = chunk[i + 1] === LF ? 2 : 1;
            if (termLen === 2) i++;
          } else {
            // CR is the chunk's last byte: wait for the next chunk (or the idle flush) to decide.
            const raw = this.take(chunk, lineStart, i + 1, now);
            this.heldCr = { t: raw.t, raw: raw.bytes };
            return out;
          }
        }
      }
      if (termLen > 0) {
        const raw = this.take(chunk, lineStart, i + 1, now);
        out.push(this.frame(raw.t, raw.bytes, termLen));
        lineStart = i + 1;
      } else if (this.pendingLen + (i + 1 - lineStart) >= maxLineBytes) {
        const raw = this.take(chunk, lineStart, i + 1, now);
        out.push({ ...this.frame(raw.t, raw.bytes, 0), partial: true });
        lineStart = i + 1;
      }
    }
    if (lineStart < n) {
      if (this.pendingLen === 0) this.pendingT = now;
      this.parts.push(chunk.subarray(lineStart, n));
      this.pendingLen += n - lineStart;
    }
    return out;
  }

  /** Emits what is pending as a line (after silence, on disconnect). */
  flush(): Frame[] {
    const out: Frame[] = [];
    if (this.heldCr) {
      out.push(this.frame(this.heldCr.t, this.heldCr.raw, 1));
      this.heldCr = undefined;
    }
    if (this.pendingLen > 0) {
      const raw = this.take(EMPTY, 0, 0, this.pendingT);
      out.push({ ...this.frame(raw.t, raw.bytes, 0), partial: true });
    }
    return out;
  }

  reset(): void {
    this.parts = [];
    this.pendingLen = 0;
    this.heldCr = undefined;
  }

  private lastPendingByte(): number | undefined {
    const last = this.parts[this.parts.length - 1];
    return last ? last[last.length - 1] : undefined;
  }

  /** The pending bytes plus chunk[from, to) as one buffer, with the line's first-byte time. */
  private take(chunk: Buffer, from: number, to: number, now = 0): { t: number; bytes: Buffer } {
    if (this.pendingLen === 0) return { t: now, bytes: chunk.subarray(from, to) };
    const t = this.pendingT;
    if (to > from) this.parts.push(chunk.subarray(from, to));
    const bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.pendingLen = 0;
    return { t, bytes };
  }

  private frame(t: number, raw: Buffer, termLen: number): Frame {
    let end = raw.length - termLen;
    let begin = 0;
    const { eol, encoding } = this.opts;
    // Tolerate the neighbouring convention: CRLF seen in LF mode, LFCR leftovers in CR mode.
    if (eol === 'lf' && termLen > 0 && end > 0 && raw[end - 1] === CR) end--;
    if (eol === 'cr' && raw[0] === LF && end > 0) begin = 1;
    return { t, raw, text: raw.toString(encoding, begin, end) };
  }
}
