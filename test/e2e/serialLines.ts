// Waiting for a board's line in the e2e tests: the first received line matching `re` (already in
// the buffer when `fromBuffer`), or a rejection that shows the last lines seen.
import type { SerialLine } from '../../src/core/serial/line';
import type { SerialSession } from '../../src/core/serial/session';

export function waitLine(s: SerialSession, re: RegExp, ms = 5000, fromBuffer = false): Promise<SerialLine> {
  const have = fromBuffer ? s.buffer.toArray().find((l) => l.dir === 'rx' && re.test(l.text)) : undefined;
  if (have) return Promise.resolve(have);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no line matching ${re} within ${ms} ms; last: ${s.buffer.last(5).map((l) => l.text).join(' | ')}`));
    }, ms);
    const off = s.onLines((lines) => {
      const hit = lines.find((l) => l.dir === 'rx' && re.test(l.text));
      if (hit) {
        clearTimeout(timer);
        off();
        resolve(hit);
      }
    });
  });
}
