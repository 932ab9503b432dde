// What a cloud gives the provider contract suite (contract.test.ts). One fixture per cloud, in a
// file of its own (aws.fixture.ts; huawei.fixture.ts and aliyun.fixture.ts to come), listed in
// fixtures.ts. A fixture starts the cloud's emulator, makes providers from the BUILT bundle
// dist/clouds/<kind>.js exactly as the extension does (builtProvider in ../builtBundle.ts: require
// of the built file, createProvider(profile, secrets)), and reaches into the emulator for what no
// API call should do: seed data, inject faults, act as the device, cancel a job "from elsewhere",
// and count what the cloud holds.
import type { Faults } from '../../bench/kit';
import type { Artifact, CloudProvider } from '../../../src/core/clouds/provider';
import type { ListOptions } from '../../../src/core/model';

export interface ContractFixture {
  /** Shown in the suite's titles: "aws". */
  name: string;
  /** Starts the emulator and everything the provider needs (credential files, secrets). */
  start(): Promise<ContractCloud>;
}

/** What one seed() call created; every name starts with the prefix it was given. */
export interface Seeded {
  /** Package ids (the names the suite filters by prefix). */
  packages: string[];
  /** One of those packages and its versions, by the neutral status the list filter takes. */
  versions: { packageId: string; ids: string[]; byStatus: Record<string, string[]> };
  /** Jobs, by neutral status; `list` is what listJobs needs to see them (Alibaba lists per firmware). */
  jobs: { ids: string[]; byStatus: Record<string, string[]>; list: ListOptions & { version?: { packageId: string; versionId: string } } };
}

export interface ContractCloud {
  /**
   * A provider from the built bundle, its profile pointing at the emulator. `overrides` are merged
   * into the profile (the suite uses endpointOverrides to aim at a hung server).
   */
  provider(overrides?: Record<string, unknown>): Promise<CloudProvider>;
  /** Profile fields that send every call to `endpoint` with a call deadline of `seconds`. */
  endpointOverrides(endpoint: string, seconds: number): Record<string, unknown>;
  /** The emulator's fault injection (test/bench/kit). */
  faults: Faults;
  /** The cloud's action names the suite aims faults at. */
  actions: {
    /** What provider.listPackages sends. */
    listPackages: string;
    /** What provider.startVerifyJob sends to create the job. */
    createVerifyJob: string;
  };
  /**
   * Creates `n` packages named `${prefix}-…`, `versions` versions in the first of them with more
   * than one status where the cloud has version statuses, and `jobs` jobs of more than one status.
   */
  seed(prefix: string, n: { packages: number; versions: number; jobs: number }): Promise<Seeded>;
  /** A job id (in the cloud's own form) that does not exist. */
  missingJobId: string;
  /** Makes a call the cloud itself rejects as invalid (e.g. cancelling a completed job). */
  rejectedAsInvalid(provider: CloudProvider): Promise<unknown>;
  /** An image file for `packageName`/`version`, hashed (and signed where the cloud needs it). */
  artifact(packageName: string, version: string): Promise<Artifact>;
  /** Image objects stored, versions registered, verify jobs created for one version. */
  counts(packageName: string, version: string): { objects: number; versions: number; verifyJobs: number };
  /** A verify-like job on the bench device that the device has taken up and is still working on. */
  busyJob(name: string): Promise<string>;
  /** Cancels a job from outside the provider (the console, another tool), not forced. */
  cancelJobExternally(jobId: string): Promise<void>;
  close(): Promise<void>;
}
