// What each cloud accepts as a firmware version (and package name), checked before anything is
// uploaded so a release never stops half-way on a name the cloud refuses. Limits: cloud-apis.md
// (AWS CreatePackageVersion.versionName, IoTDA CreateOtaPackage.version, Alibaba DestVersion).

import { descriptorOf } from '../clouds/registry';
import type { CloudKind } from '../profiles';

export interface NameRule {
  /** The cloud's own field name, so messages point at what the cloud would reject. */
  field: string;
  min: number;
  max: number;
  /** One allowed character. */
  char: RegExp;
  /** The allowed characters in words. */
  allowed: string;
}

const SAFE = 'letters, digits, "-", "_" and "."';

export const VERSION_RULES: Record<CloudKind, NameRule> = {
  aws: { field: 'versionName', min: 1, max: 64, char: /[a-zA-Z0-9_.-]/, allowed: SAFE },
  huawei: { field: 'version', min: 1, max: 256, char: /[A-Za-z0-9_.-]/, allowed: SAFE },
  aliyun: { field: 'DestVersion', min: 1, max: 64, char: /[A-Za-z0-9._-]/, allowed: SAFE },
};

/**
 * Package names: AWS packageName is 1–128 of the same set. Alibaba has no package: each version is
 * a firmware whose FirmwareName (1–40, no ".") is derived from package + version by
 * clouds/aliyun/limits.ts firmwareName(), which fits any package name, so none is checked here.
 */
export const PACKAGE_NAME_RULES: Partial<Record<CloudKind, NameRule>> = {
  aws: { field: 'packageName', min: 1, max: 128, char: /[a-zA-Z0-9_.-]/, allowed: SAFE },
};

export interface NameProblem {
  cloud: CloudKind;
  message: string;
}

function check(value: string, cloud: CloudKind, rule: NameRule, what: string): NameProblem | undefined {
  const label = `${descriptorOf(cloud).label} ${rule.field}`;
  const length = [...value].length;
  if (length < rule.min || length > rule.max) {
    return { cloud, message: `${label} must be ${rule.min}–${rule.max} characters; the ${what} "${value}" has ${length}.` };
  }
  const bad = [...new Set([...value].filter((c) => !rule.char.test(c)))];
  if (bad.length) {
    const shown = bad.map((c) => (c === ' ' ? 'a space' : JSON.stringify(c))).join(', ');
    return { cloud, message: `${label} allows only ${rule.allowed}; the ${what} "${value}" contains ${shown}.` };
  }
  return undefined;
}

/** Every cloud in `clouds` whose version rule `version` breaks, with a sentence each. */
export function versionProblems(version: string, clouds: Iterable<CloudKind>): NameProblem[] {
  return [...new Set(clouds)].flatMap((c) => check(version, c, VERSION_RULES[c], 'version') ?? []);
}

export function packageNameProblems(name: string, clouds: Iterable<CloudKind>): NameProblem[] {
  return [...new Set(clouds)].flatMap((c) => {
    const rule = PACKAGE_NAME_RULES[c];
    return rule ? (check(name, c, rule, 'package name') ?? []) : [];
  });
}

/** A validator for input boxes: undefined when fine for all `clouds`, else the first problem. */
export const versionValidator = (clouds: CloudKind[]) => (v: string): string | undefined => versionProblems(v, clouds)[0]?.message;
