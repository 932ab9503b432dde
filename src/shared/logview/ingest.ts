// Incoming log batches wait here and are absorbed a budget at a time (per animation frame), so a
// board flooding the port never freezes the page: the backlog grows and is shown ("behind by N
// lines / KB") while input and scrolling stay responsive.
import type { LogLine } from '../protocol';

export interface Backlog {
  lines: number;
  bytes: number;
}

export class IngestQueue {
  private batches: LogLine[][] = [];
  /** Lines of batches[0] already taken. */
  private offset = 0;
  private queuedLines = 0;
  private queuedBytes = 0;
  /** Lines never absorbed because newer queued lines would have pushed them out of the store anyway. */
  skipped = 0;

  get backlog(): Backlog {
    return { lines: this.queuedLines, bytes: this.queuedBytes };
  }

  push(lines: LogLine[]): void {
    if (lines.length === 0) return;
    this.batches.push(lines);
    this.queuedLines += lines.length;
    for (const l of lines) this.queuedBytes += l.text.length;
  }

  clear(): void {
    this.batches = [];
    this.offset = 0;
    this.queuedLines = 0;
    this.queuedBytes = 0;
  }

  /**
   * Drops the oldest queued lines beyond `capacity`: a store that keeps `capacity` lines would
   * evict them as soon as the newer ones arrived, so absorbing them is wasted work under a flood.
   */
  trimTo(capacity: number): number {
    let drop = this.queuedLines - capacity;
    if (drop <= 0) return 0;
    const dropped = drop;
    while (drop > 0) {
      const b = this.batches[0];
      const avail = b.length - this.offset;
      const n = Math.min(avail, drop);
      for (let i = this.offset; i < this.offset + n; i++) this.queuedBytes -= b[i].text.length;
      drop -= n;
      this.queuedLines -= n;
      if (n === avail) {
        this.batches.shift();
        this.offset = 0;
      } else this.offset += n;
    }
    this.skipped += dropped;
    return dropped;
  }

  /**
   * Feeds queued lines to `sink` until the queue is empty, `budgetMs` has passed or `shouldYield`
   * says input is waiting (both checked every `chunk` lines). Returns how many lines were absorbed.
   */
  drain(sink: (l: LogLine) => void, budgetMs: number, now: () => number, chunk = 256, shouldYield: () => boolean = () => false): number {
    const deadline = now() + budgetMs;
    let done = 0;
    while (this.batches.length > 0) {
      const b = this.batches[0];
      const stop = Math.min(b.length, this.offset + chunk);
      for (let i = this.offset; i < stop; i++) {
        sink(b[i]);
        this.queuedBytes -= b[i].text.length;
      }
      const n = stop - this.offset;
      done += n;
      this.queuedLines -= n;
      if (stop === b.length) {
        this.batches.shift();
        this.offset = 0;
      } else this.offset = stop;
      if (now() >= deadline || shouldYield()) break;
    }
    return done;
  }
}
