/* global console -- Node */
// Screenshots of the Bench Monitor page outside VS Code (Dark and Light Modern variables), for a
// quick look at the layout without a workbench: out/screenshots/monitor-page-<theme>-<state>.png.
// Usage: node test/perf/monitor.look.mjs
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, openMonitorPage, sampleLines } from './monitorPage.mjs';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'screenshots');
mkdirSync(out, { recursive: true });

const t = Date.now();
const showcase = [
  { seq: 0, t, dir: 'rx', text: 'ets Jun  8 2016 00:22:57' },
  { seq: 1, t, dir: 'rx', text: 'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)' },
  { seq: 2, t, dir: 'rx', text: '\x1b[1;36mOTA Bench virtual board\x1b[0m  firmware \x1b[1m1.4.2\x1b[0m  (bench-1)' },
  ...sampleLines(40, 3, t),
  { seq: 50, t, dir: 'tx', text: 'version' },
  { seq: 51, t, dir: 'rx', text: 'version 1.4.2 (build 2025-01-12)' },
  { seq: 52, t, dir: 'rx', text: '<img src=x onerror=alert(1)> and <script>alert(2)</script>' },
  { seq: 53, t, dir: 'rx', text: '\x1b[38;5;208m256-colour\x1b[0m \x1b[38;2;120;200;255mtruecolor\x1b[0m \x1b[1mbold\x1b[0m \x1b[2mdim\x1b[0m \x1b[3mitalic\x1b[0m \x1b[4munderline\x1b[0m \x1b[7minverse\x1b[0m \x1b[41;97m white on red \x1b[0m' },
  { seq: 54, t, dir: 'rx', text: 'binary noise: \x00\x01\x07\x7f end' },
  { seq: 55, t, dir: 'sys', text: 'Port reconnected after 0.4 s (the board reset)' },
];

const browser = await launch();
try {
  for (const theme of ['dark', 'light']) {
    const m = await openMonitorPage(browser, { theme, width: 1280, height: 720 });
    await m.post({ type: 'log', lines: showcase });
    await m.query({ kind: 'input', field: 'search', value: 'wifi' });
    await m.query({ kind: 'scroll', to: 'bottom' });
    await m.page.screenshot({ path: join(out, `monitor-page-${theme}-log.png`) });
    await m.query({ kind: 'input', field: 'search', value: '' });
    await m.query({ kind: 'input', field: 'include', value: 'wifi, ota' });
    await m.query({ kind: 'input', field: 'search', value: 'event 1' });
    await m.query({ kind: 'key', field: 'search', key: 'Enter' });
    await m.page.screenshot({ path: join(out, `monitor-page-${theme}-filter.png`) });
    await m.query({ kind: 'click', control: 'regex' });
    await m.query({ kind: 'input', field: 'include', value: '(unclosed' });
    await m.query({ kind: 'click', control: 'sendHex' });
    await m.query({ kind: 'input', field: 'send', value: 'de ad zz' });
    await m.page.screenshot({ path: join(out, `monitor-page-${theme}-errors.png`) });
    await m.query({ kind: 'input', field: 'include', value: '' });
    await m.query({ kind: 'click', control: 'hex' });
    await m.page.setViewportSize({ width: 640, height: 720 });
    await m.query({ kind: 'scroll', to: 'bottom' });
    await m.page.screenshot({ path: join(out, `monitor-page-${theme}-hex-narrow.png`) });
    const errors = [...m.errors, ...(await m.violations())];
    console.log(`${theme}: ${errors.length ? errors.join('; ') : 'no page errors, no CSP violations'}`);
    await m.page.close();
  }
} finally {
  await browser.close();
}
console.log(`screenshots in ${out}`);
