// Test-only hook: the host (an integration test) sends {type:'query', id, action?}; the page
// performs the action through the real controls (value + input event, keydown, click), lets the
// frame loop settle, and reports what the DOM actually shows. Read-only otherwise.
import type { IngestQueue } from '../../src/shared/logview/ingest';
import type { LogModel } from '../../src/shared/logview/logModel';
import type { HostMessage, MonitorQueryResult, MonitorTestAction, MonitorViewState, WebviewMessage } from '../../src/shared/protocol';
import type { buildHeader } from './header';
import type { LogToolbar } from './logToolbar';
import type { LogView } from './logView';
import type { PlotView } from './plotView';
import type { SendBox } from './sendBox';
import type { buildStatusLine } from './statusLine';
import { post } from './vscodeApi';

export interface QueryContext {
  toolbar: LogToolbar;
  sendBox: SendBox;
  header: ReturnType<typeof buildHeader>;
  plot: PlotView;
  view: LogView;
  model: LogModel;
  queue: IngestQueue;
  state: MonitorViewState;
  status: ReturnType<typeof buildStatusLine>;
  settle(): Promise<void>;
}

function field(ctx: QueryContext, name: string): HTMLElement {
  switch (name) {
    case 'include': return ctx.toolbar.include;
    case 'exclude': return ctx.toolbar.exclude;
    case 'search': return ctx.toolbar.search;
    case 'send': return ctx.sendBox.input;
    case 'tags': return ctx.toolbar.tags;
    case 'plotPattern': return ctx.plot.pattern;
    case 'log': return ctx.view.viewport;
  }
  throw new Error(`unknown field ${name}`);
}

function control(ctx: QueryContext, name: string): HTMLElement {
  const t = ctx.toolbar;
  const map: Record<string, HTMLElement> = {
    timestamps: t.timestamps, hex: t.hex, follow: t.follow, wrap: t.wrap, regex: t.regex, matchCase: t.matchCase,
    sendHex: ctx.sendBox.hex, pickPort: ctx.header.pick, plotToggle: t.plot, plotPause: ctx.plot.pause, ...t.buttons, ...ctx.plot.buttons,
  };
  const c = map[name];
  if (!c) throw new Error(`unknown control ${name}`);
  return c;
}

async function perform(ctx: QueryContext, a: MonitorTestAction): Promise<void> {
  switch (a.kind) {
    case 'input': {
      const input = field(ctx, a.field) as HTMLInputElement;
      input.focus();
      input.value = a.value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      return;
    }
    case 'key': {
      const target = field(ctx, a.field);
      target.focus();
      target.dispatchEvent(new KeyboardEvent('keydown', { key: a.key, ctrlKey: !!a.ctrl, bubbles: true, cancelable: true }));
      return;
    }
    case 'click':
      control(ctx, a.control).click();
      return;
    case 'eol':
      ctx.sendBox.eol.value = a.value;
      ctx.sendBox.eol.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    case 'level':
      ctx.toolbar.level.value = a.value;
      ctx.toolbar.level.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    case 'plotWindow':
      ctx.plot.window.value = String(a.ms);
      ctx.plot.window.dispatchEvent(new Event('change', { bubbles: true }));
      return;
    case 'board': {
      const tab = [...ctx.header.tabs.querySelectorAll<HTMLElement>('[role=tab]')].find((t) => t.dataset.board === a.id);
      if (!tab) throw new Error(`no tab for board ${a.id}`);
      tab.click();
      return;
    }
    case 'scroll':
      ctx.view.scrollTo(a.to);
      return;
    case 'peek':
      return;
    case 'postRaw':
      post(a.message as WebviewMessage);
      return;
  }
}

// Long tasks (> 50 ms) on the page's thread: a freeze shows here even when the host cannot see it.
let longestTask = 0;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longestTask = Math.max(longestTask, e.duration);
  }).observe({ type: 'longtask' });
} catch {
  // not supported outside Chromium: the field stays 0
}

// The largest backlog a frame left behind (what the user saw as "behind by"), between queries.
let peak = { lines: 0, status: '' };

let maxFrame = 0;

/** Called by the frame loop after each frame: how long its work took and what backlog it left. */
export function noteFrame(ms: number, backlogLines: number, statusText: () => string): void {
  if (ms > maxFrame) maxFrame = ms;
  if (backlogLines > peak.lines) peak = { lines: backlogLines, status: statusText() };
}

export function snapshot(ctx: QueryContext): MonitorQueryResult {
  const active = document.activeElement as HTMLElement | null;
  return {
    visibleRows: ctx.view.renderedRows(),
    rowCount: ctx.model.view.rowCount,
    totalLines: ctx.model.store.size,
    filterCount: ctx.model.view.count,
    filterError: ctx.model.filter.includeError ?? ctx.model.filter.excludeError,
    searchCount: ctx.model.search.count,
    searchIndex: ctx.model.search.position,
    backlogLines: ctx.queue.backlog.lines,
    absorbed: ctx.model.store.end,
    skipped: ctx.queue.skipped,
    longestTaskMs: Math.round(longestTask),
    maxFrameMs: Math.round(maxFrame),
    peakBacklogLines: peak.lines,
    themeKind: document.body.dataset.vscodeThemeKind ?? '',
    logColors: (() => {
      const cs = getComputedStyle(ctx.view.viewport);
      return { color: cs.color, background: cs.backgroundColor };
    })(),
    peakStatus: peak.status,
    follow: ctx.view.follow,
    hasActiveElements: ctx.view.hasActiveElements() || document.querySelector('#app img, #app script, #app iframe') !== null,
    state: JSON.parse(JSON.stringify(ctx.state)) as MonitorViewState,
    sendValue: ctx.sendBox.input.value,
    sendError: document.getElementById('sendError')?.textContent ?? '',
    status: ctx.status.text(),
    focused: active?.id ?? '',
    rowMarks: ctx.view.renderedRowElements().map((row) => {
      const lvl = [...row.classList].find((c) => c.startsWith('lvl-'));
      const text = row.querySelector('.text');
      return { level: lvl ? lvl.slice(4) : '', crash: row.classList.contains('crash'), color: text ? getComputedStyle(text).color : '', recordStart: row.classList.contains('rec-start') };
    }),
    plot: ctx.plot.query(),
    headerVersion: ctx.header.element.querySelector('.version')?.textContent ?? '',
    boards: ctx.header.tabs.hidden ? [] : [...ctx.header.tabs.querySelectorAll<HTMLElement>('[role=tab]')].map((t) => ({
      id: t.dataset.board ?? '',
      label: t.textContent ?? '',
      selected: t.getAttribute('aria-selected') === 'true',
      state: t.dataset.state ?? '',
    })),
    crashCount: ctx.model.crashes.count,
    crashPosition: ctx.model.crashes.position,
    crashLabel: document.getElementById('crashCount')?.textContent ?? '',
  };
}

export async function answerQuery(m: Extract<HostMessage, { type: 'query' }>, ctx: QueryContext): Promise<WebviewMessage> {
  try {
    if (m.action) await perform(ctx, m.action);
    if (m.action?.kind !== 'peek') await ctx.settle();
    const result = snapshot(ctx);
    longestTask = 0;
    peak = { lines: 0, status: '' };
    maxFrame = 0;
    return { type: 'queryResult', id: m.id, result };
  } catch (e) {
    return { type: 'queryResult', id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
}
