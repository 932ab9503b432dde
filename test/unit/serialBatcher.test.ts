import { strict as assert } from 'assert';
import { parseHexBytes, toHex } from '../../src/core/serial/hex';
import { LineBatcher } from '../../src/core/serial/lineBatcher';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serial host batching', () => {
  it('posts lines in timer batches, never one message per line', async () => {
    const posts: number[][] = [];
    const b = new LineBatcher<number>(async (items) => posts.push(items), { intervalMs: 10 });
    for (let i = 0; i < 1000; i++) b.push([i]);
    assert.equal(posts.length, 0, 'nothing posted synchronously');
    await wait(40);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].length, 1000);
    assert.deepEqual(posts[0].slice(0, 3), [0, 1, 2]);
  });

  it('splits big backlogs by maxBatch', async () => {
    const posts: number[][] = [];
    const b = new LineBatcher<number>(async (items) => posts.push(items), { intervalMs: 5, maxBatch: 300 });
    b.push(Array.from({ length: 1000 }, (_, i) => i));
    await wait(30);
    assert.deepEqual(posts.map((p) => p.length), [300, 300, 300, 100]);
  });

  it('when the page does not keep up: bounded queue, oldest dropped and reported, nothing blocks', async () => {
    const releases: (() => void)[] = [];
    const posts: { n: number; dropped: number; first: number }[] = [];
    const b = new LineBatcher<number>(
      (items, dropped) => {
        posts.push({ n: items.length, dropped, first: items[0] });
        return new Promise<void>((r) => releases.push(r));
      },
      { intervalMs: 5, maxBatch: 100, maxInFlight: 2, maxQueued: 500 },
    );
    b.push(Array.from({ length: 200 }, (_, i) => i));
    await wait(20);
    assert.equal(posts.length, 2, 'two in flight, then it waits');
    b.push(Array.from({ length: 2000 }, (_, i) => 200 + i));
    assert.equal(b.pending, 500, 'queue capped');
    assert.equal(b.stats.dropped, 1500);
    releases.splice(0).forEach((r) => r());
    await wait(20);
    assert.equal(posts[2].dropped, 1500, 'the next batch says how many lines the page missed');
    assert.equal(posts[2].first, 1700, 'oldest were dropped, newest kept');
    releases.splice(0).forEach((r) => r());
    await wait(20);
    releases.splice(0).forEach((r) => r());
    await wait(20);
    releases.splice(0).forEach((r) => r());
    await wait(20);
    assert.equal(posts.reduce((a, p) => a + p.n, 0), 700);
    assert.equal(posts.slice(3).every((p) => p.dropped === 0), true);
  });

  it('retain() drops queued lines already covered by a snapshot', async () => {
    const posts: number[][] = [];
    const b = new LineBatcher<number>(async (items) => posts.push(items), { intervalMs: 5 });
    b.push([1, 2, 3, 4]);
    b.retain((n) => n > 2);
    await wait(20);
    assert.deepEqual(posts, [[3, 4]]);
  });
});

describe('serial hex', () => {
  it('parses hex in the usual forms and renders it back', () => {
    assert.equal(parseHexBytes('de ad BE EF').toString('hex'), 'deadbeef');
    assert.equal(parseHexBytes('0x01,0x02:0a').toString('hex'), '01020a');
    assert.equal(parseHexBytes('c0ffee').toString('hex'), 'c0ffee');
    assert.equal(toHex(Buffer.from('Hi\n')), '48 69 0a');
  });

  it('says which token is wrong', () => {
    assert.throws(() => parseHexBytes('de zz'), /"zz" is not hex/);
    assert.throws(() => parseHexBytes('abc'), /odd number/);
    assert.throws(() => parseHexBytes('  '), /no bytes/);
  });
});
