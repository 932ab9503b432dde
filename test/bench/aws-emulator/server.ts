// One HTTP server (the emulator kit's) for IoT (restJson1), Signer (restJson1) and S3 (restXml,
// path-style). A request goes: SigV4 check (the credential scope names the service) → injected
// faults (by service, action, method or path) → the action.

import { createHash } from 'crypto';
import { matchRoute, route as kitRoute, startEmulatorServer, type EmulatorServer, type Exchange, type Faults, type RequestRecord } from '../kit';
import { serviceOf, type SigV4Verifier } from './auth';
import { AwsError, sendError, sendJson, type Service } from './errors';
import type { Catalog } from './iot/catalog';
import type { Documents } from './iot/documents';
import type { Jobs } from './iot/jobs';
import type { OtaUpdates } from './iot/ota';
import type { Things } from './iot/things';
import type { S3Store } from './s3';
import type { SignerService } from './signer';

export interface Services {
  things: Things;
  catalog: Catalog;
  jobs: Jobs;
  ota: OtaUpdates;
  documents: Documents;
  s3: S3Store;
  signer: SignerService;
  faults: Faults;
  verifier: SigV4Verifier;
  /** GET /__admin/state (the demo's view of the world). */
  state: () => unknown;
  /** Extra admin routes (seeding for the demo). */
  admin: (method: string, path: string, body: unknown) => unknown;
}

type Handler = (p: string[], q: URLSearchParams, body: unknown) => unknown | Promise<unknown>;

const route = (service: Service, method: string, pattern: string, action: string, handler: Handler) => kitRoute(method, pattern, action, handler, service);

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true';

function routes(s: Services) {
  const { catalog, jobs, things, ota, documents, signer } = s;
  return [
    route('iot', 'GET', '/packages', 'ListPackages', (_p, q) => catalog.listPackages(q)),
    route('iot', 'PUT', '/packages/{p}', 'CreatePackage', ([p], q, b) => catalog.createPackage(p, b, q.get('clientToken'))),
    route('iot', 'GET', '/packages/{p}', 'GetPackage', ([p]) => catalog.getPackage(p)),
    route('iot', 'GET', '/packages/{p}/versions', 'ListPackageVersions', ([p], q) => catalog.listVersions(p, q)),
    route('iot', 'PUT', '/packages/{p}/versions/{v}', 'CreatePackageVersion', ([p, v], q, b) => catalog.createVersion(p, v, b, q.get('clientToken'))),
    route('iot', 'GET', '/packages/{p}/versions/{v}', 'GetPackageVersion', ([p, v]) => catalog.getVersion(p, v)),
    route('iot', 'PATCH', '/packages/{p}/versions/{v}', 'UpdatePackageVersion', ([p, v], _q, b) => catalog.updateVersion(p, v, b)),
    route('iot', 'PUT', '/packages/{p}/versions/{v}/sbom', 'AssociateSbomWithPackageVersion', ([p, v], _q, b) => catalog.associateSbom(p, v, b)),
    route('iot', 'GET', '/jobs', 'ListJobs', (_p, q) => jobs.list(q)),
    route('iot', 'PUT', '/jobs/{j}', 'CreateJob', ([j], _q, b) => jobs.create(j, b)),
    route('iot', 'GET', '/jobs/{j}', 'DescribeJob', ([j]) => jobs.describe(j)),
    route('iot', 'GET', '/jobs/{j}/job-document', 'GetJobDocument', ([j], q) => ({ document: documents.controlPlane(jobs.job(j), flag(q, 'beforeSubstitution')) })),
    route('iot', 'PUT', '/jobs/{j}/cancel', 'CancelJob', ([j], q, b) => jobs.cancel(j, flag(q, 'force'), b)),
    route('iot', 'GET', '/jobs/{j}/things', 'ListJobExecutionsForJob', ([j], q) => jobs.listExecutions(j, q)),
    route('iot', 'GET', '/things/{t}/jobs', 'ListJobExecutionsForThing', ([t], q) => jobs.listForThing(t, q)),
    route('iot', 'GET', '/things/{t}/jobs/{j}', 'DescribeJobExecution', ([t, j], q) => jobs.describeExecution(j, t, q.get('executionNumber'))),
    route('iot', 'PUT', '/things/{t}/jobs/{j}/cancel', 'CancelJobExecution', ([t, j], q, b) => jobs.cancelExecution(j, t, flag(q, 'force'), b)),
    route('iot', 'POST', '/things/{t}', 'CreateThing', ([t], _q, b) => things.handleCreateThing(t, b)),
    route('iot', 'GET', '/things/{t}', 'DescribeThing', ([t]) => things.handleDescribeThing(t)),
    route('iot', 'PUT', '/thing-groups/addThingToThingGroup', 'AddThingToThingGroup', (_p, _q, b) => things.handleAddThingToGroup(b)),
    route('iot', 'POST', '/thing-groups/{g}', 'CreateThingGroup', ([g]) => things.handleCreateGroup(g)),
    route('iot', 'GET', '/thing-groups/{g}', 'DescribeThingGroup', ([g]) => things.handleDescribeGroup(g)),
    route('iot', 'GET', '/otaUpdates', 'ListOTAUpdates', (_p, q) => ota.list(q)),
    route('iot', 'POST', '/otaUpdates/{o}', 'CreateOTAUpdate', ([o], _q, b) => ota.create(o, b)),
    route('iot', 'GET', '/otaUpdates/{o}', 'GetOTAUpdate', ([o]) => ota.get(o)),
    route('signer', 'PUT', '/signing-profiles/{n}', 'PutSigningProfile', ([n], _q, b) => signer.putProfile(n, b)),
    route('signer', 'GET', '/signing-profiles/{n}', 'GetSigningProfile', ([n]) => signer.getProfile(n)),
    route('signer', 'POST', '/signing-jobs', 'StartSigningJob', (_p, _q, b) => signer.startJob(b)),
    route('signer', 'GET', '/signing-jobs/{j}', 'DescribeSigningJob', ([j]) => signer.describeJob(j)),
    route('signer', 'GET', '/signing-platforms/{id}', 'GetSigningPlatform', ([id]) => signer.platform(id)),
  ];
}

