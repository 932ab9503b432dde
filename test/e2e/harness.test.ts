// The integration runner itself, end to end: a real code-server + headless Chromium running a tiny
// suite in the extension host. It must count passes and failures as mocha saw them, take a
// screenshot a test asks for, and report a suite that cannot load as a failure (never a pass).
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (rel: string): Promise<any> => import(path.join(root, rel));

const SUITE = `
const assert = require('assert');
const fs = require('fs');
const path = require('path');
describe('harness self-test', () => {
  it('passes', () => assert.equal(typeof require('vscode').window.showInformationMessage, 'function'));
  it('fails on purpose', () => assert.equal(1, 2, 'deliberate failure'));
  it('gets the screenshot it asks for', async () => {
    const file = path.join(process.env.OTA_BENCH_SCREENSHOTS, 'harness-selftest.png');
    fs.rmSync(file, { force: true });
    console.log('@@SCREENSHOT harness-selftest 100');
    for (let i = 0; i < 150 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.statSync(file).size > 1000, 'no screenshot');
  });
});
`;

describe('integration runner (code-server + Chromium)', function () {
  this.timeout(300_000);
  let tmp: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let cs: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let runOne: (o: Record<string, unknown>) => Promise<any>;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-bench-harness-'));
    const { ensureCodeServer } = await load('scripts/lib/code-server.mjs');
    ({ runOne } = await load('scripts/integration.mjs'));
    cs = await ensureCodeServer(root, { log: path.join(root, 'out', 'logs', 'code-server-install.log'), say: () => undefined });
    if (!fs.existsSync(path.join(root, 'out', 'test', 'integration', 'index.js'))) {
      execFileSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: root });
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const logsDir = () => path.join(root, 'out', 'logs');

  it('counts what mocha counted in the host and saves the requested screenshot', async () => {
    const file = path.join(tmp, 'selftest.test.js');
    fs.writeFileSync(file, SUITE);
    const r = await runOne({ name: 'harness-selftest', cs, suite: 'files', testFiles: [file], say: () => undefined, logsDir: logsDir(), timeoutMs: 120_000 });
    assert.equal(r.passes, 2, JSON.stringify(r));
    assert.equal(r.failures, 1, JSON.stringify(r));
    assert.equal(r.failed[0].title, 'harness self-test fails on purpose');
    assert.match(r.failed[0].error, /deliberate failure/);
    assert.ok(fs.existsSync(path.join(root, 'out', 'screenshots', 'harness-selftest.png')));
    fs.rmSync(path.join(root, 'out', 'screenshots', 'harness-selftest.png'), { force: true });
  });

  it('reports a suite that cannot load as a failure', async () => {
    const r = await runOne({
      name: 'harness-missing', cs, suite: 'files', testFiles: [path.join(tmp, 'no-such.test.js')], say: () => undefined,
      logsDir: logsDir(), timeoutMs: 60_000,
    });
    assert.equal(r.passes, 0);
    assert.equal(r.failures, 1);
    assert.match(r.failed[0].error, /without results|never started/);
  });
});
