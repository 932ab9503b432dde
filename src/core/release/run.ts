// Entry of dist/release.js: the release runner (steps, signing, evidence, verdict). The editor loads
// it on the first release (src/vscode/release/runner.ts), so activation does not parse it.
export { startRelease, resumeRelease } from './pipeline';
