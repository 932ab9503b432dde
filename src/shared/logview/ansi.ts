// ANSI escape handling for serial lines: SGR (colours, bold…) becomes styled spans over the plain
// text; every other escape (cursor moves, erase, OSC titles) is dropped; other control characters
// become visible `\xNN` runs marked as controls, so binary noise is seen, not swallowed (control
// pictures like ␀ are missing from many monospace fonts). Pure and DOM-free.

/** A palette index 0–255, or a truecolor '#rrggbb'. */
export type AnsiColor = number | string;

export interface AnsiStyle {
  readonly fg?: AnsiColor;
  readonly bg?: AnsiColor;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  readonly inverse?: boolean;
  readonly strike?: boolean;
  readonly hidden?: boolean;
  /** Not an SGR attribute: marks a control character shown as `\xNN` so it reads as one byte, not text. */
  readonly control?: boolean;
}

/** A run of `text.slice(from, to)` drawn in `style`. */
export interface StyledSpan {
  from: number;
  to: number;
  style: AnsiStyle;
}

/** A line with its escapes removed; `spans` is absent when the whole line has the default style. */
export interface StyledText {
  text: string;
  spans?: StyledSpan[];
}

const DEFAULT: AnsiStyle = Object.freeze({});
const ESC = '\x1b';
/** Longest escape we keep waiting for before treating it as garbage (a real CSI is a few bytes). */
const MAX_CSI = 64;
const MAX_STRING_SEQ = 4096;
// Anything that needs the slow path: C0 controls except TAB, DEL, and the 8-bit CSI.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_PARSE = /[\x00-\x08\x0a-\x1f\x7f\x9b]/;
// eslint-disable-next-line no-control-regex -- the same set, to find the next one from a position
const SPECIAL = /[\x00-\x08\x0a-\x1f\x7f\x9b]/g;

type Mode = 'text' | 'esc' | 'csi' | 'string' | 'stringEsc' | 'charset';

const controlMemo = new WeakMap<AnsiStyle, AnsiStyle>();

/** The style of a control character drawn inside text of style `s` (shared per style). */
function controlStyle(s: AnsiStyle): AnsiStyle {
  let c = controlMemo.get(s);
  if (!c) controlMemo.set(s, (c = Object.freeze({ ...s, control: true })));
  return c;
}

export function isDefaultStyle(s: AnsiStyle): boolean {
  return s === DEFAULT || Object.keys(s).length === 0;
}

/**
 * Streaming parser. Style and a partly received escape carry over from one `parse` call to the
 * next, so `parse('\x1b[3')` then `parse('1mred')` draws "red" in red. The log feeds it one line
 * at a time through `parseLine`, which bounds all state to the line: a conceal (SGR 8), a colour
 * never reset or an OSC never terminated ends with its line instead of hiding or swallowing
 * every line after it.
 */
export class AnsiParser {
  private style: AnsiStyle = DEFAULT;
  private mode: Mode = 'text';
  private seq = '';
  private stringLen = 0;

  /** The style the next text will be drawn in. */
  get currentStyle(): AnsiStyle {
    return this.style;
  }

  reset(): void {
    this.style = DEFAULT;
    this.mode = 'text';
    this.seq = '';
    this.stringLen = 0;
  }

  /** One complete line, starting and ending in the default state (nothing leaks to the next line). */
  parseLine(line: string): StyledText {
    this.reset();
    const r = this.parse(line);
    this.reset();
    return r;
  }

