// Runs one bench module in its own process (its memory and CPU figures are its own):
//   node --import tsx scripts/lib/bench-child.mjs <module> <results.json>
// The module exports `bench(ctx)` (or a default function) resolving with its figures;
// ctx = { root, say, figure(name, value, unit, note), args }.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { figure } from './bench-report.mjs';

const [modulePath, resultsFile, ...args] = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const mod = await import(pathToFileURL(resolve(modulePath)).href);
const fn = mod.bench ?? mod.default;
if (typeof fn !== 'function') throw new Error(`${modulePath} exports no bench(ctx) function (nor a default one)`);
const collected = [];
const ctx = {
  root,
  args,
  say: (line) => console.log(`  ${line}`),
  figure: (...a) => {
    const f = figure(...a);
    collected.push(f);
    return f;
  },
};
const returned = (await fn(ctx)) ?? [];
writeFileSync(resultsFile, JSON.stringify([...collected, ...returned.filter((f) => !collected.includes(f))]));
// Modules may leave handles open (servers, browsers): the figures are written, so leave.
process.exit(0);
