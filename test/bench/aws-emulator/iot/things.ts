// Things and thing groups: just enough registry for jobs to resolve their targets.

import { notFound, exists } from '../errors';
import { checkString, isObject, required } from '../validate';
import { NAME } from '../../../../src/core/clouds/aws/limits';
import type { World } from './world';

export interface Thing {
  thingName: string;
  thingArn: string;
  thingId: string;
  attributes: Record<string, string>;
  version: number;
  groups: Set<string>;
}

export interface ThingGroup {
  thingGroupName: string;
  thingGroupArn: string;
  thingGroupId: string;
  members: Set<string>;
}

let seq = 0;
const id = () => `${Date.now().toString(16)}-${(++seq).toString(16).padStart(6, '0')}`;

export class Things {
  readonly things = new Map<string, Thing>();
  readonly groups = new Map<string, ThingGroup>();

  constructor(private readonly world: World) {}

  create(thingName: string, attributes: Record<string, string> = {}): Thing {
    checkString('thingName', thingName, NAME.thingName);
    const have = this.things.get(thingName);
    if (have) return have; // CreateThing is idempotent for identical input.
    const t: Thing = { thingName, thingArn: this.world.arn(`thing/${thingName}`), thingId: id(), attributes, version: 1, groups: new Set() };
    this.things.set(thingName, t);
    return t;
  }

  createGroup(thingGroupName: string): ThingGroup {
    checkString('thingGroupName', thingGroupName, NAME.thingGroupName);
    const have = this.groups.get(thingGroupName);
    if (have) return have;
    const g: ThingGroup = { thingGroupName, thingGroupArn: this.world.arn(`thinggroup/${thingGroupName}`), thingGroupId: id(), members: new Set() };
    this.groups.set(thingGroupName, g);
    return g;
  }

  addToGroup(thingName: string, groupName: string): void {
    const t = this.thing(thingName);
    const g = this.group(groupName);
    g.members.add(t.thingName);
    t.groups.add(g.thingGroupName);
  }

  thing(name: string): Thing {
    const t = this.things.get(name);
    if (!t) throw notFound(`Thing ${name} cannot be found.`);
    return t;
  }

  group(name: string): ThingGroup {
    const g = this.groups.get(name);
    if (!g) throw notFound(`ThingGroup ${name} cannot be found.`);
    return g;
  }

  /** Expands job/OTA targets (thing and thing-group ARNs) to distinct thing names. */
  resolveTargets(targets: string[]): { things: string[]; groups: ThingGroup[] } {
    const out = new Set<string>();
    const groups: ThingGroup[] = [];
    for (const arn of targets) {
      const m = /^arn:aws[a-z-]*:iot:([^:]+):(\d{12}):(thing|thinggroup)\/(.+)$/.exec(arn);
      if (!m) throw notFound(`Target ${arn} is not a thing or thing group ARN.`);
      if (m[1] !== this.world.region) throw notFound(`Target ${arn} is not in region ${this.world.region}.`);
      if (m[3] === 'thing') out.add(this.thing(m[4]).thingName);
      else {
        const g = this.group(m[4]);
        groups.push(g);
        for (const t of g.members) out.add(t);
      }
    }
    return { things: [...out], groups };
  }

  // --- HTTP handlers (restJson1 bodies) ---

  handleCreateThing(name: string, body: unknown): unknown {
    const attrs = isObject(body) && isObject(body.attributePayload) && isObject(body.attributePayload.attributes) ? (body.attributePayload.attributes as Record<string, string>) : {};
    const had = this.things.get(name);
    if (had && JSON.stringify(had.attributes) !== JSON.stringify(attrs)) throw exists(`Thing ${name} already exists with different tags`, { resourceId: had.thingId, resourceArn: had.thingArn });
    const t = this.create(name, attrs);
    return { thingName: t.thingName, thingArn: t.thingArn, thingId: t.thingId };
  }

  handleDescribeThing(name: string): unknown {
    const t = this.thing(name);
    return { thingName: t.thingName, thingArn: t.thingArn, thingId: t.thingId, attributes: t.attributes, version: t.version, defaultClientId: t.thingName };
  }

  handleDescribeGroup(name: string): unknown {
    const g = this.group(name);
    return { thingGroupName: g.thingGroupName, thingGroupArn: g.thingGroupArn, thingGroupId: g.thingGroupId, version: 1 };
  }

  handleCreateGroup(name: string): unknown {
    const g = this.createGroup(name);
    return { thingGroupName: g.thingGroupName, thingGroupArn: g.thingGroupArn, thingGroupId: g.thingGroupId };
  }

  handleAddThingToGroup(body: unknown): unknown {
    const b = isObject(body) ? body : {};
    this.addToGroup(required('thingName', b.thingName as string), required('thingGroupName', b.thingGroupName as string));
    return {};
  }
}
