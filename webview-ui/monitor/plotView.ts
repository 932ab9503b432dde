// The live chart above the log: the series of src/shared/logview/plot drawn on a canvas (no
// chart library; the CSP allows no inline code and canvas needs none). Redrawn at most every
// REDRAW_MS (further apart when a redraw is slow) and only when points arrived, with one min/max
// pair per pixel column, so a flood costs a bounded share of the page's thread. Pause freezes the picture while points keep being recorded.
import { compilePlotPattern, matchPlotPattern, parseTeleplot, PlotData, type PlotSeries } from '../../src/shared/logview/plot';
import type { LogLine, PlotState } from '../../src/shared/protocol';
import { el, iconButton, inputBox, toggleButton } from './dom';

const REDRAW_MS = 100;
const WINDOWS: [string, number][] = [['10 s', 10_000], ['30 s', 30_000], ['2 min', 120_000], ['10 min', 600_000], ['All', Infinity]];
const COLOR_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const COLOR_FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

export interface PlotStats {
  draws: number;
  lastDrawMs: number;
  maxDrawMs: number;
  totalDrawMs: number;
}

export class PlotView {
  readonly element: HTMLElement;
  readonly data = new PlotData();
  readonly pattern: HTMLInputElement;
  readonly pause: HTMLButtonElement & { setOn(on: boolean): void };
  readonly window: HTMLSelectElement;
  readonly buttons: { plotClear: HTMLButtonElement; plotExport: HTMLButtonElement };
  private readonly canvas = el('canvas', 'plot-canvas');
  private readonly legend = el('ul', 'plot-legend');
  private readonly empty = el('div', 'plot-empty', 'Lines like ">temp:21.5" (Teleplot) or matching the pattern are plotted here.');
  private readonly error = el('span', 'plot-error');
  private re: RegExp | undefined;
  private drawnVersion = -1;
  private lastDraw = 0;
  /** The right edge of the picture while paused. */
  private frozenAt: number | undefined;
  private colors: string[] = COLOR_FALLBACK;
  private textColor = '#888';
  private gridColor = 'rgba(128,128,128,0.25)';
  readonly stats: PlotStats = { draws: 0, lastDrawMs: 0, maxDrawMs: 0, totalDrawMs: 0 };

  constructor(
    private readonly state: PlotState,
    private readonly ev: { changed(): void; exportCsv(csv: string): void; requestRender(): void },
  ) {
    this.element = el('section', 'plot-pane');
    this.element.id = 'plot';
    this.element.setAttribute('aria-label', 'Plot');
    const pat = inputBox('plotPattern', 'Pattern with named groups, e.g. temp=(?<temp>[\\d.-]+)', 'Plot pattern');
    this.pattern = pat.input;
    pat.box.classList.add('grow');
    this.pattern.title = 'Besides Teleplot lines (>name:value), plot the named groups of this regular expression';
    this.pattern.value = state.pattern;
    this.pattern.addEventListener('input', () => {
      this.setPattern(this.pattern.value);
      this.ev.changed();
    });
    this.error.id = 'plotError';
    this.pause = toggleButton('plotPause', 'debug-pause', 'Pause the Chart (points are still recorded)', (on) => this.setPaused(on));
    this.window = el('select', 'eol plot-window');
    this.window.id = 'plotWindow';
    this.window.setAttribute('aria-label', 'Time shown');
    for (const [label, ms] of WINDOWS) {
      const o = el('option', undefined, label);
      o.value = String(ms);
      this.window.append(o);
    }
    this.window.value = '30000';
    this.window.addEventListener('change', () => this.invalidate());
    this.buttons = {
      plotClear: iconButton('plotClear', 'clear-all', 'Clear the Chart', () => {
        this.data.clear();
        this.invalidate();
      }),
      plotExport: iconButton('plotExport', 'export', 'Export CSV…', () => this.ev.exportCsv(this.data.toCsv())),
    };
    const bar = el('div', 'plot-toolbar');
    bar.append(pat.box, this.error, this.pause, this.window, this.buttons.plotExport, this.buttons.plotClear);
    this.canvas.id = 'plotCanvas';
    this.canvas.setAttribute('role', 'img');
    const stage = el('div', 'plot-stage');
    stage.append(this.canvas, this.empty);
    this.element.append(bar, stage, this.legend);
    this.setPattern(state.pattern);
    this.pause.setOn(state.paused);
    if (state.paused) this.frozenAt = Date.now();
    // The size comes from the observer: reading clientWidth while drawing would force a layout in every frame.
    new ResizeObserver((entries) => {
      const r = entries[entries.length - 1].contentRect;
      this.size = { w: r.width, h: r.height };
      this.invalidate();
    }).observe(stage);
  }

  get open(): boolean {
    return this.state.open;
  }

  setOpen(on: boolean): void {
    this.state.open = on;
    this.element.hidden = !on;
    this.invalidate();
  }

