// One HTTP server for IoT (restJson1), Signer (restJson1) and S3 (restXml, path-style). A request
// goes: SigV4 check (the credential scope names the service) → injected faults → the route.

import { createHash } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { serviceOf, type SigV4Verifier } from './auth';
import { readBody } from './body';
import { AwsError, sendError, sendJson, type Service } from './errors';
import type { FaultKind, Faults } from './faults';
import type { Catalog } from './iot/catalog';
import type { Documents } from './iot/documents';
import type { Jobs } from './iot/jobs';
import type { OtaUpdates } from './iot/ota';
import type { Things } from './iot/things';
import type { S3Store } from './s3';
import type { SignerService } from './signer';

export interface RequestRecord {
  at: number;
  service: Service | 'admin' | '?';
  method: string;
  path: string;
  status: number;
  ms: number;
  fault?: FaultKind;
}

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
  /** Extra admin routes (state dumps for the demo). */
  admin: (method: string, path: string, body: unknown) => unknown;
}

type Handler = (p: string[], q: URLSearchParams, body: unknown) => unknown | Promise<unknown>;
interface Route {
  service: Service;
  method: string;
  re: RegExp;
  handler: Handler;
}

function route(service: Service, method: string, pattern: string, handler: Handler): Route {
  const re = new RegExp(`^${pattern.replace(/\{[a-zA-Z]+\}/g, '([^/]+)')}$`);
  return { service, method, re, handler };
}

const flag = (q: URLSearchParams, name: string) => q.get(name) === 'true';

