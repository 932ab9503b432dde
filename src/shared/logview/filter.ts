// The live include / exclude filter and the search both compile user text into one RegExp.
// Plain mode: comma-separated terms, any of which matches ("wifi, mqtt"); `\,` is a literal comma.
// Regex mode: the whole field is one JavaScript regular expression. Case-insensitive unless
// matchCase. A pattern that does not compile is reported and matches nothing away (the filter
// stays open rather than hiding the whole log).

export interface FilterSpec {
  include: string;
  exclude: string;
  regex: boolean;
  matchCase?: boolean;
}

/** A half-open range [from, to) of a line's plain text. */
export interface TextRange {
  from: number;
  to: number;
}

export interface Matcher {
  /** True when the pattern is empty (matches everything / nothing to highlight). */
  readonly empty: boolean;
  readonly error?: string;
  test(text: string): boolean;
  /** All match ranges, sorted, non-overlapping, at most `limit`. */
  ranges(text: string, limit?: number): TextRange[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits plain-mode text on unescaped commas. */
export function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (s[i] === ',') {
      terms.push(cur);
      cur = '';
    } else cur += s[i];
  }
  terms.push(cur);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const EMPTY: Matcher = { empty: true, test: () => true, ranges: () => [] };

export function compileMatcher(pattern: string, regex: boolean, matchCase = false): Matcher {
  let source: string;
  if (regex) {
    if (pattern === '') return EMPTY;
    source = pattern;
  } else {
    const terms = splitTerms(pattern);
    if (terms.length === 0) return EMPTY;
    source = terms.map(escapeRegex).join('|');
  }
  let re: RegExp;
  let global: RegExp;
  try {
    re = new RegExp(source, matchCase ? '' : 'i');
    global = new RegExp(source, matchCase ? 'g' : 'gi');
  } catch (e) {
    const error = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    return { empty: true, error, test: () => true, ranges: () => [] };
  }
  return {
    empty: false,
    test: (text) => re.test(text),
    ranges(text, limit = 256) {
      const out: TextRange[] = [];
      global.lastIndex = 0;
      let m: RegExpExecArray | null;
      while (out.length < limit && (m = global.exec(text)) !== null) {
        if (m[0].length === 0) {
          global.lastIndex++; // an empty match (`a*`) would loop forever and highlights nothing
          if (global.lastIndex > text.length) break;
          continue;
        }
        out.push({ from: m.index, to: m.index + m[0].length });
      }
      return out;
    },
  };
}

export interface LineFilter {
  /** False when both fields are empty: every line passes and nothing is highlighted. */
  readonly active: boolean;
  readonly includeError?: string;
  readonly excludeError?: string;
  test(text: string): boolean;
  /** Where the include pattern matched, for highlighting. */
  highlights(text: string): TextRange[];
}

export function compileFilter(spec: FilterSpec): LineFilter {
  const inc = compileMatcher(spec.include, spec.regex, spec.matchCase);
  const exc = compileMatcher(spec.exclude, spec.regex, spec.matchCase);
  const active = !inc.empty || !exc.empty;
  return {
    active,
    includeError: inc.error,
    excludeError: exc.error,
    test: !active ? () => true : (text) => (inc.empty || inc.test(text)) && (exc.empty || !exc.test(text)),
    highlights: (text) => (inc.empty ? [] : inc.ranges(text)),
  };
}
