// The serial session's public surface for the editor adapters and tests.
export * from './options';
export * from './ports';
export * from './line';
export * from './framer';
export * from './ringBuffer';
export * from './hex';
export * from './history';
export * from './logFile';
export * from './lineBatcher';
export * from './transport';
export * from './session';
export * from './snapshot';
export * from './bench';
