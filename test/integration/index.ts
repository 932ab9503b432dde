// The integration suite's entry point, the contract shared by code-server (scripts/integration.mjs)
// and @vscode/test-electron (scripts/test-electron.mjs): the host loads this file and calls run().
// It runs mocha inside the extension host on the compiled test bundles next to it:
//   OTA_BENCH_SUITE=main (default)  every **/*.test.js except smoke/ and perf/
//   OTA_BENCH_SUITE=smoke           smoke/**/*.test.js (against the installed .vsix)
//   OTA_BENCH_TEST_FILES=a.js:b.js  exactly these files (the bench's host suites)
//   OTA_BENCH_TEST_GREP=pattern     mocha --grep
// Results (counts + failures) go to OTA_BENCH_RESULTS_FILE as JSON and as a final `@@RESULTS` line.
import * as fs from 'fs';
import Mocha from 'mocha'; // external in the bundle: loaded from node_modules at run time
import * as path from 'path';

export interface SuiteResults {
  suite: string;
  passes: number;
  failures: number;
  pending: number;
  durationMs: number;
  failed: { title: string; error: string }[];
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f));
}

export function suiteFiles(dir = __dirname): string[] {
  const explicit = process.env.OTA_BENCH_TEST_FILES;
  if (explicit) return explicit.split(path.delimiter).filter(Boolean);
  const suite = process.env.OTA_BENCH_SUITE || 'main';
  const rel = (f: string) => path.relative(dir, f).split(path.sep);
  return listFiles(dir)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => (suite === 'smoke' ? rel(f)[0] === 'smoke' : !['smoke', 'perf'].includes(rel(f)[0])))
    .sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: Number(process.env.OTA_BENCH_TEST_TIMEOUT || 60_000),
    grep: process.env.OTA_BENCH_TEST_GREP || undefined,
  });
  const files = suiteFiles();
  for (const f of files) mocha.addFile(f);
  console.log(`@@SUITE_STARTED ${files.length} file(s)`); // the runner's watchdog waits for this
  const results: SuiteResults = {
    suite: process.env.OTA_BENCH_SUITE || (process.env.OTA_BENCH_TEST_FILES ? 'files' : 'main'),
    passes: 0, failures: 0, pending: 0, durationMs: 0, failed: [],
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no test files found for suite "${results.suite}" under ${__dirname}`));
      return;
    }
    const runner = mocha.run((failures) => {
      results.durationMs = Date.now() - started;
      const line = JSON.stringify(results);
      const out = process.env.OTA_BENCH_RESULTS_FILE;
      if (out) fs.writeFileSync(out, line);
      console.log(`@@RESULTS ${line}`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => results.passes++);
    runner.on('pending', () => results.pending++);
    runner.on('fail', (test, err: Error) => {
      results.failures++;
      results.failed.push({ title: test.fullTitle(), error: String(err?.message ?? err).slice(0, 2000) });
    });
  });
}
