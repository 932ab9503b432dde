// Evidence read from a board's serial lines: log levels and tags, crashes and boot loops, decoded
// backtraces, the board's version before and after a job. Pure parsers are also importable one by
// one (levels.ts and crash.ts need no Node).
export * from './levels';
export * from './crash';
export * from './backtrace';
export * from './decodeNotes';
