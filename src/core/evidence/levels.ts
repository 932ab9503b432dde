// Log level and tag of a firmware log line: the ONE parser the monitor (host side), the CLI monitor
// and the verdict use. Exports LevelTag, parseLevel(text, user?), compileLevelPattern(src) (a user
// pattern with named groups `level` and optional `tag`) and levelOf(word). The level names themselves
// are LOG_LEVELS in src/shared/protocol (the webview reads them there). Pure: no Node, no vscode.
//
// Formats: ESP-IDF `I (123) tag: …` (also `I (12:00:01.123) tag:`), Zephyr `<inf> tag: …`,
// bracketed `[INFO] …` / `[WARN][tag] …` / `[ERROR] tag: …`, Android/NuttX style `W/tag: …` and
// `W/tag(123): …`. ANSI colour codes around the line are skipped.

import type { LogLevel } from '../../shared/protocol';

export interface LevelTag {
  level: LogLevel;
  tag?: string;
}

const WORDS: Record<string, LogLevel> = {
  e: 'error', err: 'error', error: 'error', f: 'error', fatal: 'error', crit: 'error', critical: 'error', alert: 'error', emerg: 'error', panic: 'error',
  w: 'warn', wrn: 'warn', warn: 'warn', warning: 'warn',
  i: 'info', inf: 'info', info: 'info', n: 'info', notice: 'info',
  d: 'debug', dbg: 'debug', debug: 'debug',
  v: 'verbose', verbose: 'verbose', t: 'verbose', trace: 'verbose', vrb: 'verbose',
};

/** The level a word names ("WRN", "warning", "E"…), or undefined. */
export function levelOf(word: string | undefined): LogLevel | undefined {
  return word ? WORDS[word.toLowerCase()] : undefined;
}

// eslint-disable-next-line no-control-regex
const LEAD_ANSI = /^(?:\x1b\[[0-9;]*m)+/;
const ESP_IDF = /^([EWIDV]) \((?:\d+|\d\d:\d\d:\d\d\.\d+)\) ([^\s:][^:]{0,39}): /;
const ZEPHYR = /<(err|wrn|inf|dbg)> ([\w.\-/]{1,40}):/;
const BRACKET = /^(?:\[[^\]]{0,40}\]\s*)?\[(ERROR|ERR|E|WARN|WARNING|WRN|W|INFO|INF|I|DEBUG|DBG|D|VERBOSE|TRACE|V|FATAL|CRIT|NOTICE)\]\s*(?:\[([\w.\-/]{1,40})\]|([\w.\-/]{1,40}):\s)?/i;
const SLASH = /^([VDIWEF])\/([\w.\-$]{1,40})(?:\(\s*\d+\))?:/;

/**
 * A user pattern: a regular expression with a named group `level` (a word such as "WRN" or "E") and
 * optionally `tag`. Throws a clear error when it does not compile or has no `level` group.
 */
export function compileLevelPattern(src: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(src);
  } catch (e) {
    throw new Error(`The level pattern ${JSON.stringify(src)} is not a valid regular expression: ${(e as Error).message}. Use a named group, e.g. ^(?<level>[EWID])/(?<tag>\\w+):`);
  }
  if (!/\(\?<level>/.test(src)) throw new Error(`The level pattern ${JSON.stringify(src)} has no (?<level>…) group. Use e.g. ^(?<level>[EWID])/(?<tag>\\w+):`);
  return re;
}

/** Level and tag of `text`, trying the user's pattern first; undefined for a line without a level. */
export function parseLevel(text: string, user?: RegExp): LevelTag | undefined {
  const s = text.charCodeAt(0) === 0x1b ? text.replace(LEAD_ANSI, '') : text;
  if (user) {
    const g = user.exec(s)?.groups;
    const level = levelOf(g?.level);
    if (level) return g?.tag ? { level, tag: g.tag } : { level };
  }
  let m = ESP_IDF.exec(s);
  if (m) return { level: WORDS[m[1].toLowerCase()], tag: m[2] };
  m = SLASH.exec(s);
  if (m) return { level: WORDS[m[1].toLowerCase()], tag: m[2] };
  if (s.includes('<')) {
    m = ZEPHYR.exec(s);
    if (m) return { level: WORDS[m[1]], tag: m[2] };
  }
  if (s.includes('[')) {
    m = BRACKET.exec(s);
    if (m) {
      const level = levelOf(m[1])!;
      const tag = m[2] ?? m[3];
      return tag ? { level, tag } : { level };
    }
  }
  return undefined;
}
