// The device side of AWS IoT Jobs over MQTT: an embedded broker (aedes) on 127.0.0.1 and the
// `$aws/things/<thing>/jobs/…` topics with the payloads the FreeRTOS OTA agent and the Jobs
// library use (notify-next, $next/get, start-next, <jobId>/get, <jobId>/update, get). A client
// may only use its own thing's topics (client id = thing name, as an IoT policy would enforce).

import { startBroker, topicParams, type Broker } from '../kit';
import type { Documents } from './iot/documents';
import type { DeviceReply, ExecutionRecord, JobRecord, Jobs } from './iot/jobs';
import type { Things } from './iot/things';
import type { World } from './iot/world';

const TOPIC = '$aws/things/{thing}/jobs/{rest*}';
const sec = (d: Date) => Math.floor(d.getTime() / 1000);

export class JobsGateway {
  private broker?: Broker;
  /** What the device last saw as its next job, so notify-next fires only on change. */
  private lastNext = new Map<string, string>();
  readonly published: { topic: string; payload: unknown }[] = [];
  url = '';

  constructor(
    private readonly world: World,
    private readonly jobs: Jobs,
    private readonly things: Things,
    private readonly documents: Documents,
  ) {}

  async start(port = 0): Promise<void> {
    // An IoT policy's rule: a thing uses only its own $aws/things/<thing>/ topics.
    const ownTopic = (clientId: string, topic: string) => !topic.startsWith('$aws/') || topicParams('$aws/things/{thing}/{rest*}', topic)?.thing === clientId;
    this.broker = await startBroker({
      port,
      authenticate: (clientId) => (this.things.things.has(clientId) ? undefined : `Client id ${clientId} is not a registered thing`),
      authorizePublish: (clientId, topic) => !topic.startsWith('$aws/') || topicParams(TOPIC, topic)?.thing === clientId,
      authorizeSubscribe: ownTopic,
      onPublish: (clientId, topic, payload) => void this.onDevicePublish(clientId, topic, payload),
    });
    this.world.on('thing', (thing: string) => {
      this.notifyNext(thing).catch((e) => console.error(`[aws-emulator] notify-next for ${thing} failed:`, e));
    });
    this.url = this.broker.url;
  }

  private publish(topic: string, payload: unknown): Promise<void> {
    this.published.push({ topic, payload });
    if (this.published.length > 2000) this.published.splice(0, 1000);
    return this.broker!.publish(topic, payload as object);
  }

  private async executionPayload(job: JobRecord, e: ExecutionRecord): Promise<Record<string, unknown>> {
    return {
      jobId: e.jobId,
      thingName: e.thingName,
      jobDocument: await this.documents.forDevice(job),
      status: e.status,
      statusDetails: e.statusDetails,
      queuedAt: sec(e.queuedAt),
      startedAt: e.startedAt && sec(e.startedAt),
      lastUpdatedAt: sec(e.lastUpdatedAt),
      versionNumber: e.versionNumber,
      executionNumber: e.executionNumber,
    };
  }

  private async notifyNext(thing: string): Promise<void> {
    if (!this.broker) return;
    const next = this.jobs.nextFor(thing);
    const key = next ? `${next.job.jobId}#${next.execution.executionNumber}` : '';
    if ((this.lastNext.get(thing) ?? '') === key) return;
    this.lastNext.set(thing, key);
    const base = `$aws/things/${thing}/jobs`;
    const payload: Record<string, unknown> = { timestamp: sec(this.world.now()) };
    if (next) payload.execution = await this.executionPayload(next.job, next.execution);
    await this.publish(`${base}/notify-next`, payload);
    await this.publish(`${base}/notify`, { timestamp: sec(this.world.now()), jobs: this.jobs.pending(thing) });
  }

  private async onDevicePublish(clientId: string, topic: string, payload: Buffer): Promise<void> {
    const m = topicParams(TOPIC, topic);
    if (!m || m.thing !== clientId) return;
    const { thing, rest } = m;
    if (/\/(accepted|rejected)$/.test(rest) || rest === 'notify' || rest === 'notify-next') return;
    const base = `$aws/things/${thing}/jobs`;
    let req: Record<string, unknown> = {};
    try {
      const text = payload.toString();
      req = text ? JSON.parse(text) : {};
    } catch {
      await this.publish(`${base}/${rest}/rejected`, { code: 'InvalidJson', message: 'The request payload is not valid JSON.', timestamp: sec(this.world.now()) });
      return;
    }
    const token = req.clientToken === undefined ? {} : { clientToken: req.clientToken };
    const now = () => ({ timestamp: sec(this.world.now()), ...token });
    try {
      if (rest === '$next/get') {
        const next = this.jobs.nextFor(thing);
        await this.publish(`${base}/$next/get/accepted`, { ...now(), ...(next ? { execution: await this.executionPayload(next.job, next.execution) } : {}) });
      } else if (rest === 'start-next') {
        const next = this.jobs.startNext(thing, req);
        await this.publish(`${base}/start-next/accepted`, { ...now(), ...(next ? { execution: await this.executionPayload(next.job, next.execution) } : {}) });
      } else if (rest === 'get') {
        await this.publish(`${base}/get/accepted`, { ...now(), ...this.jobs.pending(thing) });
      } else if (/^[a-zA-Z0-9_-]+\/get$/.test(rest)) {
        const jobId = rest.slice(0, -4);
        const job = this.jobs.jobs.get(jobId);
        const e = job?.executions.get(thing);
        if (!job || !e) await this.publish(`${base}/${rest}/rejected`, { ...now(), code: 'ResourceNotFound', message: `Job ${jobId} has no execution on ${thing}.` });
        else await this.publish(`${base}/${rest}/accepted`, { ...now(), execution: await this.executionPayload(job, e) });
      } else if (/^[a-zA-Z0-9_-]+\/update$/.test(rest)) {
        const jobId = rest.slice(0, -7);
        const reply: DeviceReply = this.jobs.deviceUpdate(thing, jobId, req);
        if ('accepted' in reply) {
          const extra: Record<string, unknown> = {};
          const job = this.jobs.jobs.get(jobId);
          if (req.includeJobDocument && job) extra.jobDocument = await this.documents.forDevice(job);
          await this.publish(`${base}/${rest}/accepted`, { ...reply.accepted, ...extra });
        } else {
          await this.publish(`${base}/${rest}/rejected`, { ...now(), ...reply.rejected });
        }
      } else {
        await this.publish(`${base}/${rest}/rejected`, { ...now(), code: 'InvalidTopic', message: `Unknown jobs topic ${topic}.` });
      }
    } catch (e) {
      await this.publish(`${base}/${rest}/rejected`, { ...now(), code: 'InternalError', message: (e as Error).message });
    }
  }

  async close(): Promise<void> {
    await this.broker?.close();
  }
}
