import { strict as assert } from 'assert';
import { RingBuffer } from '../../src/core/serial/ringBuffer';

describe('serial ring buffer', () => {
  it('keeps the newest `capacity` items in order and counts what it evicted', () => {
    const r = new RingBuffer<number>(5);
    for (let i = 1; i <= 12; i++) r.push(i);
    assert.equal(r.size, 5);
    assert.deepEqual(r.toArray(), [8, 9, 10, 11, 12]);
    assert.equal(r.evicted, 7);
    assert.equal(r.at(0), 8);
    assert.equal(r.at(5), undefined);
    assert.deepEqual(r.last(2), [11, 12]);
    assert.deepEqual(r.last(99), [8, 9, 10, 11, 12]);
  });

  it('stays bounded at 100,000 after a million pushes', () => {
    const r = new RingBuffer<number>(100_000);
    for (let i = 0; i < 1_000_000; i++) r.push(i);
    assert.equal(r.size, 100_000);
    assert.equal(r.at(0), 900_000);
    assert.equal(r.last(1)[0], 999_999);
  });

  it('resizes keeping the newest items; clear empties it', () => {
    const r = new RingBuffer<string>(4);
    ['a', 'b', 'c', 'd', 'e'].forEach((s) => r.push(s));
    r.resize(2);
    assert.deepEqual(r.toArray(), ['d', 'e']);
    r.resize(3);
    r.push('f');
    r.push('g');
    assert.deepEqual(r.toArray(), ['e', 'f', 'g']);
    r.clear();
    assert.deepEqual([r.size, r.toArray(), r.evicted], [0, [], 0]);
  });

  it('rejects a nonsensical capacity', () => {
    assert.throws(() => new RingBuffer(0), /positive integer/);
  });
});
