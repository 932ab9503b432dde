/* global process, console, setTimeout, URL, Blob, Worker, window, document, performance, requestAnimationFrame, MessageEvent, PerformanceObserver -- Node here, the browser inside page.evaluate */
// Bench Monitor page under a flood, in headless Chromium (dist/webview/monitor.js as shipped):
// a Web Worker plays the extension host, posting log batches that the page receives as
// structured-clone messages like the real webview does; Playwright types into the send box
// meanwhile and the page records how long each key waited for its handler (event.timeStamp →
// handler) and for the next frame.
//   1. sustained: 20,000 lines/s (1,000-line batches every 50 ms, ~2 MB/s) for N seconds;
//   2. flood: 1,000,000 lines at 100,000 lines/s (2,000-line batches every 20 ms), 5× the target;
//   3. flat out: 1,000,000 lines as fast as the worker can post them (5,000 per batch): the most
//      the page accepts; here the structured-clone decoding of the messages alone fills the thread;
//   4. plot: 20,000 lines/s again with the chart open, every 10th line a Teleplot point (`>rssi:-52`,
//      `>heap:180000` alternately) and a user pattern on the others: what a chart refresh costs.
// Figures, not pass/fail. Usage: node test/perf/monitor.bench.mjs [--seconds 10] [--lines 1000000] [--json]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { launch, openMonitorPage } from './monitorPage.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Runs in the worker: firmware-like lines (~95 bytes with ANSI), in batches, at a rate or flat out.
const WORKER_SOURCE = `
  const tags = ['wifi', 'mqtt', 'ota', 'app_main', 'heap', 'sensor'];
  let seq = 0;
  function batch(n, plotEvery) {
    const t = Date.now();
    const lines = new Array(n);
    for (let k = 0; k < n; k++, seq++) {
      if (plotEvery && seq % plotEvery === 0) {
        lines[k] = { seq, t, dir: 'rx', text: (seq / plotEvery) % 2 ? '>rssi:-' + (40 + seq % 30) : '>heap:' + (180000 - seq % 5000) };
        continue;
      }
      const lvl = seq % 17 === 0 ? 'E (' : seq % 7 === 0 ? 'W (' : 'I (';
      const col = seq % 17 === 0 ? '31' : seq % 7 === 0 ? '33' : '32';
      lines[k] = { seq, t, dir: 'rx', text: '\\x1b[0;' + col + 'm' + lvl + (10000 + seq * 7) + ') ' + tags[seq % 6] + ': event ' + seq + ' rssi=-' + (40 + seq % 30) + ' heap=' + (180000 - seq % 5000) + ' ok\\x1b[0m' };
    }
    return { type: 'log', lines };
  }
  onmessage = async (e) => {
    const { mode, total, batchLines, everyMs, plotEvery } = e.data;
    let sent = 0;
    const t0 = performance.now();
    while (sent < total) {
      const n = Math.min(batchLines, total - sent);
      postMessage(batch(n, plotEvery));
      sent += n;
      if (mode === 'rate') {
        const due = t0 + (sent / batchLines) * everyMs;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      } else {
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    postMessage({ type: 'benchDone', sent, ms: performance.now() - t0 });
  };`;

