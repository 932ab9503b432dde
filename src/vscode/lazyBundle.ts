// Bundles built beside dist/extension.js and loaded on first use, so activation does not parse
// them: dist/release.js (the release runner), dist/flash.js (the flash tool runner). The cloud
// modules (dist/clouds/<kind>.js) load the same way in clouds/providers.ts.
import { join } from 'path';

/** A loader of `extensionPath`/dist/`name`.js that checks it exports `exports` (functions); loaded once. */
export function lazyBundle<T extends object>(extensionPath: string, name: string, exports: readonly (keyof T & string)[]): () => T {
  let mod: T | undefined;
  return () => {
    if (mod) return mod;
    const file = join(extensionPath, 'dist', `${name}.js`);
    // A path computed at run time: esbuild leaves this require alone.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require(file) as Partial<T>;
    const missing = exports.filter((e) => typeof loaded?.[e] !== 'function');
    if (missing.length) throw new Error(`${file} does not export ${missing.map((e) => `${e}()`).join(', ')}; rebuild the extension (npm run build).`);
    return (mod = loaded as T);
  };
}
