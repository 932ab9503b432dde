// The typed message protocol between the extension host and the Bench Monitor webview.
// Both sides import this file (the webview through its own bundle), so a change here is checked
// by the compiler on both ends. Nothing here may import `vscode` or Node modules.

export const PROTOCOL_VERSION = 1;

/** What the webview persists with `setState` so a reload or a restored panel comes back as it was. */
export interface MonitorViewState {
  protocol: number;
  /** Show host timestamps in front of each line. */
  timestamps: boolean;
  /** Render lines as hex + ASCII instead of text. */
  hex: boolean;
  /** Auto-scroll to the newest line. */
  follow: boolean;
  /** Wrap long lines at the view's width instead of scrolling sideways (text view). */
  wrap?: boolean;
  filter: { include: string; exclude: string; regex: boolean; matchCase?: boolean };
  /** Line ending appended by the send box. */
  sendEol: (typeof SEND_EOLS)[number];
  /** The send box takes hex bytes ("de ad be ef") instead of text. */
  sendHex?: boolean;
  /** Lines sent from the send box, oldest first (recalled with ↑/↓). */
  sendHistory?: string[];
  /** Minimum level and tag include/exclude over the parsed level/tag of each line. */
  levels?: LevelFilter;
  /** The plot: open or not, paused, and the user's pattern with named groups (besides Teleplot `>name:value`). */
  plot?: PlotState;
}

/** Severity parsed from a line (ESP-IDF `I (123) tag:`, Zephyr `<inf>`, `[WARN]`, `W/tag`…), most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LevelFilter {
  /** Show lines at this level or more severe; 'all' shows every line, with or without a level. */
  min: LogLevel | 'all';
  /** Only these tags (empty: every tag). */
  include: string[];
  /** Never these tags. */
  exclude: string[];
}

export interface PlotState {
  open: boolean;
  paused: boolean;
  /** A JavaScript regular expression whose named groups are series (`t=(?<temp>[\d.]+)`); '' for Teleplot lines only. */
  pattern: string;
}

export const DEFAULT_LEVEL_FILTER: LevelFilter = { min: 'all', include: [], exclude: [] };
export const DEFAULT_PLOT_STATE: PlotState = { open: false, paused: false, pattern: '' };

export const DEFAULT_VIEW_STATE: MonitorViewState = {
  protocol: PROTOCOL_VERSION,
  timestamps: true,
  hex: false,
  follow: true,
  filter: { include: '', exclude: '', regex: false, matchCase: false },
  sendEol: 'lf',
  sendHex: false,
  sendHistory: [],
  wrap: false,
  levels: DEFAULT_LEVEL_FILTER,
  plot: DEFAULT_PLOT_STATE,
};

export type PortState = 'closed' | 'opening' | 'open' | 'reconnecting' | 'paused' | 'error';

export interface PortStatus {
  state: PortState;
  path?: string;
  baudRate?: number;
  message?: string;
}

/** One serial line as the host framed it. `t` is host time in ms since the epoch at its first byte. */
export interface LogLine {
  seq: number;
  t: number;
  text: string;
  /** Raw bytes as base64, present when the hex view needs them. */
  raw?: string;
  /** 'rx' from the board, 'tx' what we sent, 'sys' our own notes (reconnects, flashing). */
  dir: 'rx' | 'tx' | 'sys';
  /** Level and tag the host parsed from the line (absent when the line has none). */
  level?: LogLevel;
  tag?: string;
  /** The line belongs to a crash or boot loop the host recognised: what kind (e.g. "ESP-IDF panic"). */
  crash?: string;
}

/** One board of the bench as the monitor lists it (a tab). */
export interface BoardView {
  id: string;
  label: string;
  port: PortStatus;
}

