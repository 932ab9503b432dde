// `npm run package`: production build, then a .vsix with @vscode/vsce (offline), then a check of
// what is inside: the runtime files are there, sources/tests/caches are not, and serialport's
// native binding loads from the unpacked .vsix alone (outside this repo's node_modules).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './lib/proc.mjs';
import { extractVsix, listVsix } from './lib/vsix.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function vsixPath() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, `${pkg.name}-${pkg.version}.vsix`);
}

const REQUIRED = [
  'extension/package.json',
  'extension/readme.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/release.js',
  'extension/dist/flash.js',
  'extension/dist/webview/monitor.js',
  'extension/dist/webview/monitor.css',
  'extension/media/activity.svg',
  'extension/node_modules/@serialport/bindings-cpp/package.json',
  'extension/node_modules/@serialport/bindings-cpp/dist/index.js',
  'extension/node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/@serialport+bindings-cpp.glibc.node',
  'extension/node_modules/node-gyp-build/package.json',
  'extension/node_modules/@serialport/bindings-interface/package.json',
];
const FORBIDDEN = [
  /^extension\/(src|test|out|scripts|webview-ui|\.vscode-test|\.ci|demo)\//,
  /^extension\/(?!node_modules\/).*\.ts$/,
  /\.map$/,
  /\.vsix$/,
  /^extension\/node_modules\/(@aws-sdk|@smithy|typescript|esbuild|mocha|playwright-core|code-server)\//,
];

/** Checks the entries; returns a list of problems (empty when the package is right). */
export function checkEntries(names) {
  const problems = [];
  const set = new Set(names);
  for (const r of REQUIRED) if (!set.has(r)) problems.push(`missing ${r}`);
  for (const n of names) for (const f of FORBIDDEN) if (f.test(n)) problems.push(`should not ship ${n}`);
  return problems;
}

/** Loads @serialport/bindings-cpp from an unpacked .vsix in a separate Node: only files from there may load. */
export function checkBindingLoads(extensionDir) {
  const script = `
    const dir = process.argv[1];
    const b = require(dir + '/node_modules/@serialport/bindings-cpp');
    const binding = b.autoDetect();
    const loaded = Object.keys(require.cache);
    const outside = loaded.filter((f) => !f.startsWith(dir));
    const native = loaded.filter((f) => f.endsWith('.node'));
    console.log(JSON.stringify({ binding: typeof binding.open, native, outside }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script, extensionDir], { cwd: extensionDir, encoding: 'utf8' }));
  if (out.binding !== 'function') throw new Error('bindings-cpp loaded but autoDetect() has no open()');
  if (out.native.length === 0) throw new Error('no native .node module was loaded');
  if (out.outside.length) throw new Error(`modules loaded from outside the package: ${out.outside.join(', ')}`);
  return out.native[0];
}

export async function packageVsix({ log, build = true, say = console.log } = {}) {
  const t0 = performance.now();
  if (build) await run(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, log });
  const out = vsixPath();
  rmSync(out, { force: true });
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // Offline: no repository to rewrite README links against; dependencies come from `npm list`
  // and .vscodeignore keeps only serialport's native runtime.
  await run(process.execPath, [vsce, 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: root, log });
  const entries = await listVsix(out);
  const problems = checkEntries(entries.map((e) => e.name));
  if (problems.length) throw new Error(`the .vsix is not right:\n  ${problems.join('\n  ')}`);
  const tmp = mkdtempSync(join(tmpdir(), 'ota-bench-vsix-'));
  try {
    await extractVsix(out, tmp);
    const native = checkBindingLoads(join(tmp, 'extension'));
    say(`packaged ${out} (${entries.length} files, ${(statSync(out).size / 1024).toFixed(0)} KB) in ${((performance.now() - t0) / 1000).toFixed(1)} s; native binding loads from the package: ${native.slice(tmp.length + 1)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  packageVsix({ log: join(root, 'out', 'logs', 'package.log'), build: !process.argv.includes('--no-build') }).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