const THROTTLE: Record<Service, AwsError> = {
  iot: new AwsError(429, 'ThrottlingException', 'Rate exceeded'),
  signer: new AwsError(429, 'ThrottlingException', 'Rate exceeded'),
  s3: new AwsError(503, 'SlowDown', 'Please reduce your request rate.'),
};
const FAILURE: Record<Service, AwsError> = {
  iot: new AwsError(500, 'InternalFailureException', 'An unexpected error occurred (injected).'),
  signer: new AwsError(500, 'InternalServiceErrorException', 'An internal error occurred (injected).'),
  s3: new AwsError(500, 'InternalError', 'We encountered an internal error. Please try again. (injected)'),
};

export function startAwsServer(s: Services, log: RequestRecord[], port?: number): Promise<EmulatorServer> {
  const table = routes(s);
  return startEmulatorServer({
    name: 'aws-emulator',
    port,
    faults: s.faults,
    log,
    state: s.state,
    admin: s.admin,
    tooLarge: (limit) => new AwsError(413, 'RequestEntityTooLargeException', `Request body larger than ${limit} bytes.`),
    faultError: (kind, ex) => (kind === 'throttle' ? THROTTLE : FAILURE)[ex.service as Service],
    sendError(ex, e) {
      const err = e instanceof AwsError ? e : new AwsError(500, 'InternalFailureException', `Emulator error: ${(e as Error).message}`);
      if (!(e instanceof AwsError)) console.error('[aws-emulator]', e);
      sendError(ex.res, (ex.service as Service | undefined) ?? 'iot', err, ex.method);
    },
    async serve(ex: Exchange) {
      const { method, rawPath, query } = ex;
      ex.service = serviceOf(ex.req.headers, query) ?? (query.has('X-Amz-Signature') ? 's3' : 'iot');
      // JSON services: buffer the body (it is part of the signature); S3 streams its body later.
      const body = ex.service === 's3' ? undefined : await ex.body();
      const auth = await s.verifier.verify(method, rawPath, query, ex.req.headers, body, ex.service as Service);
      if (body && auth.payloadHash && /^[0-9a-f]{64}$/.test(auth.payloadHash) && createHash('sha256').update(body).digest('hex') !== auth.payloadHash) {
        // The signed hash no longer describes the body: to AWS that is a signature mismatch.
        throw new AwsError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided (the body does not match x-amz-content-sha256).');
      }
      ex.service = auth.service;
      if (auth.service === 's3') {
        ex.action = s.s3.action(method, rawPath, query);
        if (await ex.fault()) return;
        return await s.s3.handle(ex.req, ex.res, rawPath, query, auth.payloadHash, auth.presigned);
      }
      const m = matchRoute(table, method, ex.url.pathname, auth.service);
      ex.action = m?.route.action;
      if (await ex.fault()) return;
      if (!m) throw new AwsError(404, 'UnknownOperationException', `${method} ${ex.url.pathname} is not an operation this emulator serves.`);
      let parsed: unknown = {};
      if (body && body.length) {
        try {
          parsed = JSON.parse(body.toString());
        } catch {
          throw new AwsError(400, auth.service === 'signer' ? 'ValidationException' : 'InvalidRequestException', 'The request body is not valid JSON.');
        }
      }
      return sendJson(ex.res, await m.route.handler(m.params, query, parsed));
    },
  });
}