/** Host → webview. */
export type HostMessage =
  | {
      type: 'init'; protocol: number; extensionVersion: string; port: PortStatus; profiles: number; lines: LogLine[];
      /** How many lines the page keeps (the host's ring size); the page's default otherwise. */
      maxLines?: number;
      /** The workspace's remembered level/tag filter (host workspaceState); wins over the page's own. */
      levels?: LevelFilter;
      /** The bench's boards and which one the page shows (one tab per board). */
      boards?: BoardView[];
      board?: string;
    }
  | { type: 'log'; lines: LogLine[]; dropped?: number }
  | { type: 'port'; port: PortStatus }
  /** The board list changed (a board connected, went away, was added). */
  | { type: 'boards'; boards: BoardView[]; board: string }
  | { type: 'clear' }
  /** The send box's text did not go out (port away, board not reading): keep it in the box and show why. */
  | { type: 'sendFailed'; text: string; reason: string }
  | { type: 'pong'; id: number }
  /** The answer to the page's 'copy': written to the editor's clipboard, or why not. */
  | { type: 'copied'; id: number; error?: string }
  /** Test-only: drive a control of the page and/or read back what it renders (answered by 'queryResult'). */
  | { type: 'query'; id: number; action?: MonitorTestAction }
  /** The release pane: the current release, its verify job's rollout, timeline entries (see ReleaseUpdate). */
  | ({ type: 'release' } & ReleaseUpdate)
  /** Test-only: read back what the rollout pane renders (answered by 'rolloutQueryResult'), after clicking its element `click` (an id). */
  | { type: 'rolloutQuery'; id: number; click?: string };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready'; protocol: number; state: MonitorViewState }
  | { type: 'ping'; id: number }
  | { type: 'send'; text: string; eol: MonitorViewState['sendEol']; hex?: boolean }
  | { type: 'state'; state: MonitorViewState }
  | { type: 'command'; command: MonitorCommand }
  /** Show another board of the bench (the host answers with its snapshot in an 'init'). */
  | { type: 'selectBoard'; board: string }
  /** The plot's data as CSV, to be saved where the user says. */
  | { type: 'exportCsv'; csv: string }
  /**
   * Put `text` on the clipboard. The host writes it (vscode.env.clipboard): a write from inside the
   * webview's iframe does not reliably reach the editor's clipboard (browser hosts, permissions).
   */
  | { type: 'copy'; id: number; text: string }
  | { type: 'queryResult'; id: number; result?: MonitorQueryResult; error?: string }
  /** A button of the rollout pane. */
  | { type: 'releaseCommand'; command: ReleaseCommand }
  | { type: 'rolloutQueryResult'; id: number; result: RolloutQueryResult };

export const MONITOR_COMMANDS = ['pickPort', 'clear', 'saveLog', 'pause', 'resume'] as const;
export type MonitorCommand = (typeof MONITOR_COMMANDS)[number];
export const SEND_EOLS = ['lf', 'cr', 'crlf', 'none'] as const;

/** Named controls of the monitor page that tests can drive through the real DOM handlers. */
export type MonitorField = 'include' | 'exclude' | 'search' | 'send' | 'tags' | 'plotPattern';
export type MonitorControl =
  | 'timestamps' | 'hex' | 'follow' | 'wrap' | 'regex' | 'matchCase' | 'sendHex'
  | 'clear' | 'copy' | 'save' | 'searchNext' | 'searchPrev' | 'pickPort' | 'crashNext' | 'crashPrev'
  | 'plotToggle' | 'plotPause' | 'plotClear' | 'plotExport';

export type MonitorTestAction =
  | { kind: 'input'; field: MonitorField; value: string }
  | { kind: 'key'; field: MonitorField | 'log'; key: string; ctrl?: boolean }
  | { kind: 'click'; control: MonitorControl }
  | { kind: 'eol'; value: MonitorViewState['sendEol'] }
  | { kind: 'level'; value: LevelFilter['min'] }
  | { kind: 'plotWindow'; ms: number }
  /** Click the tab of this board. */
  | { kind: 'board'; id: string }
  | { kind: 'scroll'; to: 'top' | 'bottom' | number }
  /** Answer at once, without letting queued lines be absorbed first (to see the backlog). */
  | { kind: 'peek' }
  /** Post `message` to the host exactly as given (tests of the host's message checks). */
  | { kind: 'postRaw'; message: unknown };

