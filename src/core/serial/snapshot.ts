// What a newly opened monitor gets: the newest lines of the buffer, bounded by count AND bytes, cut
// into messages of bounded size sent one after another (oldest first, so the page only appends).
// Exports SNAPSHOT_LIMITS, snapshotWindow, snapshotChunks.
import { lineMemory, type SerialLine } from './line';

export const SNAPSHOT_LIMITS = { lines: 20_000, bytes: 8 * 1024 * 1024, chunkLines: 2_000, chunkBytes: 512 * 1024 };

/** The newest lines of `buffer` (oldest first) that fit both bounds; always at least the newest one. */
export function snapshotWindow<T extends SerialLine>(buffer: { size: number; at(i: number): T | undefined }, maxLines = SNAPSHOT_LIMITS.lines, maxBytes = SNAPSHOT_LIMITS.bytes): T[] {
  const out: T[] = [];
  let bytes = 0;
  for (let i = buffer.size - 1; i >= 0 && out.length < maxLines; i--) {
    const l = buffer.at(i)!;
    bytes += lineMemory(l);
    if (bytes > maxBytes && out.length) break;
    out.push(l);
  }
  return out.reverse();
}

/** `lines` cut into consecutive chunks of at most `maxLines` lines and about `maxBytes` bytes. */
export function snapshotChunks<T extends SerialLine>(lines: T[], maxLines = SNAPSHOT_LIMITS.chunkLines, maxBytes = SNAPSHOT_LIMITS.chunkBytes): T[][] {
  const chunks: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const l of lines) {
    const b = lineMemory(l);
    if (cur.length && (cur.length >= maxLines || bytes + b > maxBytes)) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(l);
    bytes += b;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}