function routes(s: Services): Route[] {
  const { catalog, jobs, things, ota, documents, signer } = s;
  return [
    route('iot', 'GET', '/packages', (_p, q) => catalog.listPackages(q)),
    route('iot', 'PUT', '/packages/{p}', ([p], q, b) => catalog.createPackage(p, b, q.get('clientToken'))),
    route('iot', 'GET', '/packages/{p}', ([p]) => catalog.getPackage(p)),
    route('iot', 'GET', '/packages/{p}/versions', ([p], q) => catalog.listVersions(p, q)),
    route('iot', 'PUT', '/packages/{p}/versions/{v}', ([p, v], q, b) => catalog.createVersion(p, v, b, q.get('clientToken'))),
    route('iot', 'GET', '/packages/{p}/versions/{v}', ([p, v]) => catalog.getVersion(p, v)),
    route('iot', 'PATCH', '/packages/{p}/versions/{v}', ([p, v], _q, b) => catalog.updateVersion(p, v, b)),
    route('iot', 'PUT', '/packages/{p}/versions/{v}/sbom', ([p, v], _q, b) => catalog.associateSbom(p, v, b)),
    route('iot', 'GET', '/jobs', (_p, q) => jobs.list(q)),
    route('iot', 'PUT', '/jobs/{j}', ([j], _q, b) => jobs.create(j, b)),
    route('iot', 'GET', '/jobs/{j}', ([j]) => jobs.describe(j)),
    route('iot', 'GET', '/jobs/{j}/job-document', ([j], q) => ({ document: documents.controlPlane(jobs.job(j), flag(q, 'beforeSubstitution')) })),
    route('iot', 'PUT', '/jobs/{j}/cancel', ([j], q, b) => jobs.cancel(j, flag(q, 'force'), b)),
    route('iot', 'GET', '/jobs/{j}/things', ([j], q) => jobs.listExecutions(j, q)),
    route('iot', 'GET', '/things/{t}/jobs/{j}', ([t, j], q) => jobs.describeExecution(j, t, q.get('executionNumber'))),
    route('iot', 'PUT', '/things/{t}/jobs/{j}/cancel', ([t, j], q, b) => jobs.cancelExecution(j, t, flag(q, 'force'), b)),
    route('iot', 'POST', '/things/{t}', ([t], _q, b) => things.handleCreateThing(t, b)),
    route('iot', 'GET', '/things/{t}', ([t]) => things.handleDescribeThing(t)),
    route('iot', 'PUT', '/thing-groups/addThingToThingGroup', (_p, _q, b) => things.handleAddThingToGroup(b)),
    route('iot', 'POST', '/thing-groups/{g}', ([g]) => things.handleCreateGroup(g)),
    route('iot', 'GET', '/otaUpdates', (_p, q) => ota.list(q)),
    route('iot', 'POST', '/otaUpdates/{o}', ([o], _q, b) => ota.create(o, b)),
    route('iot', 'GET', '/otaUpdates/{o}', ([o]) => ota.get(o)),
    route('signer', 'PUT', '/signing-profiles/{n}', ([n], _q, b) => signer.putProfile(n, b)),
    route('signer', 'GET', '/signing-profiles/{n}', ([n]) => signer.getProfile(n)),
    route('signer', 'POST', '/signing-jobs', (_p, _q, b) => signer.startJob(b)),
    route('signer', 'GET', '/signing-jobs/{j}', ([j]) => signer.describeJob(j)),
    route('signer', 'GET', '/signing-platforms/{id}', ([id]) => signer.platform(id)),
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

export function createAwsServer(s: Services, log: RequestRecord[]): Server {
  const table = routes(s);
  const handle = async (req: IncomingMessage, res: ServerResponse, rec: RequestRecord): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawPath = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    rec.path = rawPath;
    if (rawPath.startsWith('/__admin/')) {
      rec.service = 'admin';
      const body = await readBody(req);
      return sendJson(res, await s.admin(method, rawPath.slice('/__admin'.length), body.length ? JSON.parse(body.toString()) : undefined));
    }
    const guess = serviceOf(req.headers, url.searchParams) ?? (url.searchParams.has('X-Amz-Signature') ? 's3' : 'iot');
    rec.service = guess;
    try {
      // JSON services: buffer the body (it is part of the signature); S3 streams its body later.
      const body = guess === 's3' ? undefined : await readBody(req);
      const auth = await s.verifier.verify(method, rawPath, url.searchParams, req.headers, body, guess);
      if (body && auth.payloadHash && /^[0-9a-f]{64}$/.test(auth.payloadHash) && createHash('sha256').update(body).digest('hex') !== auth.payloadHash) {
        // The signed hash no longer describes the body: to AWS that is a signature mismatch.
        throw new AwsError(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided (the body does not match x-amz-content-sha256).');
      }
      const fault = s.faults.take(auth.service, method, rawPath);
      if (fault) {
        rec.fault = fault.kind;
        if (fault.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs ?? 1000));
        else {
          res.setHeader('connection', 'close');
          throw fault.kind === 'throttle' ? THROTTLE[auth.service] : FAILURE[auth.service];
        }
      }
      if (auth.service === 's3') return await s.s3.handle(req, res, rawPath, url.searchParams, auth.payloadHash, auth.presigned);
      const path = url.pathname;
      for (const r of table) {
        if (r.service !== auth.service || r.method !== method) continue;
        const m = r.re.exec(path);
        if (!m) continue;
        let parsed: unknown = {};
        if (body && body.length) {
          try {
            parsed = JSON.parse(body.toString());
          } catch {
            throw new AwsError(400, auth.service === 'signer' ? 'ValidationException' : 'InvalidRequestException', 'The request body is not valid JSON.');
          }
        }
        const params = m.slice(1).map(decodeURIComponent);
        return sendJson(res, await r.handler(params, url.searchParams, parsed));
      }
      throw new AwsError(404, 'UnknownOperationException', `${method} ${path} is not an operation this emulator serves.`);
    } catch (e) {
      const err = e instanceof AwsError ? e : new AwsError(500, 'InternalFailureException', `Emulator error: ${(e as Error).message}`);
      if (!(e instanceof AwsError)) console.error('[aws-emulator]', e);
      sendError(res, guess, err, method);
    }
  };
  return createServer((req, res) => {
    const rec: RequestRecord = { at: Date.now(), service: '?', method: req.method ?? 'GET', path: '', status: 0, ms: 0 };
    res.on('close', () => {
      rec.status = res.statusCode;
      rec.ms = Date.now() - rec.at;
      log.push(rec);
      if (log.length > 20_000) log.splice(0, 10_000);
    });
    handle(req, res, rec).catch((e) => {
      console.error('[aws-emulator]', e);
      if (!res.headersSent) sendError(res, 'iot', new AwsError(500, 'InternalFailureException', String(e)));
      else res.destroy();
    });
  });
}
