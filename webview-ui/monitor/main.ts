// The Bench Monitor page: the serial log pane on the left, the rollout pane on the right.
// Everything the device or a cloud says is untrusted: it is only ever placed with textContent.
// Log batches from the host are queued and absorbed a time budget per animation frame, so a
// flooding board shows a "behind by" indicator while typing and scrolling stay responsive.
import { DEFAULT_MAX_LINES } from '../../src/shared/logview/lineStore';
import { IngestQueue } from '../../src/shared/logview/ingest';
import { LogModel } from '../../src/shared/logview/logModel';
import type { HostMessage, LevelFilter, LogLine, MonitorViewState } from '../../src/shared/protocol';
import { DEFAULT_LEVEL_FILTER, DEFAULT_PLOT_STATE, PROTOCOL_VERSION, restoreLevelFilter, restoreViewState } from '../../src/shared/protocol';
import { copyAnswered, copyText, selectedTextIn } from './clipboard';
import { el } from './dom';
import { buildHeader } from './header';
import { buildLogToolbar } from './logToolbar';
import { LogView } from './logView';
import { buildSendBox } from './sendBox';
import { buildStatusLine } from './statusLine';
import { PlotView } from './plotView';
import { RolloutPane } from './rollout';
import { answerQuery, noteFrame } from './testQuery';
import { loadState, post, saveState } from './vscodeApi';

/** Time per frame spent absorbing lines; the rest of the frame is for input, layout and paint. */
const FRAME_BUDGET_MS = 6;
/** Filter typing is applied after this pause when the log is large (each pass scans every line). */
const FILTER_DEBOUNCE_MS = 60;

const state: MonitorViewState = restoreViewState(loadState());
const model = new LogModel(DEFAULT_MAX_LINES);
const queue = new IngestQueue();
const rowOpts = { timestamps: state.timestamps, hex: state.hex };
let hostDropped = 0;
const WAITING = 'Waiting for the board. Select a serial port to see its output here.';

// --- layout -------------------------------------------------------------------------------------
const app = document.getElementById('app')!;
const header = buildHeader(
  () => post({ type: 'command', command: 'pickPort' }),
  (board) => post({ type: 'selectBoard', board }),
);
/** The board whose log is shown (several boards on the bench); '' with one. */
let currentBoard = '';

const view = new LogView(model, rowOpts, schedule, (on) => {
  state.follow = on;
  toolbar.follow.setOn(on);
  persist();
});
const toolbar = buildLogToolbar(state, {
  filterChanged: () => scheduleFilter(),
  levelsChanged: () => applyLevels(toolbar.levels()),
  crashNav: (dir) => crashNav(dir),
  searchChanged: () => applySearch(),
  searchNav: (dir) => searchNav(dir),
  toggle: (name, on) => {
    if (name === 'follow') return view.setFollow(on);
    if (name === 'plot') {
      plot.setOpen(on);
      return persist();
    }
    if (name === 'wrap') {
      state.wrap = on;
      applyWrap();
      return persist();
    }
    state[name] = on;
    rowOpts[name] = on;
    if (name === 'hex') model.setHex(on);
    view.invalidate();
    persist();
  },
  action: (name) => {
    if (name === 'clear') {
      clearLocal();
      post({ type: 'command', command: 'clear' });
    } else if (name === 'save') post({ type: 'command', command: 'saveLog' });
    else void copy();
  },
});
const status = buildStatusLine();
state.plot ??= { ...DEFAULT_PLOT_STATE };
const plot = new PlotView(state.plot, {
  changed: () => persist(),
  exportCsv: (csv) => post({ type: 'exportCsv', csv }),
  requestRender: () => schedule(),
});
toolbar.plot.setOn(state.plot.open);
plot.setOpen(state.plot.open);
const sendBox = buildSendBox(state, {
  send: (text, eol, hex) => post({ type: 'send', text, eol, hex }),
  changed: () => {
    Object.assign(state, sendBox.stateOf());
    persist();
  },
});

const logPane = el('section', 'pane log-pane');
logPane.setAttribute('aria-label', 'Serial log');
const logEmpty = el('div', 'empty-log', WAITING);
logEmpty.id = 'logEmpty';
const logBody = el('div', 'log-body');
logBody.append(view.element, logEmpty);
logPane.append(toolbar.element, plot.element, logBody, status.element, sendBox.element);

// The rollout pane (release steps, verify job, verdict, timeline): rollout.ts.
const rolloutPane = el('section', 'pane rollout-pane');
rolloutPane.id = 'rollout';
rolloutPane.setAttribute('aria-label', 'Release and rollout');
const rollout = new RolloutPane(rolloutPane, post);
const panes = el('main', 'panes');
panes.append(logPane, rolloutPane);
app.replaceChildren(header.element, panes);
view.measure();

