// Mocha's spec output plus a JSON summary (passes, failures, failed titles) written to the file
// named by `--reporter-option results=<file>`: how scripts/test.mjs counts every suite.
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
    runner.once('end', () => {
      if (!file) return;
      const { passes, failures, pending, duration } = this.stats;
      writeFileSync(file, JSON.stringify({ passes, failures, pending, durationMs: duration, failed }));
    });
  }
}

module.exports = SummaryReporter;
