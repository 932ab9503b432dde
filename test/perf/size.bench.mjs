/* global process */
// Bundle sizes of the production build. The extension's own bundle is what every activation
// loads; cloud SDKs live in lazily loaded dist/clouds/*.js. It builds right before measuring (dist/
// is shared with anyone running `npm run build`) and checks that what it measures is minified.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export async function bench({ root, figure }) {
  execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'ignore' });
  const dist = join(root, 'dist');
  const ext = join(dist, 'extension.js');
  if (!existsSync(ext)) throw new Error('dist/extension.js is missing after a production build');
  // Minified code has long lines (template literals keep a few newlines); a dev build ~40 chars each.
  const text = readFileSync(ext, 'utf8');
  const perLine = text.length / text.split('\n').length;
  if (perLine < 500) throw new Error(`dist/extension.js averages ${perLine.toFixed(0)} characters a line: not the minified production build (rebuilt by someone else meanwhile?)`);
  const size = (f) => statSync(f).size;
  const out = [figure('dist/extension.js', size(ext), 'bytes', 'production build, loaded at activation; target < 300 KB (307,200 bytes)')];
  const web = join(dist, 'webview', 'monitor.js');
  if (existsSync(web)) out.push(figure('dist/webview/monitor.js', size(web), 'bytes', 'Bench Monitor page bundle'));
  const clouds = join(dist, 'clouds');
  if (existsSync(clouds)) {
    for (const f of readdirSync(clouds).filter((n) => n.endsWith('.js')).sort()) {
      out.push(figure(`dist/clouds/${f}`, size(join(clouds, f)), 'bytes', 'loaded on first use of that cloud'));
    }
  }
  return out;
}
