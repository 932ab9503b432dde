// The workspace's release settings (`otaBench.release.*`) as the user may have written them, turned
// into a ReleaseConfig for one profile. Every problem is a sentence naming the setting, never a throw.
//   "otaBench.release.build":    "Build firmware"  |  {"task": "Build firmware"}  |  {"command": "make"}
//   "otaBench.release.artifact": "build/**/*.bin"
//   "otaBench.release.version":  {"source": "file", "file": "include/version.h", "regex": "…"}
//                                | {"source": "git"} | {"source": "ask"}
//   "otaBench.release.packageName", "otaBench.release.banner", "otaBench.release.jobTimeoutMinutes"

import { basename, resolve } from 'path';
import type { CloudProfile } from '../profiles';
import { compileVersionRegex, type VersionSource } from '../version/read';
import { signingOf } from './signingSettings';
import { parseEvidenceSettings, type EvidenceConfig } from './evidence';
import type { ReleaseConfig } from './types';

export type BuildSetting = { task: string } | { command: string };

export interface ReleaseSettings {
  packageName?: string;
  build?: BuildSetting;
  artifact: string;
  version: VersionSource;
  banner?: string;
  jobTimeoutMinutes?: number;
  /** versionQuery, elf (otaBench.release) and crashPatterns, bootLoop, levelPattern (otaBench.serial). */
  evidence?: EvidenceConfig;
}

export const DEFAULT_ARTIFACT = 'build/**/*.bin';

export function parseReleaseSettings(raw: Record<string, unknown> | undefined): { settings: ReleaseSettings; errors: string[] } {
  const r = raw ?? {};
  const errors: string[] = [];
  const settings: ReleaseSettings = { artifact: DEFAULT_ARTIFACT, version: { kind: 'file', file: 'include/version.h' } };
  const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).trim() ? (r[k] as string).trim() : undefined);

  if (r.packageName !== undefined) {
    if (str('packageName')) settings.packageName = str('packageName');
    else errors.push('otaBench.release.packageName must be a non-empty string.');
  }
  const b = r.build;
  if (typeof b === 'string' && b.trim()) settings.build = { task: b.trim() };
  else if (b && typeof b === 'object' && typeof (b as { task?: unknown }).task === 'string') settings.build = { task: (b as { task: string }).task };
  else if (b && typeof b === 'object' && typeof (b as { command?: unknown }).command === 'string') settings.build = { command: (b as { command: string }).command };
  else if (b !== undefined && b !== null && b !== '') errors.push('otaBench.release.build must be a task label, {"task": "<label>"} or {"command": "<shell command>"}.');

  if (r.artifact !== undefined) {
    if (str('artifact')) settings.artifact = str('artifact')!;
    else errors.push(`otaBench.release.artifact must be a glob such as ${DEFAULT_ARTIFACT}.`);
  }

  const v = r.version as Record<string, unknown> | undefined;
  if (v !== undefined) {
    // An array is an object to typeof: `[]` must not pass as the default source silently.
    if (!v || typeof v !== 'object' || Array.isArray(v)) errors.push('otaBench.release.version must be an object such as {"source": "file", "file": "include/version.h"}.');
    else if (v.source === 'git') settings.version = { kind: 'git', ...(typeof v.stripPrefix === 'string' ? { stripPrefix: v.stripPrefix } : {}) };
    else if (v.source === 'ask') settings.version = { kind: 'ask' };
    else if (v.source === 'file' || v.source === undefined) {
      const file = typeof v.file === 'string' && v.file.trim() ? v.file.trim() : 'include/version.h';
      const regex = typeof v.regex === 'string' && v.regex ? v.regex : undefined;
      if (regex) {
        try {
          compileVersionRegex(regex);
        } catch (e) {
          errors.push(`otaBench.release.version.regex: ${(e as Error).message}`);
        }
      }
      settings.version = { kind: 'file', file, ...(regex ? { regex } : {}) };
    } else errors.push('otaBench.release.version.source must be "file", "git" or "ask".');
  }

  if (r.banner !== undefined) {
    if (str('banner')) settings.banner = str('banner');
    else errors.push('otaBench.release.banner must be a regular expression (use {version} for the version).');
  }
  if (r.jobTimeoutMinutes !== undefined) {
    const n = r.jobTimeoutMinutes;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1440) settings.jobTimeoutMinutes = n;
    else errors.push('otaBench.release.jobTimeoutMinutes must be a whole number of minutes from 1 to 1440 (the lowest limit of the three clouds).');
  }
  const ev = parseEvidenceSettings(r);
  errors.push(...ev.errors);
  if (Object.keys(ev.evidence).length) settings.evidence = ev.evidence;
  return { settings, errors };
}

/** A package name from the workspace folder when none is set: the clouds' safe characters only. */
export function defaultPackageName(root: string): string {
  return (basename(root).replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'firmware').slice(0, 40);
}

/** The config of a release of `root` to `profile`; errors when the profile's signing settings are invalid. */
export function releaseConfig(settings: ReleaseSettings, profile: CloudProfile, root: string): { config?: ReleaseConfig; error?: string } {
  const signing = signingOf(profile);
  if (!signing.ok) return { error: `Profile "${profile.name}": ${signing.error}` };
  return {
    config: {
      root,
      profile: profile.name,
      cloud: profile.kind,
      packageName: settings.packageName ?? defaultPackageName(root),
      artifact: settings.artifact,
      version: settings.version,
      signing: signing.value,
      ...(settings.banner ? { banner: settings.banner } : {}),
      ...(settings.jobTimeoutMinutes ? { jobTimeoutMinutes: settings.jobTimeoutMinutes } : {}),
      ...(settings.evidence ? { evidence: { ...settings.evidence, ...(settings.evidence.elf ? { elf: resolve(root, settings.evidence.elf) } : {}) } } : {}),
    },
  };
}
