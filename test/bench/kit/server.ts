// The HTTP side of an emulator: a server on 127.0.0.1 (port 0 = any free one), an X-Request-Id on
// every response, a request log, admin routes under /__admin/ (faults, state) and the per-request
// Exchange through which the emulator reads the raw body and applies injected faults. The emulator
// supplies serve() (its routing, auth and actions) and sendError() (its cloud's error shape).

import { randomUUID } from 'crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import { readBody } from './body';
import { listenLoopback } from './listen';
import { FAULT_KINDS, type FaultHit, type FaultKind, type Faults, type FaultSchedule } from './faults';

export interface RequestRecord {
  at: number;
  requestId: string;
  /** Set by the emulator: 'admin' for admin routes, '?' until it knows. */
  service: string;
  action?: string;
  method: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  status: number;
  ms: number;
  fault?: FaultKind;
}

export interface EmulatorServerOptions {
  /** Prefix for console errors, e.g. "aws-emulator". */
  name: string;
  port?: number;
  faults: Faults;
  /** Where records go (default: a new array). Capped at 20,000 entries. */
  log?: RequestRecord[];
  /** Serves one request: reply through ex.res or throw; a throw goes to sendError. */
  serve(ex: Exchange): Promise<void>;
  /** Sends a thrown error in the cloud's shape (anything the emulator did not mean, too). */
  sendError(ex: Exchange, e: unknown): void;
  /** The cloud's own throttle / server-error for an injected fault; it is thrown from ex.fault(). */
  faultError(kind: 'throttle' | 'error', ex: Exchange): Error;
  /** GET /__admin/state: what the demo or a test wants to see. */
  state?(): unknown;
  /** Further admin routes (path below /__admin); the JSON result is the reply. */
  admin?(method: string, path: string, body: unknown): unknown;
  /** Largest body ex.body() reads (default 1 MiB) and the error past it. */
  bodyLimit?: number;
  tooLarge?: (limit: number) => Error;
}

export interface EmulatorServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  server: Server;
  log: RequestRecord[];
  close(): Promise<void>;
}

/** One request on its way through the emulator. */
export class Exchange {
  readonly method: string;
  readonly url: URL;
  /** The path exactly as sent (percent-encoding kept; signatures are over it). */
  readonly rawPath: string;
  /** Set these as soon as known: they go into the log and fault matching. */
  service?: string;
  action?: string;
  /** True once a fault ended the exchange (dropped, hanging, reply swallowed). */
  replyLost = false;
  private raw?: Promise<Buffer>;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    readonly record: RequestRecord,
    private readonly opts: EmulatorServerOptions,
  ) {
    this.method = req.method ?? 'GET';
    this.url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.rawPath = (req.url ?? '/').split('?')[0];
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  /** The raw body bytes (read once; later calls return the same buffer). */
  body(): Promise<Buffer> {
    return (this.raw ??= readBody(this.req, this.opts.bodyLimit, this.opts.tooLarge));
  }

  /**
   * Takes this request's injected fault, if any, and applies it. Returns true when the request is
   * over (dropped, or left hanging): the caller must stop. A throttle or error is thrown in the
   * cloud's shape. A lost reply lets the action run and then closes the socket unanswered.
   */
  async fault(): Promise<boolean> {
    const hit: FaultHit | undefined = this.opts.faults.take({ service: this.service, action: this.action, method: this.method, path: this.rawPath });
    if (!hit) return false;
    this.record.fault = hit.kind;
    switch (hit.kind) {
      case 'drop':
        this.replyLost = true;
        this.req.socket.destroy();
        return true;
      case 'hang':
        // Accepted and never answered: the socket stays open until the client (or close()) ends it.
        this.replyLost = true;
        return true;
      case 'delay':
        await new Promise((r) => setTimeout(r, hit.delayMs ?? 1000));
        return false;
      case 'lose-reply':
        this.swallowReply();
        return false;
      default:
        this.res.setHeader('connection', 'close');
        throw this.opts.faultError(hit.kind, this);
    }
  }

  /** Whatever the action writes goes nowhere; when it ends its reply, the socket is destroyed. */
  private swallowReply(): void {
    this.replyLost = true;
    const res = this.res;
    const socket = this.req.socket;
    const callback = (args: unknown[]) => args.find((a): a is () => void => typeof a === 'function');
    res.writeHead = (() => res) as never;
    res.flushHeaders = () => undefined;
    res.write = ((...args: unknown[]) => (callback(args)?.(), true)) as never;
    res.end = ((...args: unknown[]) => {
      socket.destroy();
      callback(args)?.();
      return res;
    }) as never;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body ?? {}));
}

