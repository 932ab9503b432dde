// A fixed-capacity FIFO: pushing into a full buffer evicts the oldest item. Memory stays bounded
// however long the board talks, by count and (with `sizeOf`) by bytes; `evicted` tells the UI how
// much history was let go.

export class RingBuffer<T> {
  private items: (T | undefined)[];
  private head = 0; // index of the oldest item
  private count = 0;
  /** Items dropped to make room since creation or the last clear. */
  evicted = 0;
  private byteCount = 0;

  /** `maxBytes` with `sizeOf`: the oldest items also go once their sizes add up to more than this. */
  constructor(
    private cap: number,
    private maxBytes = Infinity,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${cap}`);
    this.items = new Array<T | undefined>(cap);
  }

  /** Sum of sizeOf over the kept items. */
  get bytes(): number {
    return this.byteCount;
  }

  get byteCapacity(): number {
    return this.maxBytes;
  }

  /** Changes the byte bound, dropping the oldest items that no longer fit. */
  setMaxBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.trimBytes();
  }

  private dropOldest(): void {
    this.byteCount -= this.sizeOf(this.items[this.head]!);
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.cap;
    this.count--;
    this.evicted++;
  }

  private trimBytes(): void {
    // The newest item always stays, even alone over the bound.
    while (this.byteCount > this.maxBytes && this.count > 1) this.dropOldest();
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.cap;
  }

  push(item: T): void {
    if (this.count === this.cap) this.dropOldest();
    this.items[(this.head + this.count) % this.cap] = item;
    this.count++;
    this.byteCount += this.sizeOf(item);
    if (this.byteCount > this.maxBytes) this.trimBytes();
  }

  /** i = 0 is the oldest kept item. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.head + i) % this.cap];
  }

  /** The newest `n` items (all when n is omitted), oldest first. */
  last(n = this.count): T[] {
    const k = Math.max(0, Math.min(n, this.count));
    const out = new Array<T>(k);
    for (let i = 0; i < k; i++) out[i] = this.items[(this.head + this.count - k + i) % this.cap]!;
    return out;
  }

  toArray(): T[] {
    return this.last();
  }

  clear(): void {
    this.items = new Array<T | undefined>(this.cap);
    this.head = 0;
    this.count = 0;
    this.evicted = 0;
    this.byteCount = 0;
  }

  /** Changes the capacity, keeping the newest items that fit. */
  resize(cap: number): void {
    if (cap === this.cap) return;
    const keep = this.last(cap);
    const dropped = this.count - keep.length;
    this.cap = cap;
    this.items = new Array<T | undefined>(cap);
    keep.forEach((v, i) => (this.items[i] = v));
    this.head = 0;
    this.count = keep.length;
    this.evicted += dropped;
    this.byteCount = keep.reduce((n, v) => n + this.sizeOf(v), 0);
  }
}