/** What the page actually renders, read back from its DOM. */
export interface MonitorQueryResult {
  /** textContent of each rendered row of the log list, top to bottom. */
  visibleRows: string[];
  /** Rows the list can scroll through (lines passing the filter; more in hex view). */
  rowCount: number;
  /** Lines the page holds, and how many of them pass the filter. */
  totalLines: number;
  filterCount: number;
  filterError?: string;
  searchCount: number;
  /** 1-based index of the current search match, 0 when none. */
  searchIndex: number;
  /** Received lines not yet absorbed (the "behind by" indicator). */
  backlogLines: number;
  /** Lines absorbed since the page started, and queued lines skipped because the bounded store would evict them anyway. */
  absorbed?: number;
  skipped?: number;
  /** The longest main-thread task the page saw since the previous query (PerformanceObserver 'longtask'). */
  longestTaskMs?: number;
  /** The longest the page's own frame work (absorbing lines + drawing rows) took since the previous query. */
  maxFrameMs?: number;
  /** The largest backlog left after a frame since the previous query, and the status strip at that moment. */
  peakBacklogLines?: number;
  peakStatus?: string;
  /** The theme kind VS Code gave the page (body data-vscode-theme-kind), and the log's computed colours. */
  themeKind?: string;
  logColors?: { color: string; background: string };
  follow: boolean;
  /** Whether any <img>, <script> or <iframe> element exists inside the log list. */
  hasActiveElements: boolean;
  state: MonitorViewState;
  sendValue: string;
  /** The message under the send box (bad hex, or why a line was not sent). */
  sendError?: string;
  /** The page's status text (behind by…, dropped, selection), as shown. */
  status: string;
  /** document.activeElement's id, for keyboard tests. */
  focused: string;
  /** Per rendered row (as visibleRows): its parsed level, whether the gutter marks a crash, and the text's computed colour. */
  rowMarks?: { level: string; crash: boolean; color: string; recordStart?: boolean }[];
  /** The version text in the page's header, as shown. */
  headerVersion?: string;
  /** The board tabs as shown (none with a single board), which is selected, and the state its dot shows. */
  boards?: { id: string; label: string; selected: boolean; state: string }[];
  /** The crash navigation: how many crashes the page holds, which one was navigated to (0: none), and its label. */
  crashCount?: number;
  crashPosition?: number;
  crashLabel?: string;
  /** The chart: series with their kept points and last value, the legend as shown, how often and how long it drew, and inked pixels. */
  plot?: {
    open: boolean;
    paused: boolean;
    series: { name: string; points: number; last?: number; unit?: string }[];
    legend: string[];
    patternError: string;
    draws: number;
    maxDrawMs: number;
    meanDrawMs: number;
    canvas: { width: number; height: number; inked: number };
  };
}

// --- the release pane (Quick Release: steps, the verify job's rollout, verdict, timeline) ---------

export type ReleaseStepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'canceled';

export interface ReleaseStepView {
  id: string;
  title: string;
  status: ReleaseStepState;
  startedAt?: number;
  durationMs?: number;
  /** What the step did, or why it failed / what to do. */
  summary?: string;
  reason?: string;
  action?: string;
  reused?: boolean;
  /** 0–100 while running, when known (upload bytes, download progress). */
  percent?: number;
  message?: string;
}

export interface ReleaseVerdictView {
  result: 'passed' | 'failed';
  reasons: string[];
  /** The serial line in which the board printed the expected version. */
  bannerLine?: { t: number; text: string };
  /** The last relevant serial lines (failed verdicts). */
  serialLines: { t: number; text: string }[];
}

export interface ReleaseView {
  id: string;
  profile: string;
  cloud: string;
  packageName: string;
  version?: string;
  status: 'running' | 'passed' | 'failed' | 'canceled' | 'stopped';
  createdAt: number;
  updatedAt: number;
  steps: ReleaseStepView[];
  /** What a stop left half-done and where a re-run picks up. */
  note?: string;
  jobId?: string;
  verdict?: ReleaseVerdictView;
  /** A resume is possible (failed or cancelled). */
  resumable: boolean;
}

export interface RolloutExecutionView {
  target: string;
  /** Neutral status (queued, in-progress, succeeded…) and the cloud's own word. */
  status: string;
  rawStatus: string;
  progress?: number;
  statusDetails?: Record<string, string>;
  queuedAt?: number;
  startedAt?: number;
  updatedAt?: number;
}

export interface RolloutView {
  jobId: string;
  jobStatus: string;
  rawJobStatus: string;
  /** Host time of the snapshot. */
  at: number;
  done: boolean;
  counts: Record<string, number>;
  executions: RolloutExecutionView[];
}

/** One row of the timeline: serial lines and job events interleaved by host time. */
export interface TimelineEntry {
  t: number;
  kind: 'serial' | 'step' | 'job' | 'execution' | 'verdict' | 'crash';
  text: string;
  level?: 'info' | 'ok' | 'warn' | 'error';
}

