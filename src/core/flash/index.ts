// Flash tools: presets, progress and failure parsing, and the runner.
export * from './presets';
export * from './progress';
export * from './diagnose';
export * from './runner';
export * from './releasePort';
