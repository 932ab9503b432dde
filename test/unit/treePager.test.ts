import { strict as assert } from 'assert';
import type { ListOptions, Page } from '../../src/core/model';
import { Pager } from '../../src/vscode/tree/pager';

// A fake list API with AWS-like paging: nextToken = index of the next item, prefix filtered by the "server".
function fakeList(total: number, opts: { failAt?: Set<number>; delayMs?: number } = {}) {
  const calls: ListOptions[] = [];
  const all = Array.from({ length: total }, (_, i) => `job-${String(i).padStart(4, '0')}`);
  let call = 0;
  const fetch = async (o: ListOptions): Promise<Page<string>> => {
    calls.push(o);
    const n = call++;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    if (opts.failAt?.has(n)) throw new Error(`page ${n} failed`);
    const items = all.filter((s) => !o.prefix || s.startsWith(o.prefix));
    const from = o.next ? Number(o.next) : 0;
    const size = o.pageSize ?? 10;
    const page = items.slice(from, from + size);
    return { items: page, next: from + size < items.length ? String(from + size) : undefined };
  };
  return { fetch, calls };
}

describe('tree pager', () => {
  it('fetches nothing until asked, then one page at a time', async () => {
    const api = fakeList(1000);
    const p = new Pager(api.fetch, (s) => s, 50);
    assert.equal(p.started, false);
    assert.equal(api.calls.length, 0);
    await p.loadMore();
    assert.equal(p.items.length, 50);
    assert.equal(p.hasMore, true);
    assert.deepEqual(api.calls[0], { next: undefined, pageSize: 50 });
    await p.loadMore();
    assert.equal(p.items.length, 100);
    assert.equal(api.calls[1].next, '50');
  });

  it('Load All pages at the API maximum, Load More at the view\'s page size', async () => {
    const api = fakeList(1000);
    const p = new Pager(api.fetch, (s) => s, 50, 250);
    await p.loadMore();
    await p.loadAll();
    assert.equal(p.items.length, 1000);
    assert.deepEqual(api.calls.map((c) => c.pageSize), [50, 250, 250, 250, 250], '1 view page + 4 maximum pages (not 19 pages of 50)');
    const q = new Pager(fakeList(120).fetch, (s) => s, 50);
    await q.loadAll();
    assert.equal(q.items.length, 120, 'without a maximum it still loads everything, at the page size');
  });

  it('a double click loads one page, not two (one load at a time)', async () => {
    const api = fakeList(1000, { delayMs: 20 });
    const p = new Pager(api.fetch, (s) => s, 50);
    await Promise.all([p.loadMore(), p.loadMore(), p.loadMore()]);
    assert.equal(api.calls.length, 1);
    assert.equal(p.items.length, 50);
  });

  it('load all pages to the end, reporting progress; a concurrent load more joins it', async () => {
    const api = fakeList(1000);
    const p = new Pager(api.fetch, (s) => s, 100);
    const seen: number[] = [];
    const all = p.loadAll({ onPage: (n) => seen.push(n) });
    assert.equal(p.isLoadingAll, true);
    await p.loadMore(); // shares the running load instead of fetching in parallel
    await all;
    assert.equal(p.items.length, 1000);
    assert.equal(p.done, true);
    assert.equal(api.calls.length, 10);
    assert.deepEqual(seen, [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.equal(new Set(p.items).size, 1000);
  });

  it('load all stops when cancelled', async () => {
    const api = fakeList(1000);
    const p = new Pager(api.fetch, (s) => s, 100);
    const abort = new AbortController();
    await p.loadAll({ signal: abort.signal, onPage: (n) => n >= 300 && abort.abort() });
    assert.equal(p.items.length, 300);
    assert.equal(p.hasMore, true);
    assert.equal(p.isLoadingAll, false);
  });

  it('a failed page keeps what loaded, and retry fetches the same page again', async () => {
    const api = fakeList(100, { failAt: new Set([1]) });
    const p = new Pager(api.fetch, (s) => s, 30);
    await p.loadMore();
    await p.loadMore();
    assert.match(String(p.error), /page 1 failed/);
    assert.equal(p.items.length, 30);
    assert.equal(p.hasMore, true);
    await p.loadMore(); // retry
    assert.equal(p.error, undefined);
    assert.equal(p.items.length, 60);
    assert.equal(api.calls[1].next, '30');
    assert.equal(api.calls[2].next, '30');
  });

  it('a failure on the first page leaves an empty, unfinished list with the error', async () => {
    const api = fakeList(10, { failAt: new Set([0]) });
    const p = new Pager(api.fetch, (s) => s, 30);
    await p.loadMore();
    assert.ok(p.error instanceof Error);
    assert.equal(p.items.length, 0);
    assert.equal(p.done, false);
    const all = new Pager(fakeList(500, { failAt: new Set([2]) }).fetch, (s: string) => s, 100);
    await all.loadAll();
    assert.equal(all.items.length, 200, 'load all stops at the failed page');
    assert.ok(all.error);
  });

  it('a filter is sent with every page and restarts the list; a late page of the old query is dropped', async () => {
    const api = fakeList(1000, { delayMs: 20 });
    const p = new Pager(api.fetch, (s) => s, 50);
    const old = p.loadMore();
    p.setFilter({ prefix: ' job-01 ' });
    await old;
    assert.equal(p.items.length, 0, 'the page for the unfiltered query was dropped');
    await p.loadMore();
    assert.deepEqual(api.calls[1], { next: undefined, pageSize: 50, prefix: 'job-01' });
    assert.equal(p.items.length, 50);
    assert.ok(p.items.every((s) => s.startsWith('job-01')));
    await p.loadAll();
    assert.equal(p.items.length, 100);
    p.setFilter({});
    assert.deepEqual(p.filter, {});
    assert.equal(p.started, false);
  });

  it('an empty result is done with no items; a repeated token ends the list instead of looping', async () => {
    const p = new Pager(fakeList(5).fetch, (s) => s, 10);
    p.setFilter({ prefix: 'nothing' });
    await p.loadMore();
    assert.equal(p.done, true);
    assert.equal(p.items.length, 0);
    let n = 0;
    const stuck = new Pager(async () => ({ items: [`x${n++}`], next: 'same' }), (s: string) => s);
    await stuck.loadAll();
    assert.equal(stuck.done, true);
    assert.equal(stuck.items.length, 2, 'the second page repeats the token it was sent: stop');
  });

  it('prepend puts a new item first and a later page does not duplicate it', async () => {
    const api = fakeList(20);
    const p = new Pager(api.fetch, (s) => s, 10);
    p.prepend('job-0005');
    assert.equal(p.started, false);
    await p.loadMore();
    assert.equal(p.items[0], 'job-0005');
    assert.equal(p.items.filter((s) => s === 'job-0005').length, 1);
    assert.equal(p.items.length, 10);
    assert.equal(p.replace('job-0003'), true);
    assert.equal(p.replace('nope'), false);
  });
});
