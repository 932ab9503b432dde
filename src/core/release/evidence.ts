// The board's evidence for a verdict, beyond the banner: the version query (sent when the banner was
// missed), the version it ran before the job, crashes and boot loops after the update (with decoded
// backtraces), and the warnings/errors it printed. Exports EvidenceConfig, versionReplyMatcher,
// askBoardVersion, boardVersionBefore, crashEvidence, levelNotes, watchBoard (live crash/port
// events during the job). Pure Node (no vscode).

import { CrashWatch, type CrashPattern } from '../evidence/crash';
import { decodeCrash, findElfBeside } from '../evidence/backtrace';
import { compileLevelPattern, parseLevel } from '../evidence/levels';
import { StepFailure } from './errors';
import { stripAnsi } from '../serial/line';
import { DEFAULT_BANNER, type SerialTap } from './serialWatch';
import type { ReleaseEvent, SerialLine, Verdict } from './types';

export interface EvidenceConfig {
  /** `otaBench.release.versionQuery`: what to send and the reply whose first group is the version. */
  versionQuery?: { command: string; reply: string };
  /** `otaBench.serial.crashPatterns`: added to the built-in ones. */
  crashPatterns?: CrashPattern[];
  /** `otaBench.serial.bootLoop`: this many boots within the window is a boot loop. */
  bootLoop?: { boots: number; windowMs: number };
  /** `otaBench.serial.levelPattern`: a regex with named groups level and tag. */
  levelPattern?: string;
  /** `otaBench.release.elf`: the build's ELF, for decoding backtraces (else one found beside the artifact). */
  elf?: string;
  /** How long to wait for the query's reply. */
  queryTimeoutMs?: number;
}

export const DEFAULT_QUERY_TIMEOUT_MS = 3000;
const board = (l: SerialLine) => l.dir === undefined || l.dir === 'rx';

/** The reply test: its first group is the version. Throws StepFailure for a broken pattern. */
export function versionReplyMatcher(reply: string): (text: string) => string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(reply);
  } catch (e) {
    throw new StepFailure(`The version query's reply pattern ${JSON.stringify(reply)} is not a valid regular expression: ${(e as Error).message}.`, 'Fix otaBench.release.versionQuery, e.g. {"command": "version", "reply": "version: (\\\\S+)"}.');
  }
  if (new RegExp(`${reply}|`).exec('')!.length < 2) {
    throw new StepFailure(`The version query's reply pattern ${JSON.stringify(reply)} has no group for the version.`, 'Capture the version in a group, e.g. "version: (\\\\S+)".');
  }
  return (text) => re.exec(stripAnsi(text))?.slice(1).find((g) => g !== undefined);
}

/**
 * Sends the version query and waits for its reply. Undefined when there is no query, no way to send
 * (no serial, port away) or no reply in time; the reply line and the version it names otherwise.
 */
export async function askBoardVersion(tap: SerialTap, cfg: EvidenceConfig | undefined, now: number, signal?: AbortSignal): Promise<{ line: SerialLine; version: string } | undefined> {
  const q = cfg?.versionQuery;
  if (!q?.command || !q.reply || !tap.canSend) return undefined;
  const match = versionReplyMatcher(q.reply);
  const since = now - 1;
  const reply = tap.find((t) => match(t) !== undefined, since, cfg?.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, signal);
  try {
    await tap.send(q.command);
  } catch {
    return undefined; // the port is away: nothing to ask
  }
  const line = await reply;
  return line ? { line, version: match(line.text)! } : undefined;
}

/** A version-naming line (the banner shape with any version): the last one before `before`. */
const ANY_VERSION = new RegExp(DEFAULT_BANNER.replace('v?{version}', 'v?(\\d[\\w.+-]*)'), 'i');

/** What the board ran before the job: its answer to the query, else the last version it printed. */
export async function boardVersionBefore(tap: SerialTap, cfg: EvidenceConfig | undefined, expected: string, now: number, signal?: AbortSignal): Promise<NonNullable<Verdict['before']>> {
  const asked = await askBoardVersion(tap, cfg, now, signal).catch(() => undefined);
  if (asked) return { version: asked.version, how: 'query', line: asked.line, same: asked.version === expected };
  const lines = tap.since(0).filter(board);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = ANY_VERSION.exec(stripAnsi(lines[i].text));
    if (m) return { version: m[1], how: 'banner', line: lines[i], same: m[1] === expected };
  }
  return { how: 'unknown', same: false };
}

/** Crashes and boot loops in the board's lines after the update, with backtraces decoded when an ELF and addr2line are there. */
export async function crashEvidence(lines: SerialLine[], cfg: EvidenceConfig | undefined, artifactPath?: string): Promise<NonNullable<Verdict['crashes']>> {
  const w = new CrashWatch({ patterns: cfg?.crashPatterns, bootLoop: cfg?.bootLoop });
  for (const l of lines) if (board(l)) w.push(l);
  const elf = cfg?.elf || (artifactPath ? findElfBeside(artifactPath) : undefined);
  const out: NonNullable<Verdict['crashes']> = [];
  for (const e of w.events) {
    const shown = e.lines.map((l) => ({ t: l.t, text: stripAnsi(l.text), dir: 'rx' as const }));
    const item: NonNullable<Verdict['crashes']>[number] = { name: e.name, kind: e.kind, lines: shown };
    if (e.kind === 'crash' && elf) {
      const d = await decodeCrash(elf, shown.map((l) => l.text)).catch((x: Error) => ({ reason: x.message }));
      if ('lines' in d) item.decoded = d.lines;
      else item.decodeNote = `backtrace not decoded: ${d.reason}`;
    }
    out.push(item);
  }
  return out;
}