// --- frame loop ---------------------------------------------------------------------------------
let frameRequested = false;
let timerRequested = false;

function schedule(): void {
  if (document.hidden) {
    // No animation frames while the panel is in the background: absorb on a timer instead.
    if (!timerRequested) {
      timerRequested = true;
      setTimeout(() => {
        timerRequested = false;
        frame();
      }, 100);
    }
    return;
  }
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(() => {
      frameRequested = false;
      frame();
    });
  }
}
document.addEventListener('visibilitychange', schedule);

// Chromium tells us when a key or click is waiting: absorbing then yields at once so input wins.
const scheduling = (navigator as Navigator & { scheduling?: { isInputPending?: () => boolean } }).scheduling;
const inputPending = () => scheduling?.isInputPending?.() ?? false;

function frame(): void {
  const started = performance.now();
  queue.trimTo(model.store.capacity);
  if (state.wrap) applyWrap();
  queue.drain(absorb, FRAME_BUDGET_MS, () => performance.now(), 128, inputPending);
  if (!document.hidden) {
    view.render();
    if (plot.render()) setTimeout(schedule, 50);
  }
  toolbar.showSearchCount(model.search.position, model.search.count, model.search.capped, model.search.active);
  toolbar.showCrashes(model.crashes.position, model.crashes.count);
  updateEmptyText();
  status.update({
    lines: model.store.size,
    shown: model.view.count,
    filtering: model.filtering,
    backlog: queue.backlog,
    hostDropped,
    skipped: queue.skipped,
    capacity: model.store.capacity,
    problem: problemText(),
  });
  noteFrame(performance.now() - started, queue.backlog.lines, status.text);
  if (queue.backlog.lines > 0) schedule();
}

/**
 * Wrapping follows the view's width (and the timestamp column): re-wrapped when either changes.
 * The model keeps the width through the hex view (which it does not wrap), so leaving hex
 * rebuilds the view once, already wrapped.
 */
function applyWrap(): void {
  const cols = state.wrap ? view.wrapColumns(state.timestamps) : 0;
  if (cols === model.wrapColumns) return;
  model.setWrap(cols);
  view.invalidate();
}

function absorb(l: LogLine): void {
  model.append(l);
  plot.ingest(l);
}

function problemText(): string | undefined {
  const f = model.filter;
  if (f.includeError) return `Filter: ${f.includeError}`;
  if (f.excludeError) return `Exclude: ${f.excludeError}`;
  if (model.searchError) return `Find: ${model.searchError}`;
  return undefined;
}

function updateEmptyText(): void {
  const text = model.store.size > 0 ? 'No lines match the filter.' : WAITING;
  if (logEmpty.textContent !== text) logEmpty.textContent = text;
  logEmpty.hidden = model.view.rowCount > 0 || queue.backlog.lines > 0;
}

// --- filter, search, copy -----------------------------------------------------------------------
let filterTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleFilter(): void {
  clearTimeout(filterTimer);
  if (model.store.size < 20_000) return applyFilter();
  filterTimer = setTimeout(applyFilter, FILTER_DEBOUNCE_MS);
}

function applyFilter(): void {
  filterTimer = undefined;
  state.filter = toolbar.filter();
  model.setFilter(state.filter);
  toolbar.showErrors(model.filter.includeError, model.filter.excludeError);
  view.invalidate();
  updateEmptyText();
  persist();
}

function applyLevels(levels: LevelFilter): void {
  state.levels = levels;
  model.setLevels(levels);
  view.invalidate();
  updateEmptyText();
  persist();
}

function crashNav(dir: 1 | -1): void {
  const from = view.topLine() ?? model.store.start;
  const c = dir > 0 ? model.crashes.next(from) : model.crashes.prev(from);
  if (!c) return;
  // The crash's first line, or the first shown line after it when a text filter hides it.
  const entry = model.view.entryAtOrAfter(c.line);
  const line = model.view.lineAt(entry);
  if (line !== undefined) view.reveal(model.view.rowOfLine(line), 'top');
  view.invalidate();
}

function applySearch(): void {
  model.setSearch({ query: toolbar.search.value });
  view.invalidate();
}

function searchNav(dir: 1 | -1): void {
  const m = dir > 0 ? model.search.next(view.topLine()) : model.search.prev(view.topLine());
  if (!m) return;
  const row = model.view.rowOfLine(m.line);
  if (row >= 0) view.reveal(row);
  view.invalidate();
}

