// Serial throughput: the virtual board (its own process) floods numbered 100-byte lines through a
// real pty into the SerialSession (real serialport binding, default 100,000-line ring) and the
// host batching layer (LineBatcher → protocol 'log' messages, serialized as postMessage would).
// Figures: lines/s and MB/s accepted, lines lost (must be 0), messages posted, RSS after 1M lines
// (bounded by the ring), CPU at a paced 20,000 lines/s; the same flood read raw from the same pty
// (serialport alone, no session) in the same run, as a ratio; reconnect time after the port comes
// back and the share of N replugs whose banner (or version-query reply) was captured; memory at the
// byte cap with 4 KB lines.
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { LineBatcher } from '../../src/core/serial/lineBatcher';
import type { SerialDriver, SerialTransport } from '../../src/core/serial/transport';
import { lineBytes, type SerialLine } from '../../src/core/serial/line';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { toLogLine } from '../../src/vscode/serial/logLines';
import type { BenchContext, Figure } from './benchTypes';

type Ctx = BenchContext;

const MB = 1024 * 1024;

/** Counts flood lines 1..n in order; anything missing, repeated or out of order is "lost". */
class FloodCheck {
  next = 1;
  lost = 0;
  bytes = 0;
  firstAt = 0;
  lastAt = 0;
  constructor(readonly n: number) {}
  feed(lines: SerialLine[]): void {
    const tag = `/${this.n} `;
    for (const l of lines) {
      if (l.dir !== 'rx' || !l.text.startsWith('flood ') || !l.text.includes(tag)) continue;
      const k = Number(l.text.slice(6, l.text.indexOf('/')));
      if (this.next === 1) this.firstAt = l.t;
      if (k !== this.next) this.lost += Math.abs(k - this.next);
      this.next = k + 1;
      this.bytes += lineBytes(l)?.length ?? 0;
      this.lastAt = l.t;
    }
  }
  get received(): number {
    return this.next - 1 - this.lost;
  }
}

