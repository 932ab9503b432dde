// Host-side batching toward the webview: lines are gathered and posted on a timer, never one
// message per line. At most `maxInFlight` posts wait for delivery; while the page is that far
// behind, lines queue up to `maxQueued`, past which the oldest are dropped and counted, so a flood
// costs bounded memory and the page is told how much it missed instead of the host freezing.

export interface BatcherOptions {
  intervalMs: number;
  maxBatch: number;
  maxInFlight: number;
  maxQueued: number;
}

export const DEFAULT_BATCHER_OPTIONS: BatcherOptions = { intervalMs: 32, maxBatch: 5000, maxInFlight: 4, maxQueued: 50_000 };

export interface BatcherStats {
  posted: number;
  batches: number;
  dropped: number;
  queued: number;
  inFlight: number;
}

/** Posts one batch; the promise settles when the message is delivered (or failed). */
export type PostBatch<T> = (items: T[], dropped: number) => PromiseLike<unknown>;

export class LineBatcher<T> {
  private queue: T[] = [];
  private head = 0;
  private droppedSincePost = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private disposed = false;
  readonly stats: BatcherStats = { posted: 0, batches: 0, dropped: 0, queued: 0, inFlight: 0 };
  private readonly opts: BatcherOptions;

  constructor(
    private readonly post: PostBatch<T>,
    opts: Partial<BatcherOptions> = {},
  ) {
    this.opts = { ...DEFAULT_BATCHER_OPTIONS, ...opts };
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  push(items: readonly T[]): void {
    if (this.disposed || items.length === 0) return;
    for (const it of items) this.queue.push(it);
    const over = this.pending - this.opts.maxQueued;
    if (over > 0) {
      this.head += over;
      this.droppedSincePost += over;
      this.stats.dropped += over;
    }
    this.compact();
    this.stats.queued = this.pending;
    this.arm();
  }

  /** Drops what is queued (the page got a fresh snapshot, or was cleared). */
  reset(): void {
    this.queue = [];
    this.head = 0;
    this.droppedSincePost = 0;
    this.stats.queued = 0;
  }

  /** Keeps only queued items that pass `keep` (e.g. newer than a snapshot's last seq). */
  retain(keep: (item: T) => boolean): void {
    this.queue = this.queue.slice(this.head).filter(keep);
    this.head = 0;
    this.stats.queued = this.pending;
  }

  /** Posts queued items now, as far as the in-flight limit allows. */
  flush(): void {
    while (this.pending > 0 && this.inFlight < this.opts.maxInFlight) {
      const n = Math.min(this.opts.maxBatch, this.pending);
      const batch = this.queue.slice(this.head, this.head + n);
      this.head += n;
      const dropped = this.droppedSincePost;
      this.droppedSincePost = 0;
      this.inFlight++;
      this.stats.inFlight = this.inFlight;
      this.stats.posted += batch.length;
      this.stats.batches++;
      const done = () => {
        this.inFlight--;
        this.stats.inFlight = this.inFlight;
        if (this.pending > 0) this.arm();
      };
      try {
        this.post(batch, dropped).then(done, done);
      } catch {
        done();
      }
    }
    this.compact();
    this.stats.queued = this.pending;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.reset();
  }

  private arm(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.opts.intervalMs);
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