/** Installs the worker bridge and the input-latency probe in the page. */
async function instrument(page) {
  await page.evaluate((src) => {
    const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    window.__bench = { done: null, lat: [], frame: [], longTasks: [], maxBacklog: 0 };
    w.onmessage = (e) => {
      if (e.data.type === 'benchDone') window.__bench.done = e.data;
      else window.dispatchEvent(new MessageEvent('message', { data: e.data }));
    };
    window.__benchStart = (cfg) => {
      window.__bench.done = null;
      w.postMessage(cfg);
    };
    const send = document.getElementById('send');
    send.addEventListener('keydown', (e) => {
      const start = e.timeStamp;
      window.__bench.lat.push(performance.now() - start);
      requestAnimationFrame(() => window.__bench.frame.push(performance.now() - start));
    }, { capture: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  }, WORKER_SOURCE);
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Types into the send box every `everyMs` until `stop()` says so; Escape now and then keeps it short. */
async function typeWhile(page, stop, everyMs = 100) {
  await page.focus('#send');
  let n = 0;
  while (!(await stop())) {
    await page.keyboard.press(++n % 25 === 0 ? 'Escape' : 'a');
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return n;
}

async function phase(m, cfg, { settleTimeoutMs }) {
  const { page } = m;
  const before = (await m.query()).result;
  await page.evaluate(() => Object.assign(window.__bench, { lat: [], frame: [], longTasks: [], maxBacklog: 0 }));
  const t0 = Date.now();
  await page.evaluate((c) => window.__benchStart(c), cfg);
  let caughtUp = 0;
  let maxBacklog = 0;
  const keys = await typeWhile(page, async () => {
    const s = await page.evaluate(() => ({ done: window.__bench.done, backlog: Number(document.getElementById('behind').hidden ? 0 : 1) }));
    if (!s.done) return false;
    const r = (await m.query()).result;
    maxBacklog = Math.max(maxBacklog, r.backlogLines);
    if (r.backlogLines === 0) caughtUp ||= Date.now();
    return r.backlogLines === 0 || Date.now() - t0 > settleTimeoutMs;
  });
  const end = caughtUp || Date.now();
  const after = (await m.query()).result;
  const b = await page.evaluate(() => window.__bench);
  const seconds = (end - t0) / 1000;
  const absorbed = after.absorbed - before.absorbed;
  const skipped = after.skipped - before.skipped;
  return {
    offered: cfg.total,
    seconds: +seconds.toFixed(2),
    absorbed,
    skipped,
    accepted: absorbed + skipped,
    absorbedPerSec: Math.round(absorbed / seconds),
    acceptedPerSec: Math.round((absorbed + skipped) / seconds),
    keys,
    inputToHandlerMs: { p50: +pct(b.lat, 50).toFixed(1), p95: +pct(b.lat, 95).toFixed(1), max: +Math.max(...b.lat).toFixed(1) },
    inputToFrameMs: { p50: +pct(b.frame, 50).toFixed(1), p95: +pct(b.frame, 95).toFixed(1), max: +Math.max(...b.frame).toFixed(1) },
    longTasks: b.longTasks.length,
    longestTaskMs: b.longTasks.length ? Math.round(Math.max(...b.longTasks)) : 0,
    plot: after.plot && after.plot.open ? {
      draws: after.plot.draws - (before.plot?.draws ?? 0),
      drawsPerSec: +((after.plot.draws - (before.plot?.draws ?? 0)) / seconds).toFixed(1),
      meanDrawMs: after.plot.meanDrawMs,
      maxDrawMs: after.plot.maxDrawMs,
      series: after.plot.series.map((s) => `${s.name}:${s.points}`).join(' '),
    } : undefined,
    storeLines: after.totalLines,
    rendered: after.visibleRows.length,
    lastRow: after.visibleRows[after.visibleRows.length - 1]?.slice(0, 60),
  };
}

export async function benchMonitorPage({ seconds = 10, floodLines = 1_000_000, say = console.log } = {}) {
  if (!existsSync(join(root, 'dist/webview/monitor.js'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
  const browser = await launch();
  try {
    const m = await openMonitorPage(browser, { width: 1280, height: 800, extraCsp: '; worker-src blob:' });
    await instrument(m.page);
    // Heap after a full GC, from the DevTools protocol (performance.memory is coarse).
    const cdp = await m.page.context().newCDPSession(m.page);
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return +((await cdp.send('Runtime.getHeapUsage')).usedSize / 2 ** 20).toFixed(1);
    };
    const heap0 = await heap();

    say(`monitor page: sustained 20,000 lines/s for ${seconds} s while typing…`);
    const sustained = await phase(m, { mode: 'rate', total: 20_000 * seconds, batchLines: 1000, everyMs: 50 }, { settleTimeoutMs: seconds * 1000 + 30_000 });
    const heapSustained = await heap();
    say(`monitor page: ${floodLines.toLocaleString('en-US')} lines at 100,000 lines/s while typing…`);
    const flood = await phase(m, { mode: 'rate', total: floodLines, batchLines: 2000, everyMs: 20 }, { settleTimeoutMs: 120_000 });
    say(`monitor page: ${floodLines.toLocaleString('en-US')} lines flat out while typing…`);
    const flatOut = await phase(m, { mode: 'flat', total: floodLines, batchLines: 5000, everyMs: 0 }, { settleTimeoutMs: 120_000 });
    const heap1 = await heap();
    say(`monitor page: sustained 20,000 lines/s for ${seconds} s with the plot open (every 10th line a point, a pattern on the rest) while typing…`);
    await m.page.click('#plotToggle');
    await m.page.fill('#plotPattern', 'rssi=-(?<rssiNeg>\\d+)');
    const plot = await phase(m, { mode: 'rate', total: 20_000 * seconds, batchLines: 1000, everyMs: 50, plotEvery: 10 }, { settleTimeoutMs: seconds * 1000 + 30_000 });
    const errors = [...m.errors, ...(await m.violations())];
    return { sustained, flood, flatOut, plot, heapMB: { start: heap0, afterSustained: heapSustained, afterFloods: heap1 }, errors };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const arg = (k, d) => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
  const r = await benchMonitorPage({ seconds: arg('--seconds', 10), floodLines: arg('--lines', 1_000_000) });
  if (argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    for (const [name, p] of [['sustained 20k lines/s', r.sustained], [`${r.flood.offered.toLocaleString('en-US')} at 100k lines/s`, r.flood], [`${r.flatOut.offered.toLocaleString('en-US')} flat out`, r.flatOut], ['20k lines/s with the plot open', r.plot]]) {
      console.log(`${name}: ${p.accepted.toLocaleString('en-US')} lines in ${p.seconds} s ` +
        `(${p.acceptedPerSec.toLocaleString('en-US')} lines/s accepted, ${p.absorbedPerSec.toLocaleString('en-US')}/s drawn into the store, ${p.skipped.toLocaleString('en-US')} skipped beyond the buffer); ` +
        `input→handler p50 ${p.inputToHandlerMs.p50} / p95 ${p.inputToHandlerMs.p95} / max ${p.inputToHandlerMs.max} ms, ` +
        `input→next frame p50 ${p.inputToFrameMs.p50} / p95 ${p.inputToFrameMs.p95} ms; long tasks ${p.longTasks} (longest ${p.longestTaskMs} ms)`);
    }
    const pl = r.plot.plot;
    if (pl) console.log(`plot while flooding: ${pl.draws} redraws (${pl.drawsPerSec}/s), mean ${pl.meanDrawMs} ms, max ${pl.maxDrawMs} ms per redraw; series ${pl.series}`);
    console.log(`JS heap after GC: ${r.heapMB.start} MB at start, ${r.heapMB.afterSustained} MB after the sustained run, ${r.heapMB.afterFloods} MB after 2M more lines (store bounded at ${r.flood.storeLines.toLocaleString('en-US')} lines)`);
    if (r.errors.length) console.log(`page errors: ${r.errors.join('; ')}`);
  }
}

/** `npm run bench` entry (scripts/lib/bench-child.mjs): the figures of the three phases. */
export async function bench({ figure, say, args = [] }) {
  const arg = (k, d) => (args.includes(k) ? Number(args[args.indexOf(k) + 1]) : d);
  const r = await benchMonitorPage({ seconds: arg('--seconds', 10), floodLines: arg('--lines', 1_000_000), say });
  const n = (x) => x.toLocaleString('en-US');
  const out = [];
  for (const [key, p, what] of [
    ['sustained', r.sustained, `20,000 lines/s (~2 MB/s) for ${n(r.sustained.offered)} lines`],
    ['flood', r.flood, `${n(r.flood.offered)} lines at 100,000 lines/s`],
    ['flat out', r.flatOut, `${n(r.flatOut.offered)} lines as fast as posted`],
  ]) {
    out.push(
      figure(`monitor page ${key}: lines accepted`, p.acceptedPerSec, 'lines/s', `${what}; ${n(p.accepted)} of ${n(p.offered)} taken, ${n(p.skipped)} skipped as older than the 100,000-line view buffer`),
      figure(`monitor page ${key}: lines drawn into the view`, p.absorbedPerSec, 'lines/s', 'ANSI-parsed, filtered and indexed, 6 ms budget per frame'),
      figure(`monitor page ${key}: input → handler p95`, p.inputToHandlerMs.p95, 'ms', `keys typed into the send box meanwhile (p50 ${p.inputToHandlerMs.p50}, max ${p.inputToHandlerMs.max})`),
      figure(`monitor page ${key}: input → next frame p95`, p.inputToFrameMs.p95, 'ms', `target < 100 ms (p50 ${p.inputToFrameMs.p50}, max ${p.inputToFrameMs.max})`),
      figure(`monitor page ${key}: long tasks`, p.longTasks, 'tasks', `> 50 ms on the page thread; longest ${p.longestTaskMs} ms`),
    );
  }
  const pl = r.plot.plot;
  out.push(
    figure('monitor page plot: refresh cost while flooding (mean)', pl?.meanDrawMs ?? NaN, 'ms', `20,000 lines/s, every 10th a Teleplot point; ${pl?.draws ?? 0} redraws (${pl?.drawsPerSec ?? 0}/s, at most 10/s by design), max ${pl?.maxDrawMs ?? NaN} ms`),
    figure('monitor page plot: input → next frame p95', r.plot.inputToFrameMs.p95, 'ms', `keys typed meanwhile (p50 ${r.plot.inputToFrameMs.p50}); long tasks ${r.plot.longTasks}`),
    figure('monitor page plot: lines accepted', r.plot.acceptedPerSec, 'lines/s', 'with the chart open'),
  );
  out.push(
    figure('monitor page: JS heap after the sustained run', r.heapMB.afterSustained, 'MB', `after GC; ${r.heapMB.start} MB at start`),
    figure('monitor page: JS heap after 2M more lines', r.heapMB.afterFloods, 'MB', 'after GC: bounded by the 100,000-line view buffer'),
  );
  if (r.errors.length) throw new Error(`page errors: ${r.errors.join('; ')}`);
  return out;
}
