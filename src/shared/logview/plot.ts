// Numbers in the serial log, for the monitor's live chart. Two sources:
//  - Teleplot lines: `>name:value`, `>name:timestamp:value`, several points `>name:t1:v1;t2:v2`,
//    a unit after `§` and flags after `|` (`|t` text and `|xy` pairs are not time series: skipped);
//  - a user pattern: a regular expression whose named groups are series (`temp=(?<temp>[\d.-]+)`).
// Each series keeps a bounded ring of (time, value) points; the chart reads windows of it and the
// CSV export joins the series on time. Pure and DOM-free.

export interface PlotPoint {
  name: string;
  value: number;
  /** The device's own timestamp (ms) when the line carried one. */
  deviceT?: number;
  unit?: string;
}

const NAME = /^[^\s:|§;,]{1,64}$/;

/** The points a Teleplot line carries, or [] for any other line (cheap for lines not starting with `>`). */
export function parseTeleplot(text: string): PlotPoint[] {
  if (text.charCodeAt(0) !== 62 /* > */) return [];
  let body = text.slice(1).trim();
  let flags = '';
  const bar = body.indexOf('|');
  if (bar >= 0) {
    flags = body.slice(bar + 1);
    body = body.slice(0, bar);
  }
  if (/(^|,)\s*(t|xy)\s*($|,)/.test(flags)) return [];
  let unit: string | undefined;
  const sect = body.indexOf('§');
  if (sect >= 0) {
    unit = body.slice(sect + 1).trim() || undefined;
    body = body.slice(0, sect);
  }
  const colon = body.indexOf(':');
  if (colon <= 0) return [];
  const name = body.slice(0, colon).trim();
  if (!NAME.test(name)) return [];
  const out: PlotPoint[] = [];
  for (const part of body.slice(colon + 1).split(';')) {
    const fields = part.split(':').map((f) => f.trim());
    if (fields.length > 2 || fields[fields.length - 1] === '') return [];
    const value = Number(fields[fields.length - 1]);
    if (!Number.isFinite(value)) return [];
    const p: PlotPoint = { name, value };
    if (fields.length === 2) {
      const t = Number(fields[0]);
      if (!Number.isFinite(t)) return [];
      p.deviceT = t;
    }
    if (unit) p.unit = unit;
    out.push(p);
  }
  return out;
}

export interface PlotPattern {
  re?: RegExp;
  /** Why the pattern cannot be used (shown next to it), or undefined. */
  error?: string;
}

/** Compiles the user's pattern; it needs at least one named group (each is a series). */
export function compilePlotPattern(src: string): PlotPattern {
  if (src.trim() === '') return {};
  let re: RegExp;
  try {
    re = new RegExp(src);
  } catch (e) {
    return { error: `not a regular expression: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}` };
  }
  if (!/\(\?<[A-Za-z_$][\w$]*>/.test(src)) return { error: 'name each number with a group, e.g. temp=(?<temp>[\\d.-]+)' };
  return { re };
}

/** The numeric named groups `re` finds in `text` (non-numeric captures are skipped). */
export function matchPlotPattern(re: RegExp, text: string): PlotPoint[] {
  const g = re.exec(text)?.groups;
  if (!g) return [];
  const out: PlotPoint[] = [];
  for (const [name, raw] of Object.entries(g)) {
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (Number.isFinite(value)) out.push({ name, value });
  }
  return out;
}

/** One series: a ring of (host time, value) in typed arrays (no object per point). */
export class PlotSeries {
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private first = 0;
  private n = 0;
  unit?: string;

  constructor(readonly name: string, readonly capacity: number) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(t: number, v: number): void {
    const i = (this.first + this.n) % this.capacity;
    this.ts[i] = t;
    this.vs[i] = v;
    if (this.n < this.capacity) this.n++;
    else this.first = (this.first + 1) % this.capacity;
  }

  t(k: number): number {
    return this.ts[(this.first + k) % this.capacity];
  }

  v(k: number): number {
    return this.vs[(this.first + k) % this.capacity];
  }

  get last(): number | undefined {
    return this.n ? this.v(this.n - 1) : undefined;
  }

  /** Index of the first point at or after `t` (points are in time order). */
  firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.t(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export const PLOT_POINTS_PER_SERIES = 20_000;
export const PLOT_MAX_SERIES = 12;

/** All series of the chart, bounded in points per series and in series. */
export class PlotData {
  private readonly byName = new Map<string, PlotSeries>();
  /** Points not kept because the chart already has PLOT_MAX_SERIES series. */
  refused = 0;
  /** Bumped on every change, so the chart redraws only when something arrived. */
  version = 0;

  constructor(private readonly perSeries = PLOT_POINTS_PER_SERIES) {}

  get series(): PlotSeries[] {
    return [...this.byName.values()];
  }

  /**
   * Adds the points of one line received at host time `t`. Several points with device timestamps
   * (`>x:t1:v1;t2:v2`) are spread back from `t` by their device-time differences, so they keep their spacing.
   */
  add(t: number, points: readonly PlotPoint[]): void {
    if (points.length === 0) return;
    const lastDevice = points[points.length - 1].deviceT;
    for (const p of points) {
      let s = this.byName.get(p.name);
      if (!s) {
        if (this.byName.size >= PLOT_MAX_SERIES) {
          this.refused++;
          continue;
        }
        this.byName.set(p.name, (s = new PlotSeries(p.name, this.perSeries)));
      }
      if (p.unit) s.unit = p.unit;
      const at = p.deviceT !== undefined && lastDevice !== undefined ? t - (lastDevice - p.deviceT) : t;
      // A point older than the newest is placed at the newest time: the ring stays in time order.
      s.push(s.size && at < s.t(s.size - 1) ? s.t(s.size - 1) : at, p.value);
    }
    this.version++;
  }

  clear(): void {
    this.byName.clear();
    this.refused = 0;
    this.version++;
  }

  get points(): number {
    let n = 0;
    for (const s of this.byName.values()) n += s.size;
    return n;
  }

  /** Wide CSV: one row per time, one column per series (empty where a series has no point then). */
  toCsv(): string {
    const series = this.series;
    const head = ['time', ...series.map((s) => csvCell(s.unit ? `${s.name} (${s.unit})` : s.name))].join(',');
    const rows: string[] = [head];
    const at = series.map(() => 0);
    for (;;) {
      let t = Infinity;
      series.forEach((s, i) => {
        if (at[i] < s.size) t = Math.min(t, s.t(at[i]));
      });
      if (t === Infinity) break;
      const cells = series.map((s, i) => {
        if (at[i] < s.size && s.t(at[i]) === t) return String(s.v(at[i]++));
        return '';
      });
      rows.push([new Date(t).toISOString(), ...cells].join(','));
    }
    return rows.join('\n') + '\n';
  }
}

/** A header cell from device text: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(raw: string): string {
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
