// Figures for `npm run bench` (out/bench.json: { figures: [{ name, value, unit, note, section }] }).
// Bench modules (test/perf/*.bench.{mjs,ts}) return their figures to scripts/bench.mjs; a module
// run on its own can record them here too with addFigures(), which replaces its section's rows.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'bench.json');

/** A figure: what was measured, its value and unit, and a note (target, conditions). */
export function figure(name, value, unit, note = '') {
  if (typeof name !== 'string' || !name) throw new Error('a figure needs a name');
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`figure "${name}": value must be a finite number, got ${value}`);
  return { name, value, unit: String(unit ?? ''), note: String(note ?? '') };
}

/** Checks a module's figures (shape, numbers) and tags them with its section. */
export function normalizeFigures(list, section) {
  if (!Array.isArray(list)) throw new Error(`section ${section}: figures must be an array`);
  return list.map((f) => ({ ...figure(f.name, f.value, f.unit, f.note), section }));
}

export function readReport(file = BENCH_FILE) {
  if (!existsSync(file)) return { figures: [] };
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return Array.isArray(r.figures) ? r : { figures: [] };
  } catch {
    return { figures: [] };
  }
}

export function writeReport(figures, file = BENCH_FILE) {
  mkdirSync(dirname(file), { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
    figures,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Replaces `section`'s figures in out/bench.json with these, keeping the other sections. */
export function addFigures(list, section, file = BENCH_FILE) {
  const fresh = normalizeFigures(list, section);
  const kept = readReport(file).figures.filter((f) => f.section !== section);
  return writeReport([...kept, ...fresh], file);
}

/** The figures as an aligned table for the console. */
export function formatFigures(figures) {
  const w = Math.max(10, ...figures.map((f) => f.name.length));
  return figures
    .map((f) => `${f.name.padEnd(w)}  ${fmt(f.value).padStart(12)} ${f.unit.padEnd(8)} ${f.note}`)
    .join('\n');
}

const fmt = (v) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));
