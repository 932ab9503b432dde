// An MQTT broker (aedes) on 127.0.0.1 for the device side of an emulator, with hooks for who may
// connect, publish and subscribe, a callback for what devices publish, and topic helpers.
//   const broker = await startBroker({ authenticate: (id, user, pass) => known(id) ? undefined : 'unknown device',
//     authorizePublish: (id, topic) => topicParams('$oc/devices/{device}/sys/events/up', topic)?.device === id,
//     onPublish: (id, topic, payload) => … });
//   await broker.publish(`$oc/devices/${id}/sys/events/down`, { services: [...] });

import { createServer, type Server, type Socket } from 'net';
import { listenLoopback } from './listen';

type Aedes = {
  handle: (socket: Socket) => void;
  publish: (packet: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean; cmd: 'publish'; dup: boolean }, cb: (err?: Error) => void) => void;
  on: (event: string, fn: (...args: never[]) => void) => void;
  close: (cb: () => void) => void;
};
type Client = { id: string };
type Packet = { topic: string; payload: Buffer | string };

export interface BrokerOptions {
  port?: number;
  /** Accept (undefined) or refuse a CONNECT with a reason (CONNACK 5, not authorised). */
  authenticate?(clientId: string, username: string | undefined, password: Buffer | undefined): string | undefined | Promise<string | undefined>;
  /** May this client publish to this topic? (default: yes) */
  authorizePublish?(clientId: string, topic: string): boolean;
  /** May this client subscribe to this filter? (default: yes) */
  authorizeSubscribe?(clientId: string, filter: string): boolean;
  /** Every message a client published (after authorisation). */
  onPublish?(clientId: string, topic: string, payload: Buffer): void;
}

export interface Broker {
  /** mqtt://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Publishes from the broker side; objects go as JSON. */
  publish(topic: string, payload: Buffer | string | object, qos?: 0 | 1): Promise<void>;
  /** Ids of the clients connected now. */
  clients(): string[];
  close(): Promise<void>;
}

export async function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  const { Aedes } = await import('aedes');
  const connected = new Set<string>();
  const broker = (await Aedes.createBroker({
    authenticate: (client: Client, username: string | undefined, password: Buffer | undefined, cb: (e: Error | null, ok: boolean) => void) => {
      Promise.resolve(opts.authenticate?.(client.id, username, password)).then(
        (reason) => (reason ? cb(Object.assign(new Error(reason), { returnCode: 5 }), false) : cb(null, true)),
        (e: Error) => cb(Object.assign(e, { returnCode: 5 }), false),
      );
    },
    authorizePublish: (client: Client | null, packet: Packet, cb: (e?: Error | null) => void) => {
      // client is null for the broker's own publishes.
      cb(client && opts.authorizePublish && !opts.authorizePublish(client.id, packet.topic) ? new Error(`Not authorized to publish to ${packet.topic}`) : null);
    },
    authorizeSubscribe: (client: Client, sub: { topic: string }, cb: (e: Error | null, s?: unknown) => void) => {
      if (opts.authorizeSubscribe && !opts.authorizeSubscribe(client.id, sub.topic)) cb(new Error(`Not authorized to subscribe to ${sub.topic}`));
      else cb(null, sub);
    },
  } as never)) as unknown as Aedes;
  broker.on('client', ((c: Client) => connected.add(c.id)) as never);
  broker.on('clientDisconnect', ((c: Client) => connected.delete(c.id)) as never);
  broker.on('publish', ((packet: Packet, client: Client | null) => {
    if (client) opts.onPublish?.(client.id, packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
  }) as never);
  const server: Server = createServer((s) => broker.handle(s));
  const port = await listenLoopback(server, opts.port);
  let closed = false;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    publish: (topic, payload, qos = 1) =>
      new Promise((resolve) => {
        const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
        broker.publish({ topic, payload: bytes, qos, retain: false, cmd: 'publish', dup: false }, () => resolve());
      }),
    clients: () => [...connected],
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** MQTT filter matching: "+" one level, "#" the rest (also the parent level itself). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * The named levels of a topic against a pattern with {name} levels and a trailing {rest*} for the
 * remainder: topicParams('$aws/things/{thing}/jobs/{rest*}', t) → { thing, rest } or undefined.
 */
export function topicParams(pattern: string, topic: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const t = topic.split('/');
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const rest = /^\{([a-zA-Z_]+)\*\}$/.exec(p[i]);
    if (rest && i === p.length - 1) {
      if (i >= t.length) return undefined;
      out[rest[1]] = t.slice(i).join('/');
      return out;
    }
    if (i >= t.length) return undefined;
    const name = /^\{([a-zA-Z_]+)\}$/.exec(p[i]);
    if (name) {
      if (!t[i]) return undefined;
      out[name[1]] = t[i];
    } else if (p[i] !== t[i]) return undefined;
  }
  return p.length === t.length ? out : undefined;
}
