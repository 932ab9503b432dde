// A release bench whose provider is the BUILT AWS bundle, as it ships: dist/clouds/aws.js (a
// second copy of every core class, as in the extension), created with createProvider(profile,
// secrets) and the SDK's own credential chain reading profile files, with the extension's defaults
// (no test-only client options). Plus what the resume tests assert: resume until passed or stuck,
// and what the cloud holds for one version.
import { strict as assert } from 'assert';
import { join } from 'path';
import type { CloudProvider } from '../../src/core/clouds/provider';
import { resumePoint, resumeRelease, type ReleaseDeps, type ReleaseRecord } from '../../src/core/release';
import { DEFAULTS } from '../bench/aws-emulator';
import { useAwsProfileFiles } from '../integration/support/awsCredentials';
import { builtProvider } from './builtBundle';
import { startReleaseBench, type BenchOptions, type ReleaseBench } from './releaseBench';

export const PACKAGE = 'bench-demo-firmware';
const AWS_PROFILE = 'otab-emulator';
/** Resumes allowed before a release counts as stuck. */
export const MAX_RESUMES = 6;

export interface BuiltReleaseBench {
  b: ReleaseBench;
  provider: CloudProvider;
  deps(extra?: Partial<ReleaseDeps>): ReleaseDeps;
  /** Sets a fresh version (each release registers its own package version). */
  nextVersion(): string;
  /** Resumes (as Resume Last Release does: from the stored record) until passed or `max` (MAX_RESUMES) times. */
  resumeToEnd(first: ReleaseRecord, extra?: Partial<ReleaseDeps>, max?: number): Promise<{ record: ReleaseRecord; trail: string[] }>;
  /** Object versions of the version's image, package versions named so, verify jobs for it, open multipart uploads. */
  cloudCounts(version: string, r: ReleaseRecord): { objectVersions: number; packageVersions: number; verifyJobs: number; openUploads: number };
  /** PASSED, and exactly one object version, one package version, one verify job, no upload left open. */
  assertOneOfEach(version: string, r: ReleaseRecord, trail: string[]): void;
  close(): Promise<void>;
}

export async function startBuiltReleaseBench(versionMajor: number, bench: BenchOptions = {}): Promise<BuiltReleaseBench> {
  const b = await startReleaseBench({ imageKb: 64, ...bench });
  const restoreEnv = useAwsProfileFiles(join(b.dir, 'aws'), AWS_PROFILE, b.aws.credentials, b.aws.region);
  const provider = await builtProvider({ ...b.aws.profile('bench'), awsProfile: AWS_PROFILE });
  let minor = 0;
  const deps = (extra: Partial<ReleaseDeps> = {}) => b.deps({ provider, ...extra });
  const line = (r: ReleaseRecord) => `${r.status}@${resumePoint(r) ?? '-'}${r.note ? ` (${r.note.slice(0, 200)})` : ''}`;
  const cloudCounts = (version: string, r: ReleaseRecord) => {
    const bucket = b.aws.s3.bucket(DEFAULTS.bucket);
    const key = r.publish?.location.key;
    const pkg = b.aws.catalog.packages.get(PACKAGE);
    return {
      objectVersions: key ? (bucket.objects.get(key) ?? []).length : 0,
      packageVersions: pkg ? [...pkg.versions.keys()].filter((v) => v === version).length : 0,
      verifyJobs: [...b.aws.jobs.jobs.values()].filter((j) => j.description?.includes(`${PACKAGE}@${version} `)).length,
      openUploads: bucket.uploads.size,
    };
  };
  return {
    b,
    provider,
    deps,
    nextVersion() {
      const v = `${versionMajor}.${Math.floor(minor / 100)}.${minor++ % 100}`;
      b.setVersion(v);
      return v;
    },
    async resumeToEnd(first, extra = {}, max = MAX_RESUMES) {
      let r = first;
      const trail = [line(r)];
      for (let i = 0; i < max && r.status !== 'passed'; i++) {
        r = await resumeRelease((await b.store.load())!, deps(extra));
        trail.push(line(r));
      }
      return { record: r, trail };
    },
    cloudCounts,
    assertOneOfEach(version, r, trail) {
      const why = trail.join('\n  ');
      assert.equal(r.status, 'passed', `not passed:\n  ${why}`);
      assert.equal(r.verdict?.result, 'passed', why);
      assert.deepEqual(cloudCounts(version, r), { objectVersions: 1, packageVersions: 1, verifyJobs: 1, openUploads: 0 }, why);
      assert.equal(b.board.version, version);
    },
    async close() {
      provider.dispose?.();
      restoreEnv();
      await b.close();
    },
  };
}
