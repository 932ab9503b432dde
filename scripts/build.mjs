// Builds the extension (Node, `vscode` external), the lazily loaded cloud bundles, the webview
// (browser) and the integration-test suite. Flags: --production (minify), --watch, --tests.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
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
    entryPoints: [{ in: 'src/extension.ts', out: 'extension' }, ...lazyBundles],
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: nodeExternals,
    metafile: true,
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

if (args.has('--tests')) {
  builds.push({
    ...common,
    minify: false,
    entryPoints: [{ in: 'test/integration/index.ts', out: 'index' }],
    outdir: 'out/test/integration',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...nodeExternals, 'mocha'],
  });
}

function copyAssets() {
  mkdirSync(join(root, 'dist/webview'), { recursive: true });
  cpSync(join(root, 'webview-ui/monitor/monitor.css'), join(root, 'dist/webview/monitor.css'));
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
  const meta = results[0].metafile;
  for (const [file, info] of Object.entries(meta.outputs)) {
    if (file.endsWith('.js')) console.log(`${file.padEnd(28)} ${(info.bytes / 1024).toFixed(1)} KB`);
  }
}