  parse(input: string): StyledText {
    // Fast path: no escapes, no controls, nothing pending: the common log line.
    if (this.mode === 'text' && !NEEDS_PARSE.test(input)) {
      return isDefaultStyle(this.style) ? { text: input } : { text: input, spans: [{ from: 0, to: input.length, style: this.style }] };
    }
    let out = '';
    const spans: StyledSpan[] = [];
    let runStart = 0;
    let runStyle = this.style;
    const closeRun = () => {
      if (out.length > runStart && !isDefaultStyle(runStyle)) {
        const last = spans[spans.length - 1];
        if (last && last.to === runStart && last.style === runStyle) last.to = out.length;
        else spans.push({ from: runStart, to: out.length, style: runStyle });
      }
      runStart = out.length;
      runStyle = this.style;
    };
    // Strip the line terminator the framer left (CR of CRLF); inner controls stay visible.
    let end = input.length;
    while (end > 0 && (input[end - 1] === '\r' || input[end - 1] === '\n') && this.mode === 'text') end--;

    for (let i = 0; i < end; i++) {
      const ch = input[i];
      const code = ch.charCodeAt(0);
      switch (this.mode) {
        case 'text':
          if (ch === ESC) {
            this.mode = 'esc';
            this.seq = '';
          } else if (code === 0x9b) {
            this.mode = 'csi';
            this.seq = '';
          } else if ((code < 0x20 && ch !== '\t') || code === 0x7f) {
            const style = this.style;
            closeRun();
            runStyle = controlStyle(style);
            out += '\\x' + (code < 16 ? '0' : '') + code.toString(16);
            closeRun();
          } else {
            // Copy the whole run of ordinary characters at once (building strings char by char
            // would allocate per character under a flood).
            SPECIAL.lastIndex = i;
            const next = SPECIAL.exec(input);
            const stop = next && next.index < end ? next.index : end;
            out += input.slice(i, stop);
            i = stop - 1;
          }
          break;
        case 'esc':
          if (ch === '[') {
            this.mode = 'csi';
            this.seq = '';
          } else if (ch === ']' || ch === 'P' || ch === 'X' || ch === '^' || ch === '_') {
            this.mode = 'string';
            this.stringLen = 0;
          } else if (ch === '(' || ch === ')' || ch === '*' || ch === '+' || ch === '#' || ch === '%') {
            this.mode = 'charset';
          } else if (ch === ESC) {
            // ESC ESC: the first one was garbage; start again.
          } else {
            // A two-character escape (ESC c, ESC 7, ESC =…) or garbage: either way nothing to draw.
            this.mode = 'text';
            if (code < 0x20 && ch !== '\t') i--; // a control aborts the escape and is itself processed
          }
          break;
        case 'charset':
          this.mode = 'text';
          break;
        case 'csi':
          if (code >= 0x40 && code <= 0x7e) {
            if (ch === 'm') {
              const before = this.style;
              this.style = applySgr(this.style, this.seq);
              if (this.style !== before) closeRun();
            }
            this.mode = 'text';
            this.seq = '';
          } else if (code >= 0x20 && code <= 0x3f && this.seq.length < MAX_CSI) {
            this.seq += ch;
          } else {
            // Not a CSI byte (or far too long): drop the sequence and draw this character normally.
            this.mode = 'text';
            this.seq = '';
            i--;
          }
          break;
        case 'string':
          if (code === 0x07) this.mode = 'text';
          else if (ch === ESC) this.mode = 'stringEsc';
          else if (++this.stringLen > MAX_STRING_SEQ) this.mode = 'text';
          break;
        case 'stringEsc':
          // ST is ESC \; anything else after ESC ends the string and starts a new escape.
          if (ch === '\\') this.mode = 'text';
          else {
            this.mode = 'esc';
            i--;
          }
          break;
      }
    }
    closeRun();
    return spans.length ? { text: out, spans } : { text: out };
  }
}

const shared = new AnsiParser();

/** Parses one complete line on its own (see AnsiParser.parseLine). */
export function parseAnsi(line: string): StyledText {
  return shared.parseLine(line);
}