type FaultBody = { kind?: FaultKind; count?: number; service?: string; action?: string; method?: string; pathPrefix?: string; delayMs?: number; schedule?: FaultSchedule };

/** POST adds (count rules or a seeded schedule), DELETE clears, GET lists pending and counts. */
function faultsAdmin(faults: Faults, method: string, b: FaultBody): unknown {
  if (method === 'POST') {
    if (b.schedule) faults.schedule(b.schedule);
    else {
      if (!b.kind || !FAULT_KINDS.includes(b.kind)) throw new RangeError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
      faults.next(b.kind, b.count ?? 1, { service: b.service, action: b.action, method: b.method, pathPrefix: b.pathPrefix }, b.kind === 'delay' ? (b.delayMs ?? 1000) : undefined);
    }
    return { pending: faults.pending() };
  }
  if (method === 'DELETE') {
    faults.clear();
    return { pending: [] };
  }
  return { pending: faults.pending(), counts: faults.counts, byAction: faults.byAction };
}

export async function startEmulatorServer(opts: EmulatorServerOptions): Promise<EmulatorServer> {
  const log = opts.log ?? [];
  const admin = async (ex: Exchange): Promise<void> => {
    ex.service = 'admin';
    const path = ex.rawPath.slice('/__admin'.length);
    const raw = await ex.body();
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString()) : {};
    } catch {
      return json(ex.res, 400, { message: 'The admin request body is not valid JSON.' });
    }
    try {
      if (path === '/faults') return json(ex.res, 200, faultsAdmin(opts.faults, ex.method, body as FaultBody));
      if (path === '/state' && opts.state) return json(ex.res, 200, opts.state());
      if (opts.admin) return json(ex.res, 200, await opts.admin(ex.method, path, body));
      json(ex.res, 404, { message: `unknown admin route ${ex.method} ${path}` });
    } catch (e) {
      json(ex.res, 400, { message: (e as Error).message });
    }
  };

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const record: RequestRecord = { at: Date.now(), requestId, service: '?', method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0], status: 0, ms: 0 };
    const ex = new Exchange(req, res, requestId, record, opts);
    res.setHeader('x-request-id', requestId);
    res.on('close', () => {
      record.service = ex.service ?? record.service;
      record.action = ex.action;
      record.status = res.statusCode;
      record.ms = Date.now() - record.at;
      log.push(record);
      if (log.length > 20_000) log.splice(0, 10_000);
    });
    const run = ex.rawPath.startsWith('/__admin/') ? admin(ex) : opts.serve(ex);
    run.catch((e) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      try {
        opts.sendError(ex, e);
      } catch (e2) {
        console.error(`[${opts.name}]`, e2);
        res.destroy();
      }
    });
  });
  const port = await listenLoopback(server, opts.port);
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    log,
    async close() {
      if (closed) return;
      closed = true;
      // Hanging requests and keep-alive sockets would hold close() open.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// --- route table ---------------------------------------------------------------------------------

export interface Route<H> {
  method: string;
  /** Path with {name} placeholders, e.g. "/v5/iot/{project}/batchtasks/{task}". */
  pattern: string;
  /** The API action this route is (fault filters and the log use it). */
  action: string;
  handler: H;
  /** For emulators that serve several services on one port. */
  service?: string;
  re: RegExp;
}

export function route<H>(method: string, pattern: string, action: string, handler: H, service?: string): Route<H> {
  const re = new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[a-zA-Z_]+\}/g, '([^/]+)')}$`);
  return { method, pattern, action, handler, service, re };
}

/** The first route for this method and path (and service, when given), with its decoded params. */
export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string, service?: string): { route: Route<H>; params: string[] } | undefined {
  for (const r of routes) {
    if (r.method !== method || (service !== undefined && r.service !== service)) continue;
    const m = r.re.exec(path);
    if (m) return { route: r, params: m.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}
