/* global process, window, document -- Node here, the browser inside page.evaluate */
// The Bench Monitor page (dist/webview) in headless Debian Chromium, outside VS Code: the same
// CSP as the real panel (nonce scripts, styles and fonts from the asset folder only), a stub
// acquireVsCodeApi that records what the page posts, and VS Code's Dark/Light Modern theme
// variables. Used by the monitor bench (figures under a flood) and for quick look checks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = process.env.OTA_BENCH_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const ANSI_DARK = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
const ANSI_LIGHT = ['#000000', '#cd3131', '#107c10', '#949800', '#0451a5', '#bc05bc', '#0598bc', '#555555',
  '#666666', '#cd3131', '#14ce14', '#b5ba00', '#0451a5', '#bc05bc', '#0598bc', '#a5a5a5'];
const ANSI_NAMES = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White',
  'BrightBlack', 'BrightRed', 'BrightGreen', 'BrightYellow', 'BrightBlue', 'BrightMagenta', 'BrightCyan', 'BrightWhite'];

/** A subset of VS Code's Dark Modern / Light Modern colours: what the page uses. */
export const THEMES = {
  dark: {
    foreground: '#cccccc', 'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', descriptionForeground: '#9d9d9d',
    'panel-border': '#2b2b2b', 'widget-border': '#313131', 'input-background': '#313131', 'input-foreground': '#cccccc',
    'input-border': '#3c3c3c', 'input-placeholderForeground': '#989898', focusBorder: '#0078d4',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-border': '#ffffff12',
    'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'toolbar-hoverBackground': '#5a5d5e50', 'inputOption-activeBackground': '#2489db82', 'inputOption-activeBorder': '#2488db',
    'inputOption-activeForeground': '#ffffff', 'icon-foreground': '#cccccc', 'editorGroupHeader-tabsBackground': '#181818',
    'sideBarSectionHeader-background': '#181818', 'sideBarSectionHeader-foreground': '#cccccc', 'sideBarSectionHeader-border': '#2b2b2b',
    'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', errorForeground: '#f85149',
    'editorWarning-foreground': '#cca700', 'testing-iconPassed': '#73c991', 'list-hoverBackground': '#2a2d2e',
    'editor-findMatchBackground': '#9e6a03', 'editor-findMatchHighlightBackground': '#ea5c0055',
    'editor-findRangeHighlightBackground': '#3a3d4166', 'terminal-foreground': '#cccccc', 'editorLineNumber-foreground': '#6e7681',
    'widget-shadow': '#0000005c', 'inputValidation-errorBorder': '#be1100', 'disabledForeground': '#cccccc80',
    ...Object.fromEntries(ANSI_NAMES.map((n, i) => [`terminal-ansi${n}`, ANSI_DARK[i]])),
  },
  light: {
    foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', descriptionForeground: '#717171',
    'panel-border': '#e5e5e5', 'widget-border': '#e5e5e5', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b',
    'input-border': '#cecece', 'input-placeholderForeground': '#767676', focusBorder: '#005fb8',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-border': '#0000001a',
    'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'toolbar-hoverBackground': '#b8b8b850', 'inputOption-activeBackground': '#bed6ed', 'inputOption-activeBorder': '#005fb8',
    'inputOption-activeForeground': '#000000', 'icon-foreground': '#3b3b3b', 'editorGroupHeader-tabsBackground': '#f8f8f8',
    'sideBarSectionHeader-background': '#f8f8f8', 'sideBarSectionHeader-foreground': '#3b3b3b', 'sideBarSectionHeader-border': '#e5e5e5',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', errorForeground: '#f85149',
    'editorWarning-foreground': '#bf8803', 'testing-iconPassed': '#388a34', 'list-hoverBackground': '#f2f2f2',
    'editor-findMatchBackground': '#a8ac94', 'editor-findMatchHighlightBackground': '#ea5c0055',
    'editor-findRangeHighlightBackground': '#b4b4b44d', 'terminal-foreground': '#3b3b3b', 'editorLineNumber-foreground': '#6e7681',
    'widget-shadow': '#00000029', 'inputValidation-errorBorder': '#be1100', 'disabledForeground': '#61616180',
    ...Object.fromEntries(ANSI_NAMES.map((n, i) => [`terminal-ansi${n}`, ANSI_LIGHT[i]])),
  },
};

