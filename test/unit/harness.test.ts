// The test harness's own logic: what the .vsix check accepts and rejects, bench figures, the
// apt command for missing packages, and which compiled files each integration suite runs.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { suiteFiles } from '../integration/index';

const root = path.resolve(__dirname, '../..');
// The harness is plain ESM (.mjs): load it by path so TypeScript does not need declarations.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (rel: string): Promise<any> => import(path.join(root, rel));

describe('harness: .vsix contents check', () => {
  const good = [
    'extension/package.json', 'extension/readme.md', 'extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/dist/release.js', 'extension/dist/flash.js',
    'extension/dist/webview/monitor.js', 'extension/dist/webview/monitor.css', 'extension/media/activity.svg',
    'extension/node_modules/@serialport/bindings-cpp/package.json', 'extension/node_modules/@serialport/bindings-cpp/dist/index.js',
    'extension/node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node',
    'extension/node_modules/node-gyp-build/package.json', 'extension/node_modules/@serialport/bindings-interface/package.json',
    'extension/node_modules/@serialport/bindings-interface/dist/index.d.ts',
  ];

  it('accepts a package with the runtime files only', async () => {
    const { checkEntries } = await load('scripts/package.mjs');
    assert.deepEqual(checkEntries(good), []);
  });

  it('rejects sources, tests, source maps, bundled SDKs and a missing native binding', async () => {
    const { checkEntries } = await load('scripts/package.mjs');
    const bad = [
      ...good.filter((n) => !n.endsWith('.node')),
      'extension/src/extension.ts', 'extension/test/unit/x.test.ts', 'extension/out/test/integration/index.js',
      'extension/dist/extension.js.map', 'extension/node_modules/@aws-sdk/client-iot/package.json',
    ];
    const problems: string[] = checkEntries(bad);
    assert.ok(problems.some((p) => p.startsWith('missing') && p.includes('glibc.node')), problems.join('\n'));
    for (const f of ['src/extension.ts', 'test/unit/x.test.ts', 'out/test', 'extension.js.map', '@aws-sdk']) {
      assert.ok(problems.some((p) => p.includes(f)), `${f} not flagged: ${problems.join('\n')}`);
    }
  });
});

describe('harness: bench figures', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-bench-report-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes figures per section and replaces only that section', async () => {
    const { addFigures, readReport } = await load('scripts/lib/bench-report.mjs');
    const file = path.join(tmp, 'bench.json');
    addFigures([{ name: 'a', value: 1, unit: 'ms', note: 'first' }], 'alpha', file);
    addFigures([{ name: 'b', value: 2, unit: 'bytes' }], 'beta', file);
    addFigures([{ name: 'a2', value: 3, unit: 'ms' }], 'alpha', file);
    const r = readReport(file);
    assert.deepEqual(r.figures.map((f: { name: string; section: string }) => `${f.section}/${f.name}`), ['beta/b', 'alpha/a2']);
    assert.equal(typeof r.generatedAt, 'string');
  });

  it('rejects a figure without a name or with a value that is not a finite number', async () => {
    const { figure, normalizeFigures } = await load('scripts/lib/bench-report.mjs');
    assert.throws(() => figure('', 1, 'ms'), /needs a name/);
    assert.throws(() => figure('x', Number.NaN, 'ms'), /finite number/);
    assert.throws(() => normalizeFigures([{ name: 'x', value: '12', unit: 'ms' }], 's'), /finite number/);
    assert.throws(() => normalizeFigures({ name: 'x' }, 's'), /must be an array/);
  });
});

describe('harness: system packages', () => {
  it('names every missing package in one apt-get command', async () => {
    const { aptCommand, missingPackages } = await load('scripts/lib/system-deps.mjs');
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      const missing = missingPackages().map((m: { pkg: string }) => m.pkg);
      assert.ok(missing.includes('socat') && missing.includes('udev') && missing.includes('ripgrep'), missing.join(' '));
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(aptCommand(['socat', 'udev']), 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends socat udev');
  });
});

describe('harness: integration suite selection', () => {
  let dir: string;
  const saved = { suite: process.env.OTA_BENCH_SUITE, files: process.env.OTA_BENCH_TEST_FILES };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ota-bench-suite-'));
    for (const f of ['foundation.test.js', 'aws/tree.test.js', 'smoke/installed.test.js', 'perf/activation.host.js', 'support/wait.js', 'index.js']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), '');
    }
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    process.env.OTA_BENCH_SUITE = saved.suite;
    process.env.OTA_BENCH_TEST_FILES = saved.files;
    if (saved.suite === undefined) delete process.env.OTA_BENCH_SUITE;
    if (saved.files === undefined) delete process.env.OTA_BENCH_TEST_FILES;
  });
  const rel = (files: string[]) => files.map((f) => path.relative(dir, f));

  it('main runs every *.test.js except smoke/ and perf/; smoke runs only smoke/', () => {
    delete process.env.OTA_BENCH_TEST_FILES;
    process.env.OTA_BENCH_SUITE = 'main';
    assert.deepEqual(rel(suiteFiles(dir)), ['aws/tree.test.js', 'foundation.test.js']);
    process.env.OTA_BENCH_SUITE = 'smoke';
    assert.deepEqual(rel(suiteFiles(dir)), ['smoke/installed.test.js']);
  });

  it('an explicit file list wins', () => {
    process.env.OTA_BENCH_TEST_FILES = ['/x/a.js', '/y/b.js'].join(path.delimiter);
    assert.deepEqual(suiteFiles(dir), ['/x/a.js', '/y/b.js']);
  });
});
