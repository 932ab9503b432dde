// The paging state behind one tree folder: pages fetched on demand, one load at a time, a filter,
// and the last error kept next to what already loaded. No `vscode` import: unit-tested on Node.

import type { ListOptions, Page } from '../../core/model';

export type FetchPage<T> = (opts: ListOptions) => Promise<Page<T>>;

export interface PagerFilter {
  prefix?: string;
  status?: string;
}

export interface LoadAllOptions {
  signal?: AbortSignal;
  /** Called after each page with the number of items loaded so far. */
  onPage?: (loaded: number) => void;
}

export class Pager<T> {
  private list: T[] = [];
  private keys = new Set<string>();
  private token?: string;
  private fetched = false;
  private failure?: unknown;
  private inFlight?: Promise<void>;
  private loadingAll = false;
  private current: PagerFilter = {};
  /** Bumped by reset/filter changes so that a page arriving late for an old query is dropped. */
  private generation = 0;

  constructor(
    private readonly fetch: FetchPage<T>,
    private readonly keyOf: (item: T) => string,
    private readonly pageSize?: number,
    /** The API's largest page: Load All asks for it (fewer round trips than the view's page size). */
    private readonly maxPageSize?: number,
  ) {}

  get items(): readonly T[] {
    return this.list;
  }
  /** Nothing fetched yet (the folder was never expanded, or was reset). */
  get started(): boolean {
    return this.fetched || this.inFlight !== undefined;
  }
  /** The last page said there is nothing more. */
  get done(): boolean {
    return this.fetched && this.token === undefined;
  }
  get hasMore(): boolean {
    return !this.done;
  }
  get error(): unknown {
    return this.failure;
  }
  get busy(): Promise<void> | undefined {
    return this.inFlight;
  }
  get isLoadingAll(): boolean {
    return this.loadingAll;
  }
  get filter(): Readonly<PagerFilter> {
    return this.current;
  }

  /** Loads the next page; while a load runs, callers share it (a double click loads once). */
  loadMore(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.done) return Promise.resolve();
    return this.run(() => this.fetchOne());
  }

  /** Pages until the end, the signal aborts or a page fails. Waits for a running load first. */
  async loadAll(opts: LoadAllOptions = {}): Promise<void> {
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.inFlight) return this.inFlight; // someone else started (e.g. another Load all)
    const gen = this.generation;
    return this.run(async () => {
      this.loadingAll = true;
      try {
        while (!this.done && !opts.signal?.aborted && gen === this.generation) {
          await this.fetchOne(this.maxPageSize ?? this.pageSize);
          if (this.failure !== undefined) return;
          opts.onPage?.(this.list.length);
        }
      } finally {
        this.loadingAll = false;
      }
    });
  }

  /** Forgets everything; the next expand starts again from the first page. */
  reset(): void {
    this.generation++;
    this.list = [];
    this.keys = new Set();
    this.token = undefined;
    this.fetched = false;
    this.failure = undefined;
    this.inFlight = undefined;
    this.loadingAll = false;
  }

  setFilter(filter: PagerFilter): void {
    const clean: PagerFilter = {};
    if (filter.prefix?.trim()) clean.prefix = filter.prefix.trim();
    if (filter.status) clean.status = filter.status;
    this.current = clean;
    this.reset();
  }

  /** Puts an item first (e.g. the job a command just created) without refetching. */
  prepend(item: T): void {
    const k = this.keyOf(item);
    if (this.keys.has(k)) this.list = this.list.filter((i) => this.keyOf(i) !== k);
    this.keys.add(k);
    this.list = [item, ...this.list];
  }

  /** Replaces a loaded item (same key) with a fresher copy. */
  replace(item: T): boolean {
    const k = this.keyOf(item);
    const at = this.list.findIndex((i) => this.keyOf(i) === k);
    if (at < 0) return false;
    this.list = this.list.map((i, n) => (n === at ? item : i));
    return true;
  }

  private run(work: () => Promise<void>): Promise<void> {
    const p = work().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private async fetchOne(pageSize = this.pageSize): Promise<void> {
    const gen = this.generation;
    const sent = this.token;
    this.failure = undefined;
    let page: Page<T>;
    try {
      page = await this.fetch({ next: sent, pageSize, ...this.current });
    } catch (err) {
      if (gen === this.generation) this.failure = err;
      return;
    }
    if (gen !== this.generation) return;
    for (const item of page.items) {
      const k = this.keyOf(item);
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      this.list.push(item);
    }
    // A continuation equal to the one sent would loop forever: treat it as the end.
    this.token = page.next && page.next !== sent ? page.next : undefined;
    this.fetched = true;
  }
}
