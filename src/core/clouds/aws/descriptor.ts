// AWS IoT as data (see ../descriptor.ts). Loaded at activation: no SDK import here.

import type { CloudDescriptor } from '../descriptor';
import { AWS_REGION, listOf, named, validators } from '../../validators';
import { PAGE_SIZE } from './limits';

const EXECUTION_STATUSES = ['queued', 'in-progress', 'succeeded', 'failed', 'timed-out', 'rejected', 'canceled', 'removed'];

export const AWS_DESCRIPTOR: CloudDescriptor = {
  kind: 'aws',
  label: 'AWS IoT',
  regions: {
    known: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-1', 'cn-north-1'],
    validate: named(AWS_REGION, 'an AWS region name (e.g. us-east-1, eu-central-1)'),
    endpoint: (region) => `https://iot.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
  },
  profileFields: [
    { key: 'awsProfile', label: 'AWS profile name (from ~/.aws/config; empty = default chain)', required: false, validate: validators.awsProfile, placeholder: 'default' },
    { key: 'thingName', label: 'Bench device thing name(s), comma-separated', required: false, validate: listOf(validators.thingName, 10, 'things'), placeholder: 'bench-board-01', list: { max: 10 } },
    { key: 'bucket', label: 'Versioned S3 bucket for firmware images', required: false, validate: validators.bucket, placeholder: 'my-firmware-bucket' },
    { key: 'roleArn', label: 'IAM role ARN for presigned URLs / OTA updates', required: false, validate: validators.roleArn, placeholder: 'arn:aws:iam::123456789012:role/ota-role' },
  ],
  // AWS credentials come from the SDK's own chain (profiles, SSO), never from us.
  secretFields: [],
  bench: { field: 'thingName', maxTargets: 10 },
  nouns: {
    device: 'thing', devices: 'things', package: 'package', packages: 'packages', version: 'version',
    job: 'job', jobs: 'jobs', execution: 'execution', executions: 'executions', cloudRef: 'ARN',
  },
  // The FreeRTOS OTA agent checks an ECDSA (or RSA) signature from the job document.
  signing: { deviceChecks: 'signature', signatureRequired: true, defaultHash: 'sha256', cloudSigner: 'AWS Signer' },
  lists: {
    packages: { paging: 'token', maxPageSize: PAGE_SIZE.packages.max, statuses: [] },
    versions: { paging: 'token', maxPageSize: PAGE_SIZE.versions.max, statuses: ['draft', 'published', 'deprecated'] },
    jobs: { paging: 'token', maxPageSize: PAGE_SIZE.jobs.max, statuses: ['in-progress', 'scheduled', 'completed', 'canceled'] },
    executions: { paging: 'token', maxPageSize: PAGE_SIZE.executions.max, statuses: EXECUTION_STATUSES },
  },
  jobScope: 'account',
  credentialsHelp: { command: 'otaBench.openAwsConfig', title: 'Open AWS config' },
  // ≤ 56: an OTA update's job is AFR_OTA-<reference>, and job ids stop at 64.
  clientReference: { carrier: 'job-id', maxLength: 56, separator: '-' },
  folders: [
    { id: 'packages', label: 'Packages', icon: 'package' },
    { id: 'jobs', label: 'Jobs', icon: 'tasklist' },
    { id: 'ota-updates', label: 'OTA updates', icon: 'rocket' },
  ],
  capabilities: new Set([
    'browse', 'release', 'version-lifecycle', 'cancel-job', 'cancel-execution', 'job-document', 'describe-execution',
    'describe-version', 'ota-updates', 'fleet-rollout',
  ]),
  // A fleet job's devices download through presigned URLs, which need an IAM role.
  profileNeeds: {
    'fleet-rollout': (p) => (p.kind === 'aws' && !p.roleArn ? `Profile "${p.name}" has no IAM role for presigned URLs (roleArn).` : undefined),
  },
};