/**
 * What the host sends to the rollout pane. `release: null` clears it. Timeline entries are appended
 * (after a reset when `resetTimeline`); the other fields replace what the page shows.
 */
export interface ReleaseUpdate {
  release?: ReleaseView | null;
  rollout?: RolloutView | null;
  timeline?: TimelineEntry[];
  resetTimeline?: boolean;
  /** The running step's progress line (upload 42 %, bench-board-01: IN_PROGRESS). */
  activity?: string | null;
  /** The job followed with Watch Rollout (its own section, above the release); null removes it. */
  watch?: WatchView | null;
}

/**
 * A job followed with Watch Rollout. It has its own section of the pane, so a release shown there
 * stays as it was; a release that starts stops the watch (its verify job is what the pane follows).
 */
export interface WatchView {
  /** A new watch (even of the same job) has a new id. */
  id: number;
  /** "Watching upgrade task 6412…" (the cloud's own noun). */
  title: string;
  profile: string;
  cloud: string;
  jobId: string;
  state: 'watching' | 'done' | 'stopped' | 'failed';
  /** Why it stopped or failed, and what to do. */
  message?: string;
  /** The last snapshot: counts exact, executions bounded (the rows that most need a look first). */
  rollout: RolloutView | null;
  /** Devices the table leaves out ("and K more"). */
  more: number;
}

export const RELEASE_COMMANDS = ['saveBundle', 'resume', 'cancel', 'quickRelease', 'showLog', 'stopWatch', 'closeWatch'] as const;
export type ReleaseCommand = (typeof RELEASE_COMMANDS)[number];

/** What the rollout pane renders, read back from its DOM (integration tests, screenshots). */
export interface RolloutQueryResult {
  /** The pane's whole text, as shown. */
  text: string;
  verdict?: string;
  steps: { title: string; status: string; duration: string }[];
  counts: Record<string, number>;
  executions: string[][];
  timelineRows: number;
  /** Crash rows in the timeline, the navigation's label ("Crash 1 of 2"), and the text of the row it points at. */
  timelineCrashes?: number;
  crashLabel?: string;
  crashRow?: string;
  buttons: { label: string; disabled: boolean }[];
  /** The Watch Rollout section as shown (absent when there is none). */
  watch?: { title: string; state: string; status: string; message?: string; counts: Record<string, number>; executions: string[][]; more?: string };
}

/** Restores a persisted or posted view state: each field of the right type, else its default (older, partial or forged states). */
export function restoreViewState(saved: unknown): MonitorViewState {
  const s = isObject(saved) ? saved : {};
  const d = DEFAULT_VIEW_STATE;
  const f = isObject(s.filter) ? s.filter : {};
  return {
    protocol: PROTOCOL_VERSION,
    timestamps: bool(s.timestamps, d.timestamps),
    hex: bool(s.hex, d.hex),
    follow: bool(s.follow, d.follow),
    wrap: bool(s.wrap, false),
    filter: {
      include: str(f.include, '', 4096),
      exclude: str(f.exclude, '', 4096),
      regex: bool(f.regex, false),
      matchCase: bool(f.matchCase, false),
    },
    sendEol: oneOf(s.sendEol, SEND_EOLS, d.sendEol),
    sendHex: bool(s.sendHex, false),
    sendHistory: Array.isArray(s.sendHistory) ? s.sendHistory.filter((h): h is string => typeof h === 'string' && h.length <= 4096).slice(-50) : [],
    levels: restoreLevelFilter(s.levels),
    plot: restorePlotState(s.plot),
  };
}

export function restoreLevelFilter(v: unknown): LevelFilter {
  const o = isObject(v) ? v : {};
  const tags = (x: unknown) => (Array.isArray(x) ? [...new Set(x.filter((t): t is string => typeof t === 'string' && t !== '' && t.length <= 64))].slice(0, 64) : []);
  return { min: oneOf(o.min, ['all', ...LOG_LEVELS] as const, 'all'), include: tags(o.include), exclude: tags(o.exclude) };
}

function restorePlotState(v: unknown): PlotState {
  const o = isObject(v) ? v : {};
  return { open: bool(o.open, false), paused: bool(o.paused, false), pattern: str(o.pattern, '', 1024) };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
const str = (v: unknown, d: string, max: number) => (typeof v === 'string' && v.length <= max ? v : d);
function oneOf<T extends string>(v: unknown, allowed: readonly T[], d: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : d;
}
