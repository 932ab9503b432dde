// Loads the release runner, dist/release.js (src/core/release/run.ts), on the first release: the
// steps, signing, evidence and verdict code stay out of dist/extension.js, which every activation
// parses. Loaded once; Node caches it.
import { join } from 'path';
import type * as Runner from '../../core/release/run';

export type ReleaseRunner = typeof Runner;

/** The runner built beside the extension bundle (`extensionPath`/dist/release.js). */
export function releaseRunner(extensionPath: string): () => ReleaseRunner {
  let runner: ReleaseRunner | undefined;
  return () => {
    if (runner) return runner;
    const file = join(extensionPath, 'dist', 'release.js');
    // A path computed at run time: esbuild leaves this require alone (like dist/clouds/<kind>.js).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Partial<ReleaseRunner>;
    if (typeof mod?.startRelease !== 'function' || typeof mod.resumeRelease !== 'function') {
      throw new Error(`${file} does not export startRelease() and resumeRelease(); rebuild the extension (npm run build).`);
    }
    return (runner = mod as ReleaseRunner);
  };
}
