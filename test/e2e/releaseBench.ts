// The whole Quick Release bench outside the editor: a copy of demo/workspace (its real build
// script writes the stamped image), the AWS emulator (real SDK clients through the provider), the
// virtual board with the AWS agent on a real pty, read by the extension's own serial session, and
// the core pipeline with the editor's serial watcher adapter. Used by the e2e tests and the bench.
// The parts the three clouds share are in cloudReleaseBench.ts.
import { generateKeyPairSync } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { createProvider, type AwsProvider, type AwsProviderOptions } from '../../src/core/clouds/aws';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { AwsJobsAgent } from '../bench/board/agents/aws';
import { copyDemoWorkspace, releaseBench, startBoardOnPty, type ReleaseBenchBase } from './cloudReleaseBench';

export interface ReleaseBench extends ReleaseBenchBase {
  aws: AwsEmulator;
  provider: AwsProvider;
  agent: AwsJobsAgent;
  /** Completed S3 PutObject / UploadPart requests for images (how many times bytes were stored). */
  uploads(): number;
}

export interface BenchOptions {
  imageKb?: number;
  providerOptions?: AwsProviderOptions;
  /** Agent download pacing (bytes/s); unpaced when absent. */
  bytesPerSecond?: number;
}

export async function startReleaseBench(opts: BenchOptions = {}): Promise<ReleaseBench> {
  const { dir, root } = copyDemoWorkspace('otab-release-');
  // AWS signs the image with the workspace's own key (local-key signing); the board trusts only it.
  mkdirSync(join(root, 'keys'), { recursive: true });
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(root, 'keys', 'demo-signing-key.pem'), trusted.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(root, 'keys', 'wrong-key.pem'), stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));

  const aws = await startAwsEmulator();
  const provider = await createProvider(aws.profile('bench'), undefined, { credentials: aws.credentials, watchMaxRequestsPerSecond: 20, ...opts.providerOptions });
  const agent = new AwsJobsAgent({ mqttUrl: aws.mqttUrl, thingName: 'bench-board-01', statusEvery: 128, downloadTimeoutMs: 3000, ...(opts.bytesPerSecond ? { bytesPerSecond: opts.bytesPerSecond } : {}) });
  const pty = await startBoardOnPty(join(dir, 'ttyBENCH'), agent, { trustedKeyPem: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
  const release = { profile: 'bench', cloud: 'aws', signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem', certificateName: '/certs/demo-signing-pub.pem' }, watchIntervalMs: 100 } as const;
  // Paths carry no query: a PutObject and each UploadPart of an image is one PUT to its .bin key
  // (a dropped request is recorded with the default status 200 and its fault).
  const uploads = () => aws.requests.filter((r) => r.service === 's3' && r.method === 'PUT' && r.status === 200 && !r.fault && r.path.endsWith('.bin')).length;
  const bench = releaseBench({ dir, root }, pty, { provider, imageKb: opts.imageKb ?? 4096, release, dispose: () => provider.dispose(), emulator: aws });
  return { ...bench, aws, provider, agent, uploads };
}