function themeCss(theme) {
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => `  --vscode-${k}: ${v};`).join('\n');
  return `:root {\n${vars}\n  --vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif;\n  --vscode-font-size: 13px;\n` +
    `  --vscode-editor-font-family: "Droid Sans Mono", "DejaVu Sans Mono", monospace;\n  --vscode-editor-font-size: 13px;\n}\n`;
}

/** Writes the page (HTML, theme, stub) into a temp folder; returns its file URL. */
function writePage(theme, savedState, extraCsp = '') {
  const dir = join(tmpdir(), `ota-bench-monitor-page-${process.pid}-${theme}`);
  mkdirSync(dir, { recursive: true });
  const assets = pathToFileURL(join(root, 'dist', 'webview')).href;
  writeFileSync(join(dir, 'theme.css'), themeCss(theme));
  writeFileSync(join(dir, 'stub.js'), `
    window.__posted = [];
    window.__state = ${JSON.stringify(savedState ?? null)};
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { window.__posted.push(m); if (window.__onPosted) window.__onPosted(m); },
      getState: () => window.__state,
      setState: (s) => { window.__state = s; },
    });`);
  const nonce = 'bench' + Math.random().toString(36).slice(2);
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src file: data:; style-src file:; font-src file:; script-src 'nonce-${nonce}'${extraCsp}">
<link rel="stylesheet" href="${pathToFileURL(join(dir, 'theme.css')).href}">
<link rel="stylesheet" href="${assets}/monitor.css">
<title>Bench Monitor</title></head>
<body class="vscode-${theme}"><div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${pathToFileURL(join(dir, 'stub.js')).href}"></script>
<script nonce="${nonce}" src="${assets}/monitor.js"></script>
</body></html>`);
  return pathToFileURL(join(dir, 'index.html')).href;
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens the page and completes the handshake with an `init`. Returns helpers: `post(msg)` sends a
 * host message, `query(action)` drives the page through its test query and returns the result,
 * `posted()` what the page sent, `violations` CSP violations seen, `errors` page errors.
 */
export async function openMonitorPage(browser, { theme = 'dark', width = 1280, height = 720, savedState, init = {}, extraCsp } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, colorScheme: theme });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.goto(writePage(theme, savedState, extraCsp));
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await page.evaluate((init) => window.postMessage({
    type: 'init', protocol: 1, extensionVersion: '0.1.0', profiles: 0, lines: [],
    port: { state: 'open', path: '/dev/ttyUSB0', baudRate: 115200 }, ...init,
  }, '*'), init);
  await page.waitForFunction(() => document.getElementById('app').dataset.state === 'ready');
  let nextId = 1;
  return {
    page,
    errors,
    post: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg),
    posted: () => page.evaluate(() => window.__posted),
    violations: () => page.evaluate(() => window.__violations),
    async query(action) {
      const id = nextId++;
      return page.evaluate(({ id, action }) => new Promise((resolve) => {
        const prev = window.__onPosted;
        window.__onPosted = (m) => {
          if (m.type === 'queryResult' && m.id === id) {
            window.__onPosted = prev;
            resolve(m);
          }
        };
        window.postMessage({ type: 'query', id, action }, '*');
      }), { id, action });
    },
  };
}

/** Firmware-like lines (ESP-IDF style: level colour, tick, tag) for looks and floods. */
export function sampleLines(n, start = 0, t0 = Date.now()) {
  const tags = ['wifi', 'mqtt', 'ota', 'app_main', 'heap', 'sensor'];
  const out = [];
  for (let i = start; i < start + n; i++) {
    const lvl = i % 17 === 0 ? ['E', '31'] : i % 7 === 0 ? ['W', '33'] : ['I', '32'];
    const tag = tags[i % tags.length];
    out.push({ seq: i, t: t0 + i, dir: 'rx', text: `\x1b[0;${lvl[1]}m${lvl[0]} (${10_000 + i * 7}) ${tag}: event ${i} rssi=-${40 + (i % 30)} heap=${180_000 - (i % 5000)}\x1b[0m` });
  }
  return out;
}