async function copy(): Promise<void> {
  const selected = selectedTextIn(view.viewport);
  const text = selected || model.shownText(state.timestamps);
  try {
    await copyText(text);
    const n = text === '' ? 0 : text.split('\n').length;
    status.say(selected ? 'Copied the selection' : `Copied ${n.toLocaleString('en-US')} shown ${n === 1 ? 'line' : 'lines'}`);
  } catch (e) {
    status.say(`Copy failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function clearLocal(): void {
  model.clear();
  queue.clear();
  hostDropped = 0;
  queue.skipped = 0;
  view.invalidate();
  updateEmptyText();
}

// --- keyboard -------------------------------------------------------------------------------------
window.addEventListener('keydown', (e) => {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    toolbar.search.focus();
    toolbar.search.select();
  } else if (e.key === 'F3') {
    e.preventDefault();
    searchNav(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') {
    const t = e.target;
    if (t === toolbar.search && toolbar.search.value) {
      toolbar.search.value = '';
      applySearch();
    } else if ((t === toolbar.include || t === toolbar.exclude) && (t as HTMLInputElement).value) {
      (t as HTMLInputElement).value = '';
      applyFilter();
    } else if (t === sendBox.input) {
      sendBox.input.value = '';
      sendBox.input.dispatchEvent(new Event('input'));
    } else if (view.viewport.contains(t as Node)) {
      document.getSelection()?.removeAllRanges();
    }
  }
});

// --- state ----------------------------------------------------------------------------------------
let persistTimer: ReturnType<typeof setTimeout> | undefined;

function persist(): void {
  saveState(state);
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => post({ type: 'state', state }), 250);
}

// --- host messages --------------------------------------------------------------------------------
function sysLine(text: string): LogLine {
  return { seq: -1, t: Date.now(), text, dir: 'sys' };
}

window.addEventListener('message', (ev: MessageEvent<HostMessage>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'init':
      app.dataset.state = 'ready';
      header.setVersion(m.extensionVersion);
      header.setPort(m.port);
      header.setBoards(m.boards ?? [], m.board);
      clearLocal();
      // Another board's log: its numbers are not this chart's.
      if (currentBoard && (m.board ?? '') !== currentBoard) plot.data.clear();
      currentBoard = m.board ?? '';
      // The workspace remembers the level/tag filter (host workspaceState) even when the panel was closed.
      if (m.levels) {
        state.levels = restoreLevelFilter(m.levels);
        toolbar.setFrom(state);
        model.setLevels(state.levels);
        persist();
      }
      if (m.maxLines && m.maxLines > 0) model.setCapacity(m.maxLines);
      queue.push(m.lines);
      schedule();
      break;
    case 'log':
      if (m.dropped) {
        hostDropped += m.dropped;
        queue.push([sysLine(`⋯ ${m.dropped.toLocaleString('en-US')} lines dropped by the host (the board sent faster than the monitor could take)`)]);
      }
      queue.push(m.lines);
      schedule();
      break;
    case 'port':
      header.setPort(m.port);
      break;
    case 'sendFailed':
      sendBox.failed(m.text, m.reason);
      break;
    case 'boards':
      header.setBoards(m.boards, m.board);
      if (currentBoard && m.board !== currentBoard) plot.data.clear(); // another board's numbers are not this chart's
      currentBoard = m.board;
      break;
    case 'clear':
      clearLocal();
      break;
    case 'query':
      void answerQuery(m, {
        toolbar,
        sendBox,
        header,
        plot,
        view,
        model,
        queue,
        state,
        status,
        settle,
      }).then((reply) => post(reply));
      break;
    case 'release':
      rollout.update(m);
      break;
    case 'rolloutQuery':
      try {
        if (m.click) rollout.click(m.click);
      } catch {
        // no such control: the answer shows nothing changed
      }
      post({ type: 'rolloutQueryResult', id: m.id, result: rollout.query() });
      break;
    case 'copied':
      copyAnswered(m.id, m.error);
      break;
    case 'pong':
      break;
  }
});

/** Resolves once pending filter work and queued lines are absorbed and a frame has rendered. */
async function settle(timeoutMs = 3000): Promise<void> {
  const end = performance.now() + timeoutMs;
  if (filterTimer) {
    clearTimeout(filterTimer);
    applyFilter();
  }
  while (queue.backlog.lines > 0 && performance.now() < end) await nextFrame();
  await nextFrame();
  await nextFrame();
}

function nextFrame(): Promise<void> {
  return new Promise((r) => {
    if (document.hidden) setTimeout(() => (frame(), r()), 16);
    else requestAnimationFrame(() => (frame(), r()));
  });
}

// --- start --------------------------------------------------------------------------------------
model.setFilter(state.filter);
model.setLevels(state.levels ?? DEFAULT_LEVEL_FILTER);
model.setHex(state.hex);
applyWrap();
toolbar.showErrors(model.filter.includeError, model.filter.excludeError);
if (!state.follow) view.setFollow(false);
updateEmptyText();
saveState(state);
post({ type: 'ready', protocol: PROTOCOL_VERSION, state });
schedule();