export async function bench({ root, say, figure }: Ctx): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'otab-serial-bench-'));
  const link = join(dir, 'ttyBENCH');
  const board = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', link, '--rate', '0', '--no-color', '--control'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const session = new SerialSession(nodeSerialDriver, {}); // the defaults users get: 100,000-line ring
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the board did not start within 20 s')), 20_000);
      board.stdout.on('data', (d: Buffer) => d.toString().includes('board ready') && (clearTimeout(t), resolve()));
      board.once('exit', (c) => reject(new Error(`board exited (${c})`)));
    });

    // The host batching layer, posting to a sink that serializes each message like postMessage.
    let posts = 0;
    let postedLines = 0;
    let postedBytes = 0;
    const batcher = new LineBatcher<SerialLine>(async (lines, dropped) => {
      const msg = { type: 'log', lines: lines.map((l) => toLogLine(l, false)), ...(dropped ? { dropped } : {}) };
      postedBytes += JSON.stringify(msg).length;
      posts++;
      postedLines += lines.length;
    });
    let check: FloodCheck | undefined;
    let done: (() => void) | undefined;
    session.onLines((lines) => {
      batcher.push(lines);
      check?.feed(lines);
      if (done && lines.some((l) => l.text.startsWith('flood done:'))) done();
    });
    if (!(await session.open(link))) throw new Error(`cannot open ${link}: ${session.status.message}`);

    const flood = async (n: number, rate: number, sample?: () => void) => {
      check = new FloodCheck(n);
      const finished = new Promise<void>((r) => (done = r));
      const timer = sample ? setInterval(sample, 200) : undefined;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await session.send(rate ? `flood ${n} ${rate}` : `flood ${n}`);
      await finished;
      await new Promise((r) => setTimeout(r, 100)); // the last batch leaves
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(timer);
      const c = check;
      check = undefined;
      return { check: c, wallMs: wall, cpuMs: (cpu.user + cpu.system) / 1000, spanMs: Math.max(1, c.lastAt - c.firstAt) };
    };

    // 1. Unthrottled: how much the session and batching layer take, and memory after 1M lines.
    const N = 1_000_000;
    const rssStart = process.memoryUsage().rss;
    const rss: { lines: number; rss: number }[] = [];
    const posts0 = posts;
    const postedLines0 = postedLines;
    const a = await flood(N, 0, () => rss.push({ lines: check?.next ?? 0, rss: process.memoryUsage().rss }));
    const rssEnd = process.memoryUsage().rss;
    const linesPerS = (a.check.received / a.spanMs) * 1000;
    const mbPerS = (a.check.bytes / MB / a.spanMs) * 1000;
    const early = rss.find((r) => r.lines >= 200_000) ?? rss[0];
    say(`unthrottled: ${a.check.received} lines in ${a.spanMs} ms, lost ${a.check.lost}, ring ${session.buffer.size}`);

    // 2. Paced at the target rate: CPU cost per 1,000 lines/s.
    const RATE = 20_000;
    const b = await flood(RATE * 5, RATE);
    const pacedLinesPerS = (b.check.received / b.spanMs) * 1000;
    const cpuPct = (b.cpuMs / b.wallMs) * 100;
    say(`paced: ${b.check.received} lines at ${pacedLinesPerS.toFixed(0)} lines/s, lost ${b.check.lost}, CPU ${cpuPct.toFixed(1)} %`);

    // 3. Unplug / replug: time from the port being back to the session having it open again.
    const control = (cmd: string) =>
      new Promise<void>((resolve) => {
        const onData = (d: Buffer) => d.toString().includes(`ok ${cmd}`) && (board.stdout.off('data', onData), resolve());
        board.stdout.on('data', onData);
        board.stdin.write(`${cmd}\n`);
      });
    // Each plug is a new socat process, a new pty at the same path; the board boots and prints its
    // banner at once. Captured = the banner line reached the session; else the version query is asked.
    const reconnects: number[] = [];
    const REPLUGS = 10;
    let banners = 0;
    let queried = 0;
    for (let i = 0; i < REPLUGS; i++) {
      await control('unplug');
      if (!(await session.waitFor('reconnecting', 2000))) throw new Error('the unplug was not noticed');
      await new Promise((r) => setTimeout(r, 300 + i * 97)); // gone for a while, at various retry phases
      const seq0 = session.lastSeq;
      let openedAt = 0;
      const offOpen = session.onStatus((st) => st.state === 'open' && !openedAt && (openedAt = performance.now()));
      const plugged = control('plug');
      while (!existsSync(link)) await new Promise((r) => setTimeout(r, 1));
      const back = performance.now(); // the port exists again
      await plugged;
      if (!(await session.waitFor('open', 3000))) throw new Error('no reconnect within 3 s');
      offOpen();
      reconnects.push(openedAt - back);
      await new Promise((r) => setTimeout(r, 300));
      const after = session.buffer.toArray().filter((l) => l.seq > seq0 && l.dir === 'rx');
      if (after.some((l) => /firmware version /.test(l.text))) banners++;
      else {
        await session.send('version');
        await new Promise((r) => setTimeout(r, 300));
        if (session.buffer.toArray().some((l) => l.seq > seq0 && /^version: /.test(l.text))) queried++;
      }
    }
    reconnects.sort((x, y) => x - y);
    say(`reconnect after replug: ${reconnects.map((r) => r.toFixed(0)).join(', ')} ms; banner caught ${banners}/${REPLUGS}, query ${queried}`);

    // 4. The same flood read raw from the same pty (serialport alone, counting line ends), same run.
    await session.close();
    const RAW_N = 300_000;
    const { SerialPortStream } = await import('@serialport/stream');
    const { autoDetect } = await import('@serialport/bindings-cpp');
    const raw = new SerialPortStream({ path: link, baudRate: 115200, binding: autoDetect(), highWaterMark: 256 * 1024 });
    await new Promise((r) => raw.once('open', r));
    let rawLines = 0;
    let rawFirst = 0;
    let rawLast = 0;
    let tail = '';
    const rawDone = new Promise<void>((resolve) =>
      raw.on('data', (d: Buffer) => {
        const now = performance.now();
        if (!rawFirst) rawFirst = now;
        for (let k = d.indexOf(10); k >= 0; k = d.indexOf(10, k + 1)) rawLines++;
        rawLast = now;
        tail = (tail + d.toString('latin1', Math.max(0, d.length - 200))).slice(-400);
        if (tail.includes('flood done:')) resolve();
      }),
    );
    raw.write(`flood ${RAW_N}\n`);
    await rawDone;
    await new Promise((r) => raw.close(r));
    const rawPerS = ((rawLines - 1) / Math.max(1, rawLast - rawFirst)) * 1000;
    // The session again on the same pty, the same flood size, for the ratio.
    await session.open(link);
    const c = await flood(RAW_N, 0);
    const sessionPerS = (c.check.received / c.spanMs) * 1000;
    say(`same pty, ${RAW_N} lines: raw ${rawPerS.toFixed(0)} lines/s, session ${sessionPerS.toFixed(0)} lines/s`);

    // 5. Memory at the byte cap: 100,000 lines of 4 KB through a session with the default caps.
    const mem = await byteCapMemory();
    say(`byte cap: ${mem.lines} lines kept, ${mem.bufferMb.toFixed(1)} MB counted, heap +${mem.heapMb.toFixed(0)} MB`);

    return [
      figure(`serial reconnect after the port returns (median of ${REPLUGS})`, Math.round(reconnects[REPLUGS >> 1]), 'ms', `max ${Math.round(reconnects[REPLUGS - 1])} ms; the port's directory is watched (poll every 300 ms only as fallback); new pty at the same path each time`),
      figure(`serial replugs whose banner was captured (of ${REPLUGS})`, banners, 'replugs', `banner printed at once on boot; pre-open bytes kept (EarlyCapture); ${queried} more answered the version query`),
      figure('serial replugs with banner or query reply captured', Math.round(((banners + queried) / REPLUGS) * 100), '%', `of ${REPLUGS} replugs`),
      figure('serial flood through the session vs raw read of the same pty', Number((sessionPerS / rawPerS).toFixed(2)), 'ratio', `${RAW_N.toLocaleString('en-US')} lines: session ${Math.round(sessionPerS).toLocaleString('en-US')} lines/s, raw serialport read ${Math.round(rawPerS).toLocaleString('en-US')} lines/s (session side includes framing, crash watch, ring, batching and level parsing for the monitor)`),
      figure('serial memory at the byte cap (100,000 × 4 KB lines)', Math.round(mem.heapMb), 'MB', `heap growth after GC; the ring kept the newest ${mem.lines.toLocaleString('en-US')} lines, ${mem.bufferMb.toFixed(0)} MB by its count against otaBench.serial.bufferMegabytes (64; the count assumes 2 bytes per character, so it errs high); bounded by lines only it held all 100,000 (400–800 MB)`),
      figure('serial flood accepted (unthrottled)', Math.round(linesPerS), 'lines/s', `1M × 100-byte lines, board → pty → session → batching; target ≥ 20,000`),
      figure('serial flood throughput (unthrottled)', Number(mbPerS.toFixed(2)), 'MB/s', 'target ≈ 2 MB/s'),
      figure('serial lines lost (unthrottled)', a.check.lost + (N - a.check.next + 1), 'lines', 'missing, repeated or out of order; must be 0'),
      figure('serial host messages for 1M lines', posts - posts0, 'messages', `${((postedLines - postedLines0) / Math.max(1, posts - posts0)).toFixed(0)} lines per 'log' message (timer batches, 32 ms)`),
      figure('serial host batches dropped', batcher.stats.dropped, 'lines', 'lines the batching layer had to drop (sink never behind here); must be 0'),
      figure('serial ring size after 1M lines', session.buffer.size, 'lines', 'bounded by otaBench.serial.bufferLines (100,000)'),
      figure('serial RSS after 1M lines', Math.round(rssEnd / MB), 'MB', `process RSS (${Math.round(rssStart / MB)} MB before the flood, Node + tsx); ${Math.round(early.rss / MB)} MB at ${early.lines.toLocaleString('en-US')} lines (flat once the ring is full)`),
      figure('serial RSS growth 200k → 1M lines', Math.round((rssEnd - early.rss) / MB), 'MB', 'memory stays bounded by the ring buffer'),
      figure('serial paced flood accepted', Math.round(pacedLinesPerS), 'lines/s', `board paced at ${RATE.toLocaleString('en-US')} lines/s for 5 s`),
      figure('serial lines lost (paced)', b.check.lost + (RATE * 5 - b.check.next + 1), 'lines', 'must be 0'),
      figure('serial CPU at 20,000 lines/s', Number(cpuPct.toFixed(1)), '% core', 'session + framing + ring + batching + message serialization (board in another process)'),
      figure('serial CPU per 1,000 lines/s', Number((cpuPct / (pacedLinesPerS / 1000)).toFixed(2)), '% core', 'from the paced run'),
      figure('serial host payload per line', Number((postedBytes / Math.max(1, postedLines)).toFixed(1)), 'bytes', 'JSON of posted log messages per 100-byte line (raw bytes only when the text does not imply them)'),
    ];
  } finally {
    await session.close().catch(() => undefined);
    board.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A session with the default caps fed 100,000 lines of 4 KB (in memory): what the ring holds and costs. */
async function byteCapMemory(): Promise<{ lines: number; bufferMb: number; heapMb: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let feed: (b: Buffer) => void = () => undefined;
  const port: SerialTransport = {
    open: async () => undefined,
    write: async () => undefined,
    close: async () => undefined,
    onData: (l) => (feed = l),
    onClose: () => undefined,
  };
  const driver: SerialDriver = { list: async () => [], create: () => port };
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const s = new SerialSession(driver, {});
  await s.open('mem');
  const body = 'x'.repeat(4000);
  for (let i = 0; i < 100_000; i += 25) {
    let chunk = '';
    for (let k = i; k < i + 25; k++) chunk += `${k} ${body}\n`;
    feed(Buffer.from(chunk, 'latin1'));
  }
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / MB;
  const out = { lines: s.buffer.size, bufferMb: s.buffer.bytes / MB, heapMb };
  await s.close();
  return out;
}
