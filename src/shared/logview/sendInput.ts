// The send box's pure parts: hex byte parsing, line endings and the ↑/↓ history.
import type { MonitorViewState } from '../protocol';

export type SendEol = MonitorViewState['sendEol'];

export const EOL_BYTES: Record<SendEol, string> = { lf: '\n', cr: '\r', crlf: '\r\n', none: '' };
export const EOL_LABELS: Record<SendEol, string> = { lf: 'LF', cr: 'CR', crlf: 'CRLF', none: 'No line ending' };

/**
 * Parses hex bytes as people type them: "de ad be ef", "DEADBEEF", "0xde, 0xad", "de:ad:be".
 * Separated tokens may be one or two digits; an unseparated run must have an even length.
 */
export function parseHexBytes(input: string): { bytes: number[] } | { error: string } {
  const tokens = input.trim().split(/[\s,:;-]+/).filter(Boolean);
  if (tokens.length === 0) return { error: 'Type hex bytes, e.g. "de ad be ef".' };
  const bytes: number[] = [];
  for (const raw of tokens) {
    const t = raw.replace(/^0x/i, '');
    if (!/^[0-9a-f]+$/i.test(t)) return { error: `"${raw}" is not hex.` };
    if (t.length <= 2) bytes.push(parseInt(t, 16));
    else if (t.length % 2 === 0) for (let i = 0; i < t.length; i += 2) bytes.push(parseInt(t.slice(i, i + 2), 16));
    else return { error: `"${raw}" has an odd number of hex digits.` };
  }
  return { bytes };
}

/** Canonical form sent to the host: two-digit lowercase bytes separated by spaces. */
export function formatHexBytes(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

export const HISTORY_MAX = 50;

/**
 * Shell-like history: ↑ walks back from the newest entry, ↓ forward and finally back to the draft
 * that was being typed before ↑ was first pressed.
 */
export class SendHistory {
  private entries: string[];
  /** entries.length means "at the draft". */
  private pos: number;
  private draft = '';

  constructor(initial: readonly string[] = []) {
    this.entries = initial.slice(-HISTORY_MAX);
    this.pos = this.entries.length;
  }

  get items(): readonly string[] {
    return this.entries;
  }

  /** Records a sent line (no consecutive duplicates, bounded) and returns to the draft position. */
  record(line: string): void {
    if (line !== '' && this.entries[this.entries.length - 1] !== line) {
      this.entries.push(line);
      if (this.entries.length > HISTORY_MAX) this.entries.shift();
    }
    this.pos = this.entries.length;
    this.draft = '';
  }

  /** The older entry to show, or undefined at the oldest. `current` is what the box holds now. */
  up(current: string): string | undefined {
    if (this.pos === 0) return undefined;
    if (this.pos === this.entries.length) this.draft = current;
    return this.entries[--this.pos];
  }

  down(): string | undefined {
    if (this.pos >= this.entries.length) return undefined;
    this.pos++;
    return this.pos === this.entries.length ? this.draft : this.entries[this.pos];
  }
}
