// The Quick Release pipeline: build → locate → version → hash/sign → upload → register → (publish)
// → start verify job → watch → verdict, persisted and resumable.
export { startRelease, resumeRelease, type ReleaseDeps, type RunOptions } from './pipeline';
export { resumePoint, newRecord } from './record';
export { STEPS, releaseTargets, cloudOptions, DEFAULT_JOB_TIMEOUT_MINUTES, DEFAULT_BANNER_GRACE_MS, type StepDef, type StepOutcome } from './steps';
export * from './types';
export { MemoryReleaseStore, FileReleaseStore, acquireReleaseLock, workspaceRecordPath, workspaceStateDir, ReleaseLockedError, type ReleaseStore, type LockHolder } from './store';
export { findFiles, globToRegExp, locateArtifact } from './artifact';
export { shellBuildRunner, parseGccProblems, type BuildRunner, type BuildResult } from './build';
export { StepFailure, StaleReleaseError } from './errors';
export { SerialTap, bannerMatcher, relevantLines, DEFAULT_BANNER, type SerialWatcher } from './serialWatch';
export { decideVerdict, summarizeRollout, benchExecution, cloudReason } from './verdict';
export { parseSigningSettings, signingOf, defaultSigning, describeSigning, type SigningSettings } from './signingSettings';
export { parseReleaseSettings, releaseConfig, defaultPackageName, DEFAULT_ARTIFACT, type ReleaseSettings, type BuildSetting } from './settings';
export { writeVerifyBundle, bundleFolderName, bundleSummary, type BundleInput } from './bundle';
export { releaseView, rolloutView, serialEntry, TimelineBuilder, type StepProgress } from './view';
export { serialWatcher, type SerialLineSource } from './serialWatcher';
export { verifyOnlyRecord, type ExistingVersion } from './verifyOnly';
