// Builds the extension (Node, `vscode` external), the lazily loaded cloud bundles, the CLI (dist/cli.js), the webview
// (browser) and the integration-test suite. Flags: --production (minify), --watch, --tests.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, mkdirSync, readdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');

// Native serial binding: loaded from node_modules at run time (shipped in the .vsix), never bundled.
const nodeExternals = ['vscode', '@serialport/bindings-cpp'];

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

/** Cloud modules built as separate files so activation never loads a cloud SDK. */
const lazyBundles = existsSync(join(root, 'src/core/clouds'))
  ? readdirSync(join(root, 'src/core/clouds'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, 'src/core/clouds', d.name, 'index.ts')))
      .map((d) => ({ in: `src/core/clouds/${d.name}/index.ts`, out: `clouds/${d.name}` }))
  : [];

const builds = [
  {
    ...common,
    // Loaded on first use (src/vscode/lazyBundle.ts): dist/release.js the release runner, dist/flash.js the flash tool runner.
    entryPoints: [
      { in: 'src/extension.ts', out: 'extension' },
      { in: 'src/core/release/run.ts', out: 'release' },
      { in: 'src/core/flash/releasePort.ts', out: 'flash' },
      ...lazyBundles,
    ],
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: nodeExternals,
    metafile: true,
  },
  // `ota-bench` (package.json bin): the CLI, no vscode; it requires dist/clouds/<kind>.js beside it on first use.
  {
    ...common,
    entryPoints: [{ in: 'src/cli/main.ts', out: 'cli' }],
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: nodeExternals,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: [{ in: 'webview-ui/monitor/main.ts', out: 'monitor' }],
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
  },
];

/** Files below `dir` (relative to the repo) whose names end with `suffix`, as esbuild entry points. */
function entriesUnder(dir, suffix) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true })
    .filter((f) => f.endsWith(suffix) && !f.split(/[\\/]/).includes('node_modules'))
    .map((f) => ({ in: `${dir}/${f}`, out: f.slice(0, -'.ts'.length) }));
}

if (args.has('--tests')) {
  // Each integration test file is its own bundle next to the suite's index.js (which runs them
  // all); test/perf/**/*.host.ts are suites the bench runs in the real host (out/test/integration/perf/).
  builds.push({
    ...common,
    minify: false,
    entryPoints: [
      { in: 'test/integration/index.ts', out: 'index' },
      ...entriesUnder('test/integration', '.test.ts'),
      ...entriesUnder('test/perf', '.host.ts').map((e) => ({ ...e, out: `perf/${e.out}` })),
    ],
    outdir: 'out/test/integration',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...nodeExternals, 'mocha'],
  });
}

function copyAssets() {
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  // One stylesheet for the page: the log pane's rules, then the rollout pane's (webview-ui/monitor/rollout.css).
  const css = ['monitor.css', 'rollout.css'].map((f) => join(root, 'webview-ui/monitor', f)).filter((f) => existsSync(f));
  writeFileSync(join(root, 'dist/webview/monitor.css'), css.map((f) => readFileSync(f, 'utf8')).join('\n'));
  // Codicons (the workbench's icon font) so the monitor's toolbar looks native; CSP allows fonts from cspSource.
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(root, 'node_modules/@vscode/codicons/dist', f), join(root, 'dist/webview', f));
}

if (watch) {
  for (const b of builds) {
    const ctx = await esbuild.context(b);
    await ctx.watch();
  }
  copyAssets();
  console.log('watching…');
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  chmodSync(join(root, 'dist/cli.js'), 0o755);
  const meta = results[0].metafile;
  for (const [file, info] of Object.entries(meta.outputs)) {
    if (file.endsWith('.js')) console.log(`${file.padEnd(28)} ${(info.bytes / 1024).toFixed(1)} KB`);
  }
}
