// `npm run bench`: builds for production, runs every bench module under test/perf/
// (*.bench.mjs / *.bench.ts, each in its own Node process, in name order), prints the figures and
// writes them to out/bench.json. Figures, not pass/fail: a module that fails is reported and the
// others still run (exit code 1 at the end).
// Usage: npm run bench [-- <name filter>…] [--no-build] [--<module option> [value]…]  (e.g. activation --runs 5)
// Writing a module: export async function bench({ root, say, figure, args }) → figure(...)[]
// (see scripts/lib/bench-report.mjs; test/perf/size.bench.mjs is the smallest example).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFigures, normalizeFigures, writeReport, BENCH_FILE } from './lib/bench-report.mjs';
import { run } from './lib/proc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
// Words are name filters; `--option [value]` pairs (other than --no-build) go to every module.
const filters = [];
const moduleArgs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--no-build') continue;
  if (!argv[i].startsWith('--')) filters.push(argv[i]);
  else {
    moduleArgs.push(argv[i]);
    if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) moduleArgs.push(argv[++i]);
  }
}
const LOGS = join(root, 'out', 'logs');
mkdirSync(LOGS, { recursive: true });

const perfDir = join(root, 'test', 'perf');
const modules = (existsSync(perfDir) ? readdirSync(perfDir) : [])
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((k) => f.includes(k)))
  .sort();
if (modules.length === 0) {
  console.error(`no bench modules${filters.length ? ` matching ${filters.join(', ')}` : ''} in test/perf/`);
  process.exit(1);
}

if (!argv.includes('--no-build')) {
  console.log('building (production + host suites)…');
  await run(process.execPath, ['scripts/build.mjs', '--production', '--tests'], { cwd: root, log: join(LOGS, 'bench-build.log') });
}

const all = [];
const failures = [];
for (const file of modules) {
  const section = file.replace(/\.bench\.(mjs|ts)$/, '');
  const results = join(root, 'out', `bench-${section}.json`);
  rmSync(results, { force: true });
  console.log(`\n▶ ${section} (test/perf/${file})`);
  const t0 = performance.now();
  const code = await run(process.execPath, ['--import', 'tsx', 'scripts/lib/bench-child.mjs', join(perfDir, file), results, ...moduleArgs], {
    cwd: root, echo: true, allowFail: true, log: join(LOGS, `bench-${section}.log`),
  });
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  if (code !== 0 || !existsSync(results)) {
    failures.push(section);
    console.log(`✖ ${section} failed (exit ${code}, ${seconds} s; see out/logs/bench-${section}.log)`);
    continue;
  }
  try {
    const figures = normalizeFigures(JSON.parse(readFileSync(results, 'utf8')), section);
    all.push(...figures);
    console.log(`✔ ${section}: ${figures.length} figure(s) in ${seconds} s`);
  } catch (err) {
    failures.push(section);
    console.log(`✖ ${section}: ${err.message}`);
  } finally {
    rmSync(results, { force: true });
  }
}

writeReport(all);
console.log(`\n${formatFigures(all)}\n\nwritten to ${BENCH_FILE.slice(root.length + 1)}${failures.length ? `; failed: ${failures.join(', ')}` : ''}`);
process.exit(failures.length ? 1 : 0);
