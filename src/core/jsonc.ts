// JSON with comments, as VS Code writes settings.json and tasks.json: `//` and `/* */` comments and
// trailing commas are allowed. The one reader of those files outside the editor (the CLI). A small
// recursive-descent parser, so that a mistake is reported at its line and column.

export class JsoncError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} (line ${line}, column ${column})`);
    this.name = 'JsoncError';
  }
}

/** Parses JSONC; a syntax error (JsoncError) says what and where. An empty file is `{}`. */
export function parseJsonc(text: string): unknown {
  const s = text.replace(/^\uFEFF/, '');
  let i = 0;
  const fail = (what: string): never => {
    const before = s.slice(0, i).split('\n');
    throw new JsoncError(what, before.length, before.at(-1)!.length + 1);
  };
  const skip = () => {
    for (;;) {
      while (i < s.length && ' \t\r\n'.includes(s[i])) i++;
      if (s.startsWith('//', i)) while (i < s.length && s[i] !== '\n') i++;
      else if (s.startsWith('/*', i)) {
        const end = s.indexOf('*/', i + 2);
        if (end < 0) fail('Unterminated /* comment');
        i = end + 2;
      } else return;
    }
  };
  const found = () => (i < s.length ? `"${s[i]}"` : 'the end of the file');
  const value = (): unknown => {
    skip();
    const c = s[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (s[i] === '}') {
          i++;
          return out;
        }
        if (s[i] !== '"') fail(`Expected a property name or "}" but found ${found()}`);
        const key = string();
        skip();
        if (s[i] !== ':') fail(`Expected ":" after "${key}" but found ${found()}`);
        i++;
        out[key] = value();
        skip();
        if (s[i] === ',') i++;
        else if (s[i] !== '}') fail(`Expected "," or "}" but found ${found()}`);
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      for (;;) {
        skip();
        if (s[i] === ']') {
          i++;
          return out;
        }
        out.push(value());
        skip();
        if (s[i] === ',') i++;
        else if (s[i] !== ']') fail(`Expected "," or "]" but found ${found()}`);
      }
    }
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400));
    if (!m) fail(`Expected a value but found ${found()}`);
    i += m![0].length;
    return JSON.parse(m![0]);
  };
  const string = (): string => {
    const start = i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\n') fail('Unterminated string');
      i += s[i] === '\\' ? 2 : 1;
    }
    if (i >= s.length) fail('Unterminated string');
    i++;
    try {
      return JSON.parse(s.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('Invalid escape in string');
    }
  };
  skip();
  if (i >= s.length) return {};
  const v = value();
  skip();
  if (i < s.length) fail(`Unexpected ${found()} after the value`);
  return v;
}