/** "W heap: low water mark" notes for the warnings and errors after the update (at most `max`). */
export function levelNotes(lines: SerialLine[], cfg: EvidenceConfig | undefined, max = 10): string[] {
  const user = cfg?.levelPattern ? compileLevelPattern(cfg.levelPattern) : undefined;
  const hits: string[] = [];
  let more = 0;
  for (const l of lines) {
    if (!board(l)) continue;
    const text = stripAnsi(l.text);
    const p = parseLevel(text, user);
    if (p?.level !== 'error' && p?.level !== 'warn') continue;
    if (hits.length < max) hits.push(`${p.level === 'error' ? 'error' : 'warning'}${p.tag ? ` (${p.tag})` : ''}: ${text}`);
    else more++;
  }
  if (more) hits.push(`… and ${more} more warnings/errors`);
  return hits;
}

/**
 * While the job runs: reports each crash or boot loop and each loss/return of the port as release
 * events (the timeline marks them; a release pane says the board was unplugged). Returns the stop.
 */
export function watchBoard(tap: SerialTap, cfg: EvidenceConfig | undefined, emit: (e: ReleaseEvent) => void, now: () => number): () => void {
  const w = new CrashWatch({ patterns: cfg?.crashPatterns, bootLoop: cfg?.bootLoop });
  const offCrash = w.onEvent((e) => emit({ type: 'serial-crash', at: now(), name: e.name, kind: e.kind, line: { ...e.lines[0], dir: 'rx' } }));
  const offLine = tap.onLine((l) => board(l) && w.push(l));
  const offPort = tap.onPort((state, message) => emit({ type: 'serial-port', at: now(), state, message }));
  return () => {
    offCrash();
    offLine();
    offPort();
  };
}

/**
 * The evidence settings as the user wrote them (`otaBench.release.versionQuery`, `.elf`,
 * `otaBench.serial.crashPatterns`, `.bootLoop` {boots, windowSeconds}, `.levelPattern`), checked:
 * each problem is a sentence naming the setting; a bad value is left out, never thrown.
 */
export function parseEvidenceSettings(r: Record<string, unknown>): { evidence: EvidenceConfig; errors: string[] } {
  const evidence: EvidenceConfig = {};
  const errors: string[] = [];
  const q = r.versionQuery as { command?: unknown; reply?: unknown } | undefined;
  if (q !== undefined && q !== null && !(typeof q === 'object' && !q.command && !q.reply)) {
    if (typeof q !== 'object' || typeof q.command !== 'string' || !q.command.trim() || typeof q.reply !== 'string') {
      errors.push('otaBench.release.versionQuery must be {"command": "version", "reply": "version: (\\\\S+)"}: a command to send and a reply pattern whose first group is the version.');
    } else {
      try {
        versionReplyMatcher(q.reply);
        evidence.versionQuery = { command: q.command.trim(), reply: q.reply };
      } catch (e) {
        errors.push(`otaBench.release.versionQuery: ${(e as Error).message}`);
      }
    }
  }
  if (typeof r.elf === 'string' && r.elf.trim()) evidence.elf = r.elf.trim();
  if (Array.isArray(r.crashPatterns) && r.crashPatterns.length) {
    try {
      new CrashWatch({ patterns: r.crashPatterns as CrashPattern[] });
      evidence.crashPatterns = r.crashPatterns as CrashPattern[];
    } catch (e) {
      errors.push(`otaBench.serial.crashPatterns: ${(e as Error).message}`);
    }
  } else if (r.crashPatterns !== undefined && !Array.isArray(r.crashPatterns)) errors.push('otaBench.serial.crashPatterns must be a list of {"name", "pattern"}.');
  const b = r.bootLoop as { boots?: unknown; windowSeconds?: unknown } | undefined;
  if (b !== undefined && b !== null) {
    const boots = Number(b.boots ?? 3);
    const windowSeconds = Number(b.windowSeconds ?? 60);
    if (Number.isInteger(boots) && boots >= 2 && windowSeconds > 0) evidence.bootLoop = { boots, windowMs: windowSeconds * 1000 };
    else errors.push(`otaBench.serial.bootLoop must be {"boots": 3, "windowSeconds": 60} (boots a whole number ≥ 2, a positive window); got ${JSON.stringify(b)}.`);
  }
  if (typeof r.levelPattern === 'string' && r.levelPattern.trim()) {
    try {
      compileLevelPattern(r.levelPattern);
      evidence.levelPattern = r.levelPattern;
    } catch (e) {
      errors.push(`otaBench.serial.levelPattern: ${(e as Error).message}`);
    }
  }
  return { evidence, errors };
}
