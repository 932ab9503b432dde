// The monitor's level and tag filter, over the level/tag the host parsed from each line (the
// parsing itself lives with the serial evidence on the host; the page only reads the fields).
// Our own lines (sent text, monitor notes) and crash lines always show: a filter never hides the
// evidence a user is looking for.
import { LOG_LEVELS, type LevelFilter, type LogLevel, type LogLine } from '../protocol';

/** 0 for error … 4 for verbose. */
export const LEVEL_RANK: Record<LogLevel, number> = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<LogLevel, number>;

export const LEVEL_LABELS: Record<LevelFilter['min'], string> = {
  all: 'All lines',
  error: 'Errors',
  warn: 'Warnings and up',
  info: 'Info and up',
  debug: 'Debug and up',
  verbose: 'Every level',
};

type Leveled = Pick<LogLine, 'dir' | 'level' | 'tag' | 'crash'>;

export interface LevelTest {
  /** False when nothing is filtered by level or tag. */
  readonly active: boolean;
  test(line: Leveled): boolean;
}

export function compileLevelFilter(f: LevelFilter): LevelTest {
  const active = f.min !== 'all' || f.include.length > 0 || f.exclude.length > 0;
  if (!active) return { active, test: () => true };
  const max = f.min === 'all' ? Infinity : LEVEL_RANK[f.min];
  const include = new Set(f.include.map((t) => t.toLowerCase()));
  const exclude = new Set(f.exclude.map((t) => t.toLowerCase()));
  return {
    active,
    test(l) {
      if (l.dir !== 'rx' || l.crash) return true;
      if (max !== Infinity && (!l.level || LEVEL_RANK[l.level] > max)) return false;
      const tag = l.tag?.toLowerCase();
      if (include.size && (!tag || !include.has(tag))) return false;
      return !(tag && exclude.has(tag));
    },
  };
}

/** "wifi, ota, -mqtt": tags to show, and (with a leading minus) tags to hide. */
export function parseTagList(text: string): Pick<LevelFilter, 'include' | 'exclude'> {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const raw of text.split(/[,\s]+/)) {
    const t = raw.trim();
    if (t.startsWith('-') || t.startsWith('!')) {
      if (t.length > 1) exclude.push(t.slice(1));
    } else if (t) include.push(t);
  }
  return { include: [...new Set(include)], exclude: [...new Set(exclude)] };
}

export function formatTagList(f: Pick<LevelFilter, 'include' | 'exclude'>): string {
  return [...f.include, ...f.exclude.map((t) => `-${t}`)].join(', ');
}

/** The filter in words, for the saved log's header and tooltips: "level ≥ warn · tags wifi, -mqtt". */
export function describeLevelFilter(f: LevelFilter): string {
  const parts: string[] = [];
  if (f.min !== 'all') parts.push(`level ${f.min} and more severe`);
  if (f.include.length || f.exclude.length) parts.push(`tags ${formatTagList(f)}`);
  return parts.join(' · ') || 'all levels and tags';
}
