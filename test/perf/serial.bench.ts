// Serial throughput: the virtual board (its own process) floods numbered 100-byte lines through a
// real pty into the SerialSession (real serialport binding, default 100,000-line ring) and the
// host batching layer (LineBatcher → protocol 'log' messages, serialized as postMessage would).
// Figures: lines/s and MB/s accepted, lines lost (must be 0), messages posted, RSS after 1M lines
// (bounded by the ring), CPU at a paced 20,000 lines/s.
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LineBatcher } from '../../src/core/serial/lineBatcher';
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
    const reconnects: number[] = [];
    for (let i = 0; i < 5; i++) {
      await control('unplug');
      if (!(await session.waitFor('reconnecting', 2000))) throw new Error('the unplug was not noticed');
      await new Promise((r) => setTimeout(r, 500 + i * 97)); // gone for a while, at various retry phases
      const plugged = control('plug');
      while (!existsSync(link)) await new Promise((r) => setTimeout(r, 2));
      const back = performance.now(); // the port exists again
      await plugged;
      if (!(await session.waitFor('open', 3000))) throw new Error('no reconnect within 3 s');
      reconnects.push(performance.now() - back);
    }
    reconnects.sort((x, y) => x - y);
    say(`reconnect after replug: ${reconnects.map((r) => r.toFixed(0)).join(', ')} ms`);

    return [
      figure('serial reconnect after the port returns (median of 5)', Math.round(reconnects[2]), 'ms', `max ${Math.round(reconnects[4])} ms; retry every 300 ms; target < 1,000`),
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
    await session.close();
    board.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}
