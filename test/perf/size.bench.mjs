// Bundle sizes of the production build (scripts/bench.mjs builds it first). The extension's own
// bundle is what every activation loads; cloud SDKs live in lazily loaded dist/clouds/*.js.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export async function bench({ root, figure }) {
  const dist = join(root, 'dist');
  const ext = join(dist, 'extension.js');
  if (!existsSync(ext)) throw new Error('dist/extension.js is missing: run `node scripts/build.mjs --production`');
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
