// Huawei Cloud IoTDA as data (see ../descriptor.ts). Loaded at activation: no client code here.

import type { CloudDescriptor } from '../descriptor';
import { HUAWEI_REGIONS, listOf, oneOf, validators } from '../../validators';
import { iotdaEndpoint } from './endpoint';
import { PAGE_LIMITS } from './wire';

export const HUAWEI_DESCRIPTOR: CloudDescriptor = {
  kind: 'huawei',
  label: 'Huawei Cloud IoTDA',
  regions: {
    known: HUAWEI_REGIONS,
    validate: oneOf(HUAWEI_REGIONS, 'an IoTDA region'),
    endpoint: (region) => iotdaEndpoint(region),
  },
  profileFields: [
    { key: 'projectId', label: 'Project id', required: true, validate: validators.projectId },
    { key: 'instanceId', label: 'IoTDA instance id (standard/enterprise editions)', required: false, validate: validators.instanceId },
    { key: 'appId', label: 'Resource space (app_id)', required: false, validate: validators.appId },
    { key: 'productId', label: 'Product id of the bench device', required: false, validate: validators.productId },
    { key: 'deviceId', label: 'Bench device_id(s), comma-separated', required: false, validate: listOf(validators.deviceId, 10, 'devices'), list: { max: 10 } },
    { key: 'obsBucket', label: 'OBS bucket for firmware images', required: false, validate: validators.obsBucket },
    { key: 'obsRegion', label: 'OBS bucket region (empty = the profile region)', required: false, validate: validators.obsRegion },
    { key: 'credentials', label: 'Credentials: "secrets" (keychain) or "env" (HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN)', required: false, validate: validators.huaweiCredentials, placeholder: 'secrets' },
  ],
  secretFields: [
    { key: 'accessKey', label: 'Access Key (AK)' },
    { key: 'secretKey', label: 'Secret Key (SK)' },
    { key: 'securityToken', label: 'Security token (temporary AK/SK only; empty for a permanent key)', optional: true },
  ],
  bench: { field: 'deviceId', maxTargets: 10 },
  nouns: {
    device: 'device', devices: 'devices', package: 'package', packages: 'packages', version: 'version',
    job: 'upgrade task', jobs: 'upgrade tasks', execution: 'device task', executions: 'device tasks',
  },
  // The device compares `sign` with the SHA-256 of the download (cloud-apis.md §4).
  signing: { deviceChecks: 'sha256', signatureRequired: false, defaultHash: 'sha256' },
  lists: {
    packages: { paging: 'marker', maxPageSize: PAGE_LIMITS.maxLimit, statuses: [] },
    versions: { paging: 'marker', maxPageSize: PAGE_LIMITS.maxLimit, statuses: [] },
    jobs: { paging: 'marker', maxPageSize: PAGE_LIMITS.maxLimit, statuses: ['scheduled', 'in-progress', 'completed', 'failed', 'partial', 'canceled'] },
    executions: { paging: 'marker', maxPageSize: PAGE_LIMITS.maxLimit, statuses: ['queued', 'in-progress', 'succeeded', 'failed', 'canceled', 'removed'] },
  },
  jobScope: 'account',
  credentialsHelp: { command: 'otaBench.editProfile', title: 'Edit Profile Keys' },
  // task_name: ≤ 128 letters, digits and "_" (no "-").
  clientReference: { carrier: 'task-name', maxLength: 128, separator: '_' },
  folders: [
    { id: 'packages', label: 'Packages', icon: 'package' },
    { id: 'jobs', label: 'Upgrade tasks', icon: 'tasklist' },
  ],
  // Stop = StopBatchTask, retry = RetryBatchTask; one device's subtask and one package record can be
  // read; Release to Fleet = one firmwareUpgrade task on device groups or device_ids.
  capabilities: new Set(['browse', 'release', 'cancel-job', 'retry-job', 'confirm-job', 'describe-execution', 'describe-version', 'job-document', 'fleet-rollout']),
};