/** Removes escapes and returns just the visible text. */
export function stripAnsi(line: string): string {
  return parseAnsi(line).text;
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The colour of `38;5;n` / `38;2;r;g;b` (or their colon forms); `used` is how many params it consumed. */
function extendedColor(params: string[], i: number, sub: string[] | undefined): { color?: AnsiColor; used: number } {
  // Colon form: 38:5:n or 38:2:[colorspace]:r:g:b, all in one parameter.
  if (sub && sub.length > 1) {
    const kind = num(sub[1]);
    if (kind === 5) {
      const n = num(sub[2]);
      return { color: n !== undefined && n <= 255 ? n : undefined, used: 1 };
    }
    if (kind === 2) {
      const rgb = sub.length >= 6 ? sub.slice(3, 6) : sub.slice(2, 5);
      return { color: rgbColor(rgb), used: 1 };
    }
    return { used: 1 };
  }
  const kind = num(params[i + 1]);
  if (kind === 5) {
    const n = num(params[i + 2]);
    return { color: n !== undefined && n <= 255 ? n : undefined, used: 3 };
  }
  if (kind === 2) return { color: rgbColor(params.slice(i + 2, i + 5)), used: 5 };
  return { used: params.length - i }; // unknown kind: the rest cannot be interpreted reliably
}

function rgbColor(parts: string[]): string | undefined {
  if (parts.length < 3) return undefined;
  const v = parts.map(num);
  if (v.some((x) => x === undefined || x > 255)) return undefined;
  return '#' + v.map((x) => x!.toString(16).padStart(2, '0')).join('');
}

// Styles are immutable and a log repeats the same few sequences (`ESC[0;32m` … `ESC[0m`) on every
// line: remember each (style, parameters) result so a flood shares style objects instead of
// allocating new ones per line.
const sgrMemo = new WeakMap<AnsiStyle, Map<string, AnsiStyle>>();
const SGR_MEMO_PER_STYLE = 64;

/** Applies an SGR parameter string (what sits between `ESC [` and `m`) to a style. Returns the same object when nothing changed. */
export function applySgr(style: AnsiStyle, paramText: string): AnsiStyle {
  let memo = sgrMemo.get(style);
  const hit = memo?.get(paramText);
  if (hit) return hit;
  const result = computeSgr(style, paramText);
  if (!memo) sgrMemo.set(style, (memo = new Map()));
  if (memo.size < SGR_MEMO_PER_STYLE) memo.set(paramText, result);
  return result;
}

function computeSgr(style: AnsiStyle, paramText: string): AnsiStyle {
  // Private (`ESC [ ? … m`) and intermediate forms are not SGR.
  if (/[<=>?!"#$%&'()*+,\-./]/.test(paramText)) return style;
  const params = paramText === '' ? ['0'] : paramText.split(';');
  const next: { -readonly [K in keyof AnsiStyle]: AnsiStyle[K] } = { ...style };
  let changed = false;
  const set = <K extends keyof AnsiStyle>(k: K, v: AnsiStyle[K] | undefined) => {
    if (next[k] === v) return;
    if (v === undefined || v === false) {
      if (k in next) {
        delete next[k];
        changed = true;
      }
    } else {
      next[k] = v;
      changed = true;
    }
  };
  for (let i = 0; i < params.length; i++) {
    const sub = params[i].includes(':') ? params[i].split(':') : undefined;
    const p = num(sub ? sub[0] : params[i]) ?? (params[i] === '' ? 0 : -1);
    if (p === 0) {
      for (const k of Object.keys(next) as (keyof AnsiStyle)[]) set(k, undefined);
    } else if (p === 1) set('bold', true);
    else if (p === 2) set('dim', true);
    else if (p === 3) set('italic', true);
    else if (p === 4) set('underline', sub ? num(sub[1]) !== 0 : true);
    else if (p === 7) set('inverse', true);
    else if (p === 8) set('hidden', true);
    else if (p === 9) set('strike', true);
    else if (p === 21) set('underline', true);
    else if (p === 22) {
      set('bold', undefined);
      set('dim', undefined);
    } else if (p === 23) set('italic', undefined);
    else if (p === 24) set('underline', undefined);
    else if (p === 27) set('inverse', undefined);
    else if (p === 28) set('hidden', undefined);
    else if (p === 29) set('strike', undefined);
    else if (p >= 30 && p <= 37) set('fg', p - 30);
    else if (p === 38 || p === 48) {
      const { color, used } = extendedColor(params, i, sub);
      if (color !== undefined) set(p === 38 ? 'fg' : 'bg', color);
      i += used - 1;
    } else if (p === 39) set('fg', undefined);
    else if (p >= 40 && p <= 47) set('bg', p - 40);
    else if (p === 49) set('bg', undefined);
    else if (p >= 90 && p <= 97) set('fg', p - 90 + 8);
    else if (p >= 100 && p <= 107) set('bg', p - 100 + 8);
    // 5/6 (blink), 10–20 (fonts), 51–65 and unknown numbers: ignored, as most terminals do.
  }
  if (!changed) return style;
  return Object.keys(next).length === 0 ? DEFAULT : Object.freeze(next);
}

const ANSI_NAMES = [
  'Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White',
  'BrightBlack', 'BrightRed', 'BrightGreen', 'BrightYellow', 'BrightBlue', 'BrightMagenta', 'BrightCyan', 'BrightWhite',
];
// VS Code's dark-theme defaults, used only when the theme variable is missing.
const ANSI_FALLBACK = [
  '#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5',
  '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5',
];

/** A CSS colour for an ANSI colour: the theme's `--vscode-terminal-ansi*` for 0–15, computed RGB above. */
export function ansiColorCss(c: AnsiColor): string {
  if (typeof c === 'string') return c;
  if (c < 16) return `var(--vscode-terminal-ansi${ANSI_NAMES[c]}, ${ANSI_FALLBACK[c]})`;
  if (c < 232) {
    const n = c - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(n / 36))}, ${level(Math.floor(n / 6) % 6)}, ${level(n % 6)})`;
  }
  const g = 8 + (c - 232) * 10;
  return `rgb(${g}, ${g}, ${g})`;
}

const DEFAULT_FG = 'var(--vscode-terminal-foreground, var(--vscode-editor-foreground))';
const DEFAULT_BG = 'var(--vscode-terminal-background, var(--vscode-editor-background))';

/** How a style is drawn: CSS classes for the attributes, colours as CSS values (set through CSSOM). */
export function styleToCss(s: AnsiStyle): { classes: string[]; color?: string; background?: string } {
  const classes: string[] = [];
  if (s.bold) classes.push('a-bold');
  if (s.dim) classes.push('a-dim');
  if (s.italic) classes.push('a-italic');
  if (s.underline) classes.push('a-underline');
  if (s.strike) classes.push('a-strike');
  if (s.hidden) classes.push('a-hidden');
  if (s.control) classes.push('a-ctrl');
  let color = s.fg !== undefined ? ansiColorCss(s.fg) : undefined;
  let background = s.bg !== undefined ? ansiColorCss(s.bg) : undefined;
  if (s.inverse) {
    [color, background] = [background ?? DEFAULT_BG, color ?? DEFAULT_FG];
  }
  return { classes, color, background };
}
