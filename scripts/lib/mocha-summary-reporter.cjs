// Mocha's spec output plus a JSON summary (passes, failures, failed titles) written to the file
// named by `--reporter-option results=<file>`: how scripts/test.mjs counts every suite. It also
// keeps each file's time (tests plus hooks) and the slowest tests, to see where CI time goes.
// CommonJS because mocha loads reporters with require().
/* global require, module, process */
/* eslint-disable @typescript-eslint/no-require-imports */
const { writeFileSync } = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const file = options.reporterOption?.results ?? options.reporterOptions?.results ?? process.env.OTA_BENCH_RESULTS_FILE;
    const failed = [];
    runner.on('fail', (test, err) => failed.push({ title: test.fullTitle(), error: String(err?.message ?? err).slice(0, 2000) }));
    // A file's time: from its first suite starting to its last ending (hooks included).
    const files = {};
    const tests = [];
    const rel = (f) => (f ? require('node:path').relative(process.cwd(), f) : '(no file)');
    runner.on('suite', (s) => { if (s.file && !files[rel(s.file)]) files[rel(s.file)] = { start: Date.now(), ms: 0 }; });
    runner.on('suite end', (s) => { const f = s.file && files[rel(s.file)]; if (f) f.ms = Date.now() - f.start; });
    runner.on('test end', (t) => { if (t.duration !== undefined) tests.push({ title: t.fullTitle(), file: rel(t.file), ms: t.duration }); });
    runner.once('end', () => {
      if (!file) return;
      const { passes, failures, pending, duration } = this.stats;
      const fileMs = Object.fromEntries(Object.entries(files).map(([f, v]) => [f, v.ms]).sort((a, b) => b[1] - a[1]));
      const slowest = tests.sort((a, b) => b.ms - a.ms).slice(0, 30);
      writeFileSync(file, JSON.stringify({ passes, failures, pending, durationMs: duration, failed, fileMs, slowest }, null, 1));
    });
  }
}

module.exports = SummaryReporter;
