// The one registry of cloud descriptors: every "which cloud can do what" question is answered here.

import type { CloudKind, CloudProfile } from '../profiles';
import { splitList } from '../validators';
import { ALIYUN_DESCRIPTOR } from './aliyun/descriptor';
import { AWS_DESCRIPTOR } from './aws/descriptor';
import type { Capability, CloudDescriptor } from './descriptor';
import { HUAWEI_DESCRIPTOR } from './huawei/descriptor';

export const DESCRIPTORS: Readonly<Record<CloudKind, CloudDescriptor>> = {
  aws: AWS_DESCRIPTOR,
  huawei: HUAWEI_DESCRIPTOR,
  aliyun: ALIYUN_DESCRIPTOR,
};

export const CLOUD_KINDS = Object.keys(DESCRIPTORS) as CloudKind[];

export const isCloudKind = (k: unknown): k is CloudKind => typeof k === 'string' && (CLOUD_KINDS as string[]).includes(k);

export function descriptorOf(kind: CloudKind | Pick<CloudProfile, 'kind'>): CloudDescriptor {
  return DESCRIPTORS[typeof kind === 'string' ? kind : kind.kind];
}

export function can(kind: CloudKind | Pick<CloudProfile, 'kind'>, capability: Capability): boolean {
  return descriptorOf(kind).capabilities.has(capability);
}

/**
 * Why a profile cannot do `capability`, in one plain sentence; undefined when it can. Commands use
 * this to leave a profile out of a pick list (with the sentence as its detail) or to explain.
 */
export function missingCapability(profile: Pick<CloudProfile, 'kind' | 'name'>, capability: Capability, what: string): string | undefined {
  const d = descriptorOf(profile);
  // The needs read optional settings only, so a partial profile is simply one without them.
  if (d.capabilities.has(capability)) return d.profileNeeds?.[capability]?.(profile as CloudProfile);
  return d.unavailable ?? `${d.label} has no ${what}, so profile "${profile.name}" cannot be used for it.`;
}

/** The bench board(s) a profile names (its descriptor's bench field, a comma-separated list). */
export function benchTargets(profile: CloudProfile): string[] {
  const raw = (profile as unknown as Record<string, unknown>)[descriptorOf(profile).bench.field];
  return typeof raw === 'string' ? splitList(raw) : [];
}
