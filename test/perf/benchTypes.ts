// What scripts/bench.mjs hands each test/perf/*.bench.ts module, and what the module returns.
export type Figure = { name: string; value: number; unit: string; note: string };

export interface BenchContext {
  /** A scratch folder for the module's files. */
  root: string;
  say: (s: string) => void;
  figure: (name: string, value: number, unit: string, note?: string) => Figure;
}
