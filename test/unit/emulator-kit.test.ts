// The emulator kit on real sockets: a toy cloud built on it (one create action, one list), driven
// with fetch and an MQTT client, so each fault, check and paging mode is seen from the client side.
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import mqtt from 'mqtt';
import { cliOptions } from '../bench/kit/cli';
import {
  checkEnum,
  checkInt,
  checkIntText,
  checkList,
  checkRequired,
  checkString,
  Faults,
  Fields,
  markerPage,
  matchRoute,
  numberPage,
  ProblemError,
  route,
  startBroker,
  startEmulatorServer,
  tokenPage,
  topicMatches,
  topicParams,
  type EmulatorServer,
  type Exchange,
} from '../bench/kit';

/** A toy cloud: POST /items/{name} creates, GET /items lists (nextToken), errors as {code,message}. */
async function toyCloud(faults = new Faults()) {
  const items: { name: string; sha: string }[] = [];
  class ToyError extends Error {
    constructor(
      readonly status: number,
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
  }
  type H = (ex: Exchange, params: string[]) => Promise<unknown>;
  const routes = [
    route<H>('POST', '/items/{name}', 'CreateItem', async (ex, [name]) => {
      const body = await ex.body();
      const item = { name, sha: createHash('sha256').update(body).digest('hex') };
      items.push(item);
      return item;
    }),
    route<H>('GET', '/items', 'ListItems', async (ex) => tokenPage(items, { size: ex.query.get('max'), token: ex.query.get('next'), listing: 'items' }, { min: 1, max: 5, dflt: 2 }, 'max', 'next')),
  ];
  const server = await startEmulatorServer({
    name: 'toy',
    faults,
    async serve(ex) {
      const m = matchRoute(routes, ex.method, ex.url.pathname);
      if (!m) throw new ToyError(404, 'NoSuchAction', `${ex.method} ${ex.rawPath}`);
      ex.action = m.route.action;
      ex.service = 'toy';
      await ex.body(); // like a signature check: the body is read before the fault
      if (await ex.fault()) return;
      const out = await m.route.handler(ex, m.params);
      ex.res.setHeader('content-type', 'application/json');
      ex.res.end(JSON.stringify(out));
    },
    sendError(ex, e) {
      const err = e instanceof ToyError ? e : e instanceof ProblemError ? new ToyError(400, 'Invalid', e.message) : new ToyError(500, 'Internal', String(e));
      ex.res.statusCode = err.status;
      ex.res.setHeader('content-type', 'application/json');
      ex.res.end(JSON.stringify({ code: err.code, message: err.message, requestId: ex.requestId }));
    },
    faultError: (kind) => (kind === 'throttle' ? new ToyError(429, 'Throttled', 'Slow down') : new ToyError(503, 'Unavailable', 'Try later')),
    state: () => ({ items: items.length }),
  });
  return { server, items, faults };
}

async function call(s: EmulatorServer, method: string, path: string, body?: string, timeoutMs = 5000): Promise<{ status: number; json: Record<string, unknown>; requestId: string | null }> {
  const res = await fetch(`${s.url}${path}`, { method, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, requestId: res.headers.get('x-request-id') };
}

const failsOnTheWire = (e: unknown) => /fetch failed|socket|ECONNRESET|terminated|other side closed/i.test(`${(e as Error).message} ${String((e as { cause?: unknown }).cause)}`);

describe('emulator kit', function () {
  this.timeout(10_000);

  describe('HTTP server and faults', () => {
    let toy: Awaited<ReturnType<typeof toyCloud>>;
    beforeEach(async () => (toy = await toyCloud()));
    afterEach(async () => toy.server.close());

    it('serves on 127.0.0.1 with an X-Request-Id on every response, the raw body and a request log', async () => {
      assert.match(toy.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const raw = '{ "a" :1,\n"b":[ 2 ] }'; // spacing kept: a re-encoded body would hash differently
      const ok = await call(toy.server, 'POST', '/items/one', raw);
      assert.equal(ok.status, 200);
      assert.equal(ok.json.sha, createHash('sha256').update(raw).digest('hex'));
      assert.match(ok.requestId ?? '', /^[0-9a-f-]{36}$/);
      const missing = await call(toy.server, 'GET', '/nothing');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.requestId, missing.requestId, 'the cloud error carries the same request id');
      const admin = await call(toy.server, 'GET', '/__admin/state');
      assert.deepEqual(admin.json, { items: 1 });
      assert.ok(admin.requestId);
      await new Promise((r) => setTimeout(r, 20));
      const rec = toy.server.log.find((r) => r.action === 'CreateItem');
      assert.ok(rec && rec.status === 200 && rec.service === 'toy' && rec.path === '/items/one' && rec.requestId === ok.requestId);
    });

    it('throttles in the cloud shape, only the matching action, then serves again', async () => {
      toy.faults.throttleNext(1, { action: 'CreateItem' });
      const list = await call(toy.server, 'GET', '/items');
      assert.equal(list.status, 200, 'ListItems does not match the rule');
      const t = await call(toy.server, 'POST', '/items/a', 'x');
      assert.deepEqual([t.status, t.json.code], [429, 'Throttled']);
      assert.equal(toy.items.length, 0, 'a throttled action is not performed');
      assert.equal((await call(toy.server, 'POST', '/items/a', 'x')).status, 200);
      assert.deepEqual([toy.faults.counts.throttle, toy.faults.byAction.CreateItem.throttle], [1, 1]);
    });

    it('fails with a 5xx and does not perform the action', async () => {
      toy.faults.failNext(2, { method: 'POST' });
      for (let i = 0; i < 2; i++) assert.equal((await call(toy.server, 'POST', '/items/a', 'x')).status, 503);
      assert.equal(toy.items.length, 0);
      assert.equal((await call(toy.server, 'POST', '/items/a', 'x')).status, 200);
      assert.equal(toy.items.length, 1);
    });

    it('drops the connection before the action', async () => {
      toy.faults.dropNext(1, { pathPrefix: '/items/' });
      await assert.rejects(call(toy.server, 'POST', '/items/a', 'x'), failsOnTheWire);
      assert.equal(toy.items.length, 0, 'a dropped request never reached the action');
      assert.equal(toy.faults.counts.drop, 1);
    });

    it('loses the reply: the action really ran, the client hears nothing', async () => {
      toy.faults.loseReplyNext(1, { action: 'CreateItem' });
      await assert.rejects(call(toy.server, 'POST', '/items/lost', 'payload'), failsOnTheWire);
      assert.deepEqual(
        toy.items.map((i) => i.name),
        ['lost'],
        'the create happened even though its reply was lost',
      );
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(toy.server.log.find((r) => r.action === 'CreateItem')?.fault, 'lose-reply');
      // Failure path: without the fault the same call is answered.
      assert.equal((await call(toy.server, 'POST', '/items/kept', 'payload')).status, 200);
    });

    it('hangs until the client gives up, performing nothing; close() still ends', async () => {
      toy.faults.hangNext(1, { action: 'ListItems' });
      const t0 = Date.now();
      await assert.rejects(call(toy.server, 'GET', '/items', undefined, 400), (e: Error) => e.name === 'TimeoutError');
      assert.ok(Date.now() - t0 >= 380, `the client timed out after ${Date.now() - t0} ms, not before`);
      // A second hang left open: close() must not wait for it.
      toy.faults.hangNext(1);
      const pending = call(toy.server, 'GET', '/items', undefined, 5000).catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 50));
      const c0 = Date.now();
      await toy.server.close();
      assert.ok(Date.now() - c0 < 1000);
      assert.ok((await pending) instanceof Error);
    });

    it('delays a request and then serves it', async () => {
      toy.faults.delayNext(1, 250, { action: 'ListItems' });
      const t0 = Date.now();
      assert.equal((await call(toy.server, 'GET', '/items')).status, 200);
      assert.ok(Date.now() - t0 >= 240);
    });

    it('takes faults over the admin route and rejects a bad kind', async () => {
      const add = await fetch(`${toy.server.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'error', count: 1, action: 'ListItems' }) });
      assert.equal(add.status, 200);
      assert.equal((await call(toy.server, 'GET', '/items')).status, 503);
      const bad = await fetch(`${toy.server.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { message: string }).message, /kind must be one of/);
      await fetch(`${toy.server.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'throttle', count: 3 }) });
      const listed = (await (await fetch(`${toy.server.url}/__admin/faults`)).json()) as { pending: unknown[]; counts: { error: number } };
      assert.equal(listed.pending.length, 1);
      assert.equal(listed.counts.error, 1);
      await fetch(`${toy.server.url}/__admin/faults`, { method: 'DELETE' });
      assert.deepEqual(toy.faults.pending(), []);
    });
  });

  describe('seeded fault schedules', () => {
    const run = (seed: number) => {
      const f = new Faults();
      f.schedule({ seed, rates: { throttle: 0.2, 'lose-reply': 0.1 }, action: 'CreateItem' });
      return Array.from({ length: 200 }, () => f.take({ action: 'CreateItem', method: 'POST', path: '/' })?.kind ?? '-').join(',');
    };

    it('replays exactly for one seed, differs for another, and keeps to its rates', () => {
      const a = run(7);
      assert.equal(run(7), a);
      assert.notEqual(run(8), a);
      const throttles = a.split(',').filter((k) => k === 'throttle').length;
      const lost = a.split(',').filter((k) => k === 'lose-reply').length;
      assert.ok(throttles > 20 && throttles < 60, `throttles ${throttles}`);
      assert.ok(lost > 5 && lost < 35, `lost ${lost}`);
    });

    it('stops at its limit, ignores other actions, and rejects rates above 1', () => {
      const f = new Faults();
      f.schedule({ seed: 1, rates: { error: 1 }, limit: 3, action: 'A' });
      assert.equal(f.take({ action: 'B', method: 'GET', path: '/' }), undefined);
      const kinds = Array.from({ length: 5 }, () => f.take({ action: 'A', method: 'GET', path: '/' })?.kind);
      assert.deepEqual(kinds, ['error', 'error', 'error', undefined, undefined]);
      assert.throws(() => f.schedule({ seed: 1, rates: { error: 0.7, drop: 0.5 } }), /at most 1/);
      assert.throws(() => f.next('throttle', 0), /1–10000/);
    });

    it('a lost-reply schedule on a real server: every lost create still exists', async () => {
      const faults = new Faults();
      faults.schedule({ seed: 42, rates: { 'lose-reply': 0.5 }, action: 'CreateItem' });
      const toy = await toyCloud(faults);
      try {
        let answered = 0;
        for (let i = 0; i < 10; i++) {
          const ok = await call(toy.server, 'POST', `/items/n${i}`, 'x').then(() => true, () => false);
          if (ok) answered++;
        }
        assert.equal(toy.items.length, 10, 'every create ran');
        assert.equal(10 - answered, faults.counts['lose-reply']);
        assert.ok(faults.counts['lose-reply'] > 0);
      } finally {
        await toy.server.close();
      }
    });
  });

  describe('routes', () => {
    it('matches method and pattern, decodes params, and misses on others', () => {
      const rs = [route('GET', '/v5/iot/{project}/batchtasks/{task}', 'ShowBatchTask', 1), route('POST', '/v5/iot/{project}/batchtasks', 'CreateBatchTask', 2)];
      const m = matchRoute(rs, 'GET', '/v5/iot/p1/batchtasks/t%2F1');
      assert.deepEqual([m?.route.action, m?.params], ['ShowBatchTask', ['p1', 't/1']]);
      assert.equal(matchRoute(rs, 'DELETE', '/v5/iot/p1/batchtasks/t1'), undefined);
      assert.equal(matchRoute(rs, 'GET', '/v5/iot/p1/batchtasks/t1/extra'), undefined);
    });
  });

  describe('validation', () => {
    it('passes good values and names each broken rule', () => {
      assert.equal(checkString('name', 'ok-1', { min: 1, max: 8, pattern: /^[a-z0-9-]+$/ }), undefined);
      assert.deepEqual(checkString('name', 'x'.repeat(9), { max: 8 }), { field: 'name', kind: 'length', value: 'x'.repeat(9), bound: 'max', limit: 8 });
      assert.equal(checkString('name', 'Bad!', { pattern: /^[a-z]+$/ })?.kind, 'pattern');
      assert.equal(checkString('name', 7)?.expected, 'string');
      assert.equal(checkRequired('id', '')?.kind, 'required');
      assert.equal(checkRequired('id', 'a'), undefined);
      assert.equal(checkEnum('type', 'firmwareUpgrade', ['firmwareUpgrade', 'softwareUpgrade']), undefined);
      assert.deepEqual(checkEnum('type', 'x', ['a'])?.allowed, ['a']);
      assert.equal(checkInt('n', 5, { min: 1, max: 5 }), undefined);
      assert.deepEqual(checkInt('n', 6, { min: 1, max: 5 }), { field: 'n', kind: 'range', value: 6, bound: 'max', limit: 5 });
      assert.equal(checkInt('n', 1.5, { min: 1, max: 5 })?.expected, 'integer');
      assert.equal(checkIntText('limit', '10', { min: 1, max: 50 }), undefined);
      assert.equal(checkIntText('limit', 'ten', { min: 1, max: 50 })?.kind, 'type');
      assert.equal(checkList('targets', ['a'], { min: 1, max: 10 }), undefined);
      assert.deepEqual(checkList('targets', Array(11).fill('a'), { min: 1, max: 10 }), { field: 'targets', kind: 'length', value: 11, bound: 'max', limit: 10 });
    });

    it('collects every problem of a request, and asserts with ProblemError', () => {
      const ok = new Fields();
      ok.required('task_type', 'firmwareUpgrade');
      ok.string('task_name', undefined, { max: 128 }, true);
      ok.assert();
      const f = new Fields();
      f.required('task_type', undefined);
      f.string('task_name', 'x'.repeat(129), { max: 128 });
      f.int('retry_count', 9, { min: 0, max: 5 }, true);
      assert.deepEqual(
        f.problems.map((p) => `${p.field}:${p.kind}`),
        ['task_type:required', 'task_name:length', 'retry_count:range'],
      );
      assert.throws(() => f.assert(), (e: ProblemError) => e.problems.length === 3 && /task_type is required/.test(e.message));
    });
  });

  describe('paging', () => {
    const items = Array.from({ length: 23 }, (_, i) => i);

    it('nextToken: walks every item once; rejects a foreign token and a bad size', () => {
      const seen: number[] = [];
      let token: string | null = null;
      do {
        const p: { items: number[]; nextToken?: string } = tokenPage(items, { size: '10', token, listing: 'jobs:IN_PROGRESS' }, { min: 1, max: 250, dflt: 50 });
        seen.push(...p.items);
        token = p.nextToken ?? null;
      } while (token);
      assert.deepEqual(seen, items);
      const first = tokenPage(items, { size: '10', token: null, listing: 'jobs:IN_PROGRESS' }, { min: 1, max: 250, dflt: 50 });
      assert.throws(() => tokenPage(items, { size: '10', token: first.nextToken!, listing: 'jobs:COMPLETED' }, { min: 1, max: 250, dflt: 50 }), (e: ProblemError) => e.problems[0].field === 'nextToken');
      assert.throws(() => tokenPage(items, { size: '251', token: null, listing: 'x' }, { min: 1, max: 250, dflt: 50 }), (e: ProblemError) => e.problems[0].kind === 'range');
    });

    it('marker + offset + limit (IoTDA): descending ids, offset after the marker, limits 50 and 500', () => {
      const ids = Array.from({ length: 23 }, (_, i) => (1000 - i).toString(16).padStart(24, '0')); // descending
      const byId = (s: string) => s;
      const first = markerPage(ids, byId, { limit: null, marker: null, offset: null });
      assert.equal(first.items.length, 10, 'default limit 10');
      assert.deepEqual(first.page, { count: 23, marker: ids[9] });
      const seen: string[] = [...first.items];
      let marker = first.page.marker!;
      for (;;) {
        const p = markerPage(ids, byId, { limit: '10', marker, offset: null });
        if (!p.items.length) break;
        seen.push(...p.items);
        marker = p.page.marker!;
      }
      assert.deepEqual(seen, ids, 'no gaps, no duplicates');
      assert.deepEqual(markerPage(ids, byId, { limit: '5', marker: null, offset: '20' }).items, ids.slice(20));
      assert.throws(() => markerPage(ids, byId, { limit: '51', marker: null, offset: null }), (e: ProblemError) => e.problems[0].field === 'limit');
      assert.throws(() => markerPage(ids, byId, { limit: '10', marker: null, offset: '501' }), (e: ProblemError) => e.problems[0].field === 'offset');
      assert.throws(() => markerPage(ids, byId, { limit: '10', marker: 'not-a-marker', offset: null }), (e: ProblemError) => e.problems[0].field === 'marker');
    });

    it('CurrentPage + PageSize (Alibaba): totals and page count; the action max and the reach cap', () => {
      const p3 = numberPage(items, { page: '3', size: '10' }, { maxSize: 100 });
      assert.deepEqual(p3, { items: [20, 21, 22], currentPage: 3, pageSize: 10, pageCount: 3, total: 23 });
      assert.deepEqual(numberPage(items, { page: '4', size: '10' }, { maxSize: 100 }).items, []);
      assert.equal(numberPage(items, { page: null, size: '200' }, { maxSize: 200 }).items.length, 23);
      assert.throws(() => numberPage(items, { page: '1', size: '101' }, { maxSize: 100 }), (e: ProblemError) => e.problems[0].field === 'PageSize');
      assert.throws(() => numberPage(items, { page: '0', size: '10' }, { maxSize: 100 }), (e: ProblemError) => e.problems[0].field === 'CurrentPage');
      assert.throws(() => numberPage(items, { page: '1001', size: '100' }, { maxSize: 100, maxReach: 100_000 }), (e: ProblemError) => e.problems[0].kind === 'range');
    });
  });

  describe('MQTT broker', () => {
    it('authenticates clients, authorises topics, reports publishes and publishes to devices', async () => {
      const got: string[] = [];
      const broker = await startBroker({
        authenticate: (id, user) => (/^dev-\d$/.test(id) && user === id ? undefined : `unknown device ${id}`),
        authorizePublish: (id, topic) => topicParams('$oc/devices/{device}/sys/events/up', topic)?.device === id,
        authorizeSubscribe: (id, filter) => topicParams('$oc/devices/{device}/sys/{rest*}', filter)?.device === id,
        onPublish: (id, topic, payload) => got.push(`${id} ${topic} ${payload.toString()}`),
      });
      try {
        await assert.rejects(mqtt.connectAsync(broker.url, { clientId: 'intruder', username: 'intruder', reconnectPeriod: 0 }), /Not authorized|refused/i);
        const dev = await mqtt.connectAsync(broker.url, { clientId: 'dev-1', username: 'dev-1', reconnectPeriod: 0 });
        try {
          assert.deepEqual(broker.clients(), ['dev-1']);
          const granted = await dev.subscribeAsync('$oc/devices/dev-1/sys/events/down', { qos: 1 });
          assert.equal(granted[0].qos, 1);
          const down = new Promise<string>((r) => dev.once('message', (_t, p) => r(p.toString())));
          await broker.publish('$oc/devices/dev-1/sys/events/down', { event: 'version_query' });
          assert.deepEqual(JSON.parse(await down), { event: 'version_query' });
          await dev.publishAsync('$oc/devices/dev-1/sys/events/up', '{"v":1}', { qos: 1 });
          await new Promise((r) => setTimeout(r, 100));
          assert.deepEqual(got, ['dev-1 $oc/devices/dev-1/sys/events/up {"v":1}']);
          // Another device's topics: the broker closes the connection (as an AWS IoT policy does).
          const closed = new Promise<void>((r) => dev.once('close', () => r()));
          await dev.publishAsync('$oc/devices/dev-2/sys/events/up', '{"v":2}', { qos: 0 });
          await closed;
          assert.equal(got.length, 1, 'the refused publish was not delivered');
          const other = await mqtt.connectAsync(broker.url, { clientId: 'dev-2', username: 'dev-2', reconnectPeriod: 0 });
          const closed2 = new Promise<void>((r) => other.once('close', () => r()));
          void other.subscribeAsync('$oc/devices/dev-1/sys/events/down', { qos: 1 }).catch(() => undefined);
          await closed2;
          other.end(true);
        } finally {
          dev.end(true);
        }
      } finally {
        await broker.close();
      }
    });

    it('matches topic filters and extracts named levels', () => {
      assert.ok(topicMatches('$aws/things/+/jobs/#', '$aws/things/t1/jobs/notify-next'));
      assert.ok(topicMatches('a/#', 'a'));
      assert.ok(!topicMatches('$aws/things/+/jobs', '$aws/things/t1/jobs/x'));
      assert.ok(!topicMatches('a/+/c', 'a/b/d'));
      assert.deepEqual(topicParams('$aws/things/{thing}/jobs/{rest*}', '$aws/things/t1/jobs/j1/update'), { thing: 't1', rest: 'j1/update' });
      assert.equal(topicParams('$aws/things/{thing}/jobs/{rest*}', '$aws/things/t1/shadow/update'), undefined);
      assert.equal(topicParams('/ota/device/inform/{pk}/{dn}', '/ota/device/inform/pk1'), undefined);
    });
  });

  describe('emulator command lines', () => {
    it('reads --name value options, numbers and flags; absent ones are undefined/false', () => {
      const o = cliOptions(['--port', '4566', '--region', 'us-west-2', '--seed-history', '--minute-ms', 'abc']);
      assert.equal(o.num('port'), 4566);
      assert.equal(o.opt('region'), 'us-west-2');
      assert.equal(o.flag('seed-history'), true);
      assert.equal(o.flag('seed-jobs'), false);
      assert.equal(o.opt('mqtt-port'), undefined);
      assert.equal(o.num('mqtt-port'), undefined);
      assert.ok(Number.isNaN(o.num('minute-ms')), 'a non-number stays visible as NaN, not a default');
    });
  });
});
