// The release runner, dist/release.js (src/core/release/run.ts), loaded on the first release: the
// steps, signing, evidence and verdict code stay out of dist/extension.js.
import type * as Runner from '../../core/release/run';
import { lazyBundle } from '../lazyBundle';

export type ReleaseRunner = typeof Runner;

export const releaseRunner = (extensionPath: string): (() => ReleaseRunner) =>
  lazyBundle<ReleaseRunner>(extensionPath, 'release', ['startRelease', 'resumeRelease']);
