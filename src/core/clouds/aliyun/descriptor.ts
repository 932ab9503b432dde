// Alibaba Cloud IoT Platform as data (see ../descriptor.ts). Loaded at activation: no client code here.

import type { CloudDescriptor } from '../descriptor';
import { ALIYUN_REGION, listOf, named, validators } from '../../validators';
// From wire.ts, not limits.ts: limits.ts reads version/rules.ts, which reads the registry.
import { PAGE_MAX } from './wire';

export const ALIYUN_DESCRIPTOR: CloudDescriptor = {
  kind: 'aliyun',
  label: 'Alibaba Cloud IoT Platform',
  regions: {
    known: ['cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'ap-southeast-1', 'ap-northeast-1', 'eu-central-1', 'us-west-1', 'us-east-1'],
    validate: named(ALIYUN_REGION, 'an Alibaba Cloud region id (e.g. cn-shanghai, ap-southeast-1)'),
    endpoint: (region) => `https://iot.${region}.aliyuncs.com`,
  },
  profileFields: [
    { key: 'iotInstanceId', label: 'IoT instance id (empty for old public instances)', required: false, validate: validators.iotInstanceId },
    { key: 'productKey', label: 'ProductKey of the bench device', required: false, validate: validators.productKey },
    { key: 'deviceName', label: 'Bench DeviceName(s), comma-separated (at most 10)', required: false, validate: listOf(validators.deviceName, 10, 'devices'), list: { max: 10 } },
    { key: 'credentials', label: 'Credentials: "secrets" (keychain) or "chain" (env, ~/.alibabacloud/credentials, aliyun CLI profiles)', required: false, validate: validators.aliyunCredentials, placeholder: 'secrets' },
  ],
  secretFields: [
    { key: 'accessKeyId', label: 'AccessKey ID' },
    { key: 'accessKeySecret', label: 'AccessKey Secret' },
  ],
  // CreateOTAVerifyJob takes at most 10 devices.
  bench: { field: 'deviceName', maxTargets: 10 },
  nouns: {
    device: 'device', devices: 'devices', package: 'firmware', packages: 'firmware', version: 'version',
    job: 'job', jobs: 'jobs', execution: 'device task', executions: 'device tasks',
  },
  // FirmwareSign is the hex MD5 (default) or SHA-256 of the file (cloud-apis.md §4).
  signing: { deviceChecks: 'md5-or-sha256', signatureRequired: false, defaultHash: 'md5' },
  lists: {
    packages: { paging: 'page', maxPageSize: PAGE_MAX.firmware, statuses: [] },
    versions: { paging: 'page', maxPageSize: PAGE_MAX.firmware, statuses: ['unverified', 'verifying', 'verified', 'verify-failed', 'verify-not-needed'] },
    jobs: { paging: 'page', maxPageSize: PAGE_MAX.jobsOfFirmware, statuses: ['scheduled', 'in-progress', 'completed', 'canceled'] },
    executions: { paging: 'page', maxPageSize: PAGE_MAX.tasksOfJob, statuses: ['queued', 'notified', 'in-progress', 'succeeded', 'failed', 'canceled'] },
  },
  // ListOTAJobByFirmware: Alibaba has no account-wide job list.
  jobScope: 'version',
  credentialsHelp: { command: 'otaBench.editProfile', title: 'Edit Profile Keys' },
  // Tag.N.Value takes 1–1024 characters (key otabench.ref, limits.ts CLIENT_REF_TAG); 64 keeps the
  // reference the same length as on AWS, where it is the job id.
  clientReference: { carrier: 'tag', maxLength: 64, separator: '-' },
  folders: [{ id: 'packages', label: 'Firmware', icon: 'package' }],
  // No 'version-lifecycle' (a firmware is usable once registered), no per-device cancel (tasks are
  // cancelled per job, by state), no job document. Release to Fleet: a static upgrade job
  // (SPECIFIC, GRAY or ALL) of a verified firmware (fleet.ts).
  capabilities: new Set(['browse', 'release', 'cancel-job-tasks', 'describe-version', 'fleet-rollout']),
};
