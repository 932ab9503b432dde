// OBS for the emulator, through OBS's S3-compatible API (AWS4-HMAC-SHA256, path-style): the AWS
// emulator's S3 store and SigV4 verifier on their own port, with the same Huawei AK/SK. Devices
// download packages through presigned GET URLs, as `_v2` upgrade notifications carry OBS URLs.

import { mkdtemp } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { presignGet, SigV4Verifier, type KnownKey as AwsKey } from '../aws-emulator/auth';
import { AwsError, sendError } from '../aws-emulator/errors';
import { S3Store } from '../aws-emulator/s3';
import { startEmulatorServer, type EmulatorServer, type Faults, type RequestRecord } from '../kit';

export interface ObsKey {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
  expired?: boolean;
}

export interface Obs {
  url: string;
  store: S3Store;
  server: EmulatorServer;
  /** A presigned GET URL for an object (what a device downloads). */
  presign(bucket: string, key: string, expiresIn?: number): Promise<string>;
  /** Size of the latest version of an object, or undefined. */
  size(bucket: string, key: string): number | undefined;
  close(): Promise<void>;
}

export async function startObs(opts: { keys: ObsKey[]; region: string; faults: Faults; log: RequestRecord[]; port?: number }): Promise<Obs> {
  const store = new S3Store(await mkdtemp(join(tmpdir(), 'huawei-emulator-obs-')));
  const awsKeys = new Map<string, AwsKey>(opts.keys.map((k) => [k.accessKey, { accessKeyId: k.accessKey, secretAccessKey: k.secretKey, sessionToken: k.securityToken, expired: k.expired }]));
  const verifier = new SigV4Verifier(awsKeys);
  const server = await startEmulatorServer({
    name: 'huawei-emulator-obs',
    port: opts.port,
    faults: opts.faults,
    log: opts.log,
    faultError: (kind) => (kind === 'throttle' ? new AwsError(503, 'SlowDown', 'Please reduce your request rate.') : new AwsError(500, 'InternalError', 'We encountered an internal error. Please try again. (injected)')),
    sendError(ex, e) {
      const err = e instanceof AwsError ? e : new AwsError(500, 'InternalError', `Emulator error: ${(e as Error).message}`);
      if (!(e instanceof AwsError)) console.error('[huawei-emulator-obs]', e);
      sendError(ex.res, 's3', err, ex.method);
    },
    async serve(ex) {
      ex.service = 'obs';
      const auth = await verifier.verify(ex.method, ex.rawPath, ex.query, ex.req.headers, undefined, 's3');
      ex.action = store.action(ex.method, ex.rawPath, ex.query);
      if (await ex.fault()) return;
      await store.handle(ex.req, ex.res, ex.rawPath, ex.query, auth.payloadHash, auth.presigned);
    },
  });
  const signer = opts.keys.find((k) => !k.expired && !k.securityToken) ?? opts.keys[0];
  return {
    url: server.url,
    store,
    server,
    presign: (bucket, key, expiresIn = 3600) => presignGet(server.url, bucket, key, { accessKeyId: signer.accessKey, secretAccessKey: signer.secretKey }, opts.region, expiresIn),
    size: (bucket, key) => store.buckets.get(bucket)?.objects.get(key)?.at(-1)?.size,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