  private setPattern(src: string): void {
    this.state.pattern = src;
    const p = compilePlotPattern(src);
    this.re = p.re;
    this.error.textContent = p.error ?? '';
    this.pattern.closest('.input-box')?.classList.toggle('invalid', !!p.error);
    this.pattern.setAttribute('aria-invalid', String(!!p.error));
  }

  private setPaused(on: boolean): void {
    this.state.paused = on;
    this.frozenAt = on ? Date.now() : undefined;
    this.ev.changed();
    this.invalidate();
  }

  /** Takes the numbers of a board line (called for every line the page absorbs). */
  ingest(l: LogLine): void {
    if (l.dir !== 'rx') return;
    const tp = parseTeleplot(l.text);
    if (tp.length) this.data.add(l.t, tp);
    if (this.re) {
      const m = matchPlotPattern(this.re, l.text);
      if (m.length) this.data.add(l.t, m);
    }
  }

  invalidate(): void {
    this.drawnVersion = -1;
    this.ev.requestRender();
  }

  /** Redraws when points arrived (and not paused), at most every REDRAW_MS. True when a later frame must look again. */
  render(now = performance.now()): boolean {
    if (!this.state.open) return false;
    const stale = this.drawnVersion !== this.data.version;
    if (!stale) return false;
    if (this.state.paused && this.drawnVersion !== -1) return false;
    // At most every REDRAW_MS, and never more than ~1/8 of the thread: a slow redraw spaces the next ones out.
    if (now - this.lastDraw < Math.max(REDRAW_MS, this.stats.lastDrawMs * 8) && this.drawnVersion !== -1) return true;
    this.lastDraw = now;
    this.drawnVersion = this.data.version;
    const started = performance.now();
    this.draw();
    const ms = performance.now() - started;
    this.stats.draws++;
    this.stats.lastDrawMs = ms;
    this.stats.totalDrawMs += ms;
    this.stats.maxDrawMs = Math.max(this.stats.maxDrawMs, ms);
    return false;
  }

  private readColors(): void {
    const cs = getComputedStyle(document.body);
    this.colors = COLOR_VARS.map((v, i) => cs.getPropertyValue(v).trim() || COLOR_FALLBACK[i]);
    this.textColor = cs.getPropertyValue('--vscode-descriptionForeground').trim() || '#888';
    this.gridColor = cs.getPropertyValue('--vscode-editorWidget-border').trim() || 'rgba(128,128,128,0.25)';
  }

