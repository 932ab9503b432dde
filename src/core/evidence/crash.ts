// Crashes and boot loops in a board's serial stream. Exports CrashPattern (data users extend in
// settings), DEFAULT_CRASH_PATTERNS, DEFAULT_BOOT_PATTERNS, CrashWatchOptions, CrashEvent,
// compileCrashPatterns(), CrashWatch (feed lines one by one; it marks the lines that belong to a
// crash and reports each crash and boot loop once) and findCrashes(lines) for a finished list.
// Pure: no Node, no vscode.

import { stripAnsi } from '../serial/line';

export interface CrashPattern {
  /** What the monitor and the verdict call it ("ESP-IDF panic"). */
  name: string;
  /** A regular expression (case-sensitive) tested on each line, ANSI codes removed. */
  pattern: string;
}

/** Crash signatures of the common stacks. */
export const DEFAULT_CRASH_PATTERNS: readonly CrashPattern[] = [
  { name: 'ESP-IDF panic', pattern: 'Guru Meditation Error' },
  { name: 'abort()', pattern: 'abort\\(\\) was called|^abort\\(\\)' },
  // Before the watchdog: ESP32's brownout reset is RTCWDT_BROWN_OUT_RESET.
  { name: 'brownout', pattern: 'Brownout detector was triggered|rst:0x[0-9a-fA-F]+ \\([A-Z0-9_]*BROWN[A-Z0-9_]*\\)' },
  { name: 'watchdog reset', pattern: 'rst:0x[0-9a-fA-F]+ \\([A-Z0-9_]*WDT[A-Z0-9_]*\\)|Task watchdog got triggered|Interrupt wdt timeout' },
  { name: 'panic reset', pattern: 'rst:0x[0-9a-fA-F]+ \\([A-Z0-9_]*(?:PANIC|LOCKUP)[A-Z0-9_]*\\)' },
  { name: 'Zephyr fatal error', pattern: 'ZEPHYR FATAL ERROR|>>> FATAL ERROR|\\bFATAL ERROR \\d+:' },
  { name: 'FreeRTOS assert', pattern: 'configASSERT|[Aa]ssert(?:ion)? failed' },
  { name: 'Cortex-M HardFault', pattern: '\\bHard ?[Ff]ault\\b|HardFault_Handler|\\bHFSR\\s*[:=]' },
  { name: 'Kernel panic', pattern: 'Kernel panic' },
  { name: 'stack overflow', pattern: '[Ss]tack overflow|[Ss]tack smashing detected' },
];

/**
 * A cheap first test for the built-in patterns (a line without any of these words cannot match
 * them): one alternation of literals costs a sixth of testing the patterns, and most lines fail it.
 * Every built-in pattern's samples pass through it in the unit tests.
 */
const BUILT_IN_PREFILTER = /Guru|abort|rst:|Brownout|watchdog|wdt|FATAL|[Aa]ssert|ASSERT|[Ff]ault|HFSR|panic|[Ss]tack/;

/** Lines that mean "the board just (re)started". */
export const DEFAULT_BOOT_PATTERNS: readonly string[] = ['^rst:0x[0-9a-fA-F]+ \\(', '\\*\\*\\* Booting Zephyr OS', '^U-Boot \\d', '^Booting Linux on', 'ESP-ROM:'];

/**
 * The board saying it is about to restart on purpose (an OTA install): the next boot is expected
 * and does not count towards a boot loop, so three quick releases are not "a crash". Not while a
 * crash dump is open: ESP-IDF's panic handler ends with "Rebooting...".
 */
const RESTART_ANNOUNCED = /\b(?:installing|rebooting|restarting)\b/i;

export interface CrashWatchOptions {
  /** Extra patterns from settings; they come after the defaults. */
  patterns?: readonly CrashPattern[];
  bootPatterns?: readonly string[];
  /** This many boots within `windowMs` is a boot loop. */
  bootLoop?: { boots: number; windowMs: number };
  /** Lines after a crash's first line that belong to its dump (registers, backtrace), until a boot. */
  contextLines?: number;
}

export const DEFAULT_BOOT_LOOP = { boots: 3, windowMs: 60_000 };

export interface EvidenceLine {
  t: number;
  text: string;
  seq?: number;
}

export interface CrashEvent {
  kind: 'crash' | 'boot-loop';
  /** The pattern's name, or "boot loop (3 boots in 12 s)". */
  name: string;
  t: number;
  /** The crash's lines (its first line and its dump), or the boot lines of a loop. Grows while the dump is read. */
  lines: EvidenceLine[];
}