  private draw(): void {
    const series = this.data.series;
    this.empty.hidden = series.length > 0;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, this.size.w);
    const h = Math.max(1, this.size.h);
    if (this.canvas.width !== Math.round(w * dpr) || this.canvas.height !== Math.round(h * dpr)) {
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    if (this.stats.draws % 20 === 0) this.readColors();
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    this.renderLegend(series);
    if (series.length === 0) return;

    // Time window: [end - span, end]; "All" spans from the oldest point kept.
    const span = Number(this.window.value);
    let end = this.frozenAt ?? Date.now();
    let newest = -Infinity;
    let oldest = Infinity;
    for (const s of series) {
      if (!s.size) continue;
      newest = Math.max(newest, s.t(s.size - 1));
      oldest = Math.min(oldest, s.t(0));
    }
    if (this.frozenAt === undefined && newest > end) end = newest;
    const start = Number.isFinite(span) ? end - span : Math.min(oldest, end - 1000);

    // Y range over what is in the window.
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of series) {
      for (let k = s.firstAtOrAfter(start); k < s.size; k++) {
        const v = s.v(k);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (lo === Infinity) {
      lo = 0;
      hi = 1;
    } else if (lo === hi) {
      lo -= 1;
      hi += 1;
    } else {
      const pad = (hi - lo) * 0.08;
      lo -= pad;
      hi += pad;
    }
    const left = 48;
    const right = 8;
    const top = 6;
    const bottom = 18;
    const pw = Math.max(1, w - left - right);
    const ph = Math.max(1, h - top - bottom);
    const xOf = (t: number) => left + ((t - start) / (end - start)) * pw;
    const yOf = (v: number) => top + (1 - (v - lo) / (hi - lo)) * ph;

    // Grid and labels.
    ctx.font = '10px var(--vscode-font-family, sans-serif)';
    ctx.fillStyle = this.textColor;
    ctx.strokeStyle = this.gridColor;
    ctx.lineWidth = 1;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      const y = Math.round(yOf(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + pw, y);
      ctx.stroke();
      ctx.fillText(formatTick(v, hi - lo), left - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let i = 0; i <= 4; i++) {
      const t = start + ((end - start) * i) / 4;
      const ago = (end - t) / 1000;
      ctx.textAlign = i === 0 ? 'left' : i === 4 ? 'right' : 'center';
      ctx.fillText(i === 4 ? (this.frozenAt ? 'paused' : 'now') : `-${ago >= 60 ? `${(ago / 60).toFixed(1)} min` : `${Math.round(ago)} s`}`, xOf(t), top + ph + 4);
    }

    // Series: one min/max pair per pixel column keeps the cost bounded by the width, not the points.
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, pw, ph);
    ctx.clip();
    series.forEach((s, i) => {
      ctx.strokeStyle = this.colors[i % this.colors.length];
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let col = -1;
      let mn = 0;
      let mx = 0;
      let started = false;
      const flush = () => {
        if (col < 0) return;
        const ya = yOf(mn);
        const yb = yOf(mx);
        if (!started) {
          ctx.moveTo(col, ya);
          started = true;
        } else ctx.lineTo(col, ya);
        if (yb !== ya) ctx.lineTo(col, yb);
      };
      for (let k = Math.max(0, s.firstAtOrAfter(start) - 1); k < s.size; k++) {
        const x = Math.round(xOf(s.t(k)));
        const v = s.v(k);
        if (x !== col) {
          flush();
          col = x;
          mn = mx = v;
        } else {
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
      }
      flush();
      ctx.stroke();
    });
    ctx.restore();
  }

  private renderLegend(series: PlotSeries[]): void {
    if (series.length === 0 && this.legendRows.size) {
      this.legendRows.clear();
      this.legend.replaceChildren();
    }
    series.forEach((s, i) => {
      let row = this.legendRows.get(s.name);
      if (!row) {
        const li = el('li');
        const sw = el('span', 'plot-swatch');
        sw.style.backgroundColor = this.colors[i % this.colors.length];
        const last = document.createTextNode('');
        const value = el('span', 'plot-last');
        value.append(last);
        li.append(sw, el('span', 'plot-name', s.name), value);
        this.legend.insertBefore(li, this.refusedRow.parentNode ? this.refusedRow : null);
        this.legendRows.set(s.name, (row = { li, last }));
      }
      const v = s.last;
      const text = v === undefined ? '' : ` ${formatValue(v)}${s.unit ? ` ${s.unit}` : ''}`;
      if (row.last.data !== text) row.last.data = text;
      row.li.title = `${s.name}: ${s.size.toLocaleString('en-US')} points kept`;
    });
    const refused = this.data.refused ? `${this.data.refused.toLocaleString('en-US')} points of further series not plotted` : '';
    if (this.refusedRow.textContent !== refused) this.refusedRow.textContent = refused;
    if (refused && !this.refusedRow.parentNode) this.legend.append(this.refusedRow);
  }

  /** What the chart shows (tests). */
  query() {
    return {
      open: this.state.open,
      paused: this.state.paused,
      series: this.data.series.map((s) => ({ name: s.name, points: s.size, last: s.last, unit: s.unit })),
      legend: [...this.legend.children].map((c) => c.textContent ?? ''),
      patternError: this.error.textContent ?? '',
      draws: this.stats.draws,
      maxDrawMs: +this.stats.maxDrawMs.toFixed(2),
      meanDrawMs: this.stats.draws ? +(this.stats.totalDrawMs / this.stats.draws).toFixed(2) : 0,
      canvas: { width: this.canvas.width, height: this.canvas.height, inked: this.inkedPixels() },
    };
  }

  private inked = { version: -2, n: 0 };
  private size = { w: 0, h: 0 };
  /** Legend rows by series name, updated in place (a rebuilt legend would relayout every redraw). */
  private readonly legendRows = new Map<string, { li: HTMLElement; last: Text }>();
  private readonly refusedRow = el('li', 'plot-refused');

  /** How many pixels of the plot area are drawn in a series colour (proves lines were drawn); read once per picture. */
  private inkedPixels(): number {
    if (this.inked.version === this.drawnVersion) return this.inked.n;
    this.inked = { version: this.drawnVersion, n: this.countInked() };
    return this.inked.n;
  }

  private countInked(): number {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.canvas.width || !this.canvas.height) return 0;
    const dpr = window.devicePixelRatio || 1;
    const x0 = Math.round(49 * dpr);
    const img = ctx.getImageData(x0, 0, Math.max(1, this.canvas.width - x0), this.canvas.height).data;
    const rgb = this.colors.map(parseColor).filter((c): c is [number, number, number] => !!c);
    let n = 0;
    for (let i = 0; i < img.length; i += 4) {
      if (img[i + 3] < 128) continue;
      if (rgb.some(([r, g, b]) => Math.abs(img[i] - r) + Math.abs(img[i + 1] - g) + Math.abs(img[i + 2] - b) < 60)) n++;
    }
    return n;
  }
}

function parseColor(c: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{6})/i.exec(c);
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as [number, number, number];
  const rgb = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(c);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(+v.toPrecision(6));
}

function formatTick(v: number, range: number): string {
  const digits = range >= 100 ? 0 : range >= 10 ? 1 : range >= 1 ? 2 : 3;
  return Math.abs(v) >= 1e6 ? v.toExponential(1) : v.toFixed(digits);
}