/** Compiles patterns, naming the bad one (a settings typo must say which entry). */
export function compileCrashPatterns(list: readonly CrashPattern[]): { name: string; re: RegExp }[] {
  return list.map((p, i) => {
    if (!p || typeof p.name !== 'string' || typeof p.pattern !== 'string' || !p.name.trim()) {
      throw new Error(`Crash pattern #${i + 1} needs a "name" and a "pattern" (strings), e.g. {"name": "my assert", "pattern": "ASSERT at"}.`);
    }
    try {
      return { name: p.name, re: new RegExp(p.pattern) };
    } catch (e) {
      throw new Error(`Crash pattern "${p.name}" is not a valid regular expression: ${(e as Error).message}.`);
    }
  });
}

export class CrashWatch {
  private readonly builtIn: { name: string; re: RegExp }[];
  private readonly user: { name: string; re: RegExp }[];
  private readonly boot: RegExp;
  private readonly loop: { boots: number; windowMs: number };
  private readonly contextLines: number;
  private boots: EvidenceLine[] = [];
  /** The board announced a restart (RESTART_ANNOUNCED) and has not booted since. */
  private restartAnnounced = false;
  private open: { event: CrashEvent; left: number } | undefined;
  private readonly listeners = new Set<(e: CrashEvent) => void>();
  /** Every crash and boot loop seen, oldest first (bounded). */
  readonly events: CrashEvent[] = [];

  constructor(opts: CrashWatchOptions = {}) {
    this.builtIn = compileCrashPatterns(DEFAULT_CRASH_PATTERNS);
    this.user = compileCrashPatterns(opts.patterns ?? []);
    const boot = opts.bootPatterns?.length ? opts.bootPatterns : DEFAULT_BOOT_PATTERNS;
    try {
      this.boot = new RegExp(boot.map((b) => `(?:${b})`).join('|'));
    } catch (e) {
      throw new Error(`A boot pattern is not a valid regular expression: ${(e as Error).message}.`);
    }
    const l = opts.bootLoop ?? DEFAULT_BOOT_LOOP;
    if (!(Number.isInteger(l.boots) && l.boots >= 2 && l.windowMs > 0)) throw new Error(`Boot loop: "boots" must be a whole number ≥ 2 and "windowMs" positive (got ${JSON.stringify(l)}).`);
    this.loop = l;
    this.contextLines = opts.contextLines ?? 40;
  }

  /** Calls `l` when a crash starts or a boot loop is seen. Returns the unsubscribe. */
  onEvent(l: (e: CrashEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * One board line. Returns the name of the crash (or boot loop) the line belongs to, for the
   * monitor's gutter; undefined for an ordinary line.
   */
  push(line: EvidenceLine): string | undefined {
    const text = stripAnsi(line.text);
    const isBoot = this.boot.test(text);
    const hit = (BUILT_IN_PREFILTER.test(text) ? this.builtIn.find((p) => p.re.test(text)) : undefined) ?? this.user.find((p) => p.re.test(text));
    const expectedBoot = isBoot && !hit && this.restartAnnounced && !this.open;
    if (isBoot || hit) this.restartAnnounced = false;
    else if (!this.open && RESTART_ANNOUNCED.test(text)) this.restartAnnounced = true;
    let mark: string | undefined;
    if (hit) {
      // A watchdog reset right after a panic is the same crash's end, not a second crash.
      if (this.open && isBoot) {
        this.open.event.lines.push(line);
        mark = this.open.event.name;
        this.open = undefined;
      } else {
        const event: CrashEvent = { kind: 'crash', name: hit.name, t: line.t, lines: [line] };
        this.open = isBoot ? undefined : { event, left: this.contextLines };
        this.fire(event);
        mark = hit.name;
      }
    } else if (this.open) {
      if (isBoot || this.open.left-- <= 0) this.open = undefined;
      else {
        this.open.event.lines.push(line);
        mark = this.open.event.name;
      }
    }
    if (isBoot && !expectedBoot) mark = this.countBoot(line) ?? mark;
    return mark;
  }

  private countBoot(line: EvidenceLine): string | undefined {
    this.boots = this.boots.filter((b) => line.t - b.t < this.loop.windowMs);
    this.boots.push(line);
    if (this.boots.length < this.loop.boots) return undefined;
    const secs = Math.max(1, Math.round((line.t - this.boots[0].t) / 1000));
    const event: CrashEvent = { kind: 'boot-loop', name: `boot loop (${this.boots.length} boots in ${secs} s)`, t: line.t, lines: [...this.boots] };
    this.boots = []; // one report per loop; a loop that goes on is reported again after N more boots
    this.fire(event);
    return event.name;
  }

  private fire(e: CrashEvent): void {
    this.events.push(e);
    if (this.events.length > 200) this.events.shift();
    for (const l of this.listeners) l(e);
  }
}

/** The crashes and boot loops in a finished list of board lines. */
export function findCrashes(lines: readonly EvidenceLine[], opts?: CrashWatchOptions): CrashEvent[] {
  const w = new CrashWatch(opts);
  for (const l of lines) w.push(l);
  return w.events;
}
