// The workspace's `otaBench.*` settings as the extension reads them, from .vscode/settings.json
// (JSONC) or --config FILE, through the same core parsers (profiles, release, serial). Every
// problem is a UsageError naming the setting.
import { readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parseJsonc } from '../core/jsonc';
import { parseProfiles, type CloudProfile } from '../core/profiles';
import { parseReleaseSettings, type ReleaseSettings } from '../core/release/settings';
import { normalizeSerialOptions, type SerialOptions } from '../core/serial/options';
import { UsageError } from './exit';
import type { Flags } from './args';

export interface Workspace {
  root: string;
  /** The settings file read (for messages). */
  file: string;
  raw: Record<string, unknown>;
}

export function readWorkspace(flags: Pick<Flags, 'workspace' | 'config'>): Workspace {
  const root = resolve(flags.workspace ?? process.cwd());
  const file = flags.config ? resolve(flags.config) : join(root, '.vscode', 'settings.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (e as Error).message;
    throw new UsageError(`${file} ${why}. Run in the firmware workspace, or pass --workspace DIR or --config FILE.`);
  }
  let raw: unknown;
  try {
    raw = parseJsonc(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}.`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`${file} must hold an object of settings.`);
  return { root, file, raw: raw as Record<string, unknown> };
}

/** The `section.*` keys of the settings, without the prefix (settings.json keeps them flat). */
function section(ws: Workspace, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ws.raw)) if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
  return out;
}

export function readProfiles(ws: Workspace): CloudProfile[] {
  const { profiles, errors } = parseProfiles(ws.raw['otaBench.profiles']);
  if (errors.length) {
    const e = errors[0];
    const which = e.index < 0 ? 'otaBench.profiles' : `otaBench.profiles[${e.index}]${e.name ? ` ("${e.name}")` : ''}`;
    throw new UsageError(`${which} in ${ws.file}: ${e.message}${errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : ''}`);
  }
  return profiles;
}

/** The profile to use: --profile, else the only one configured. */
export function chooseProfile(ws: Workspace, name: string | undefined): CloudProfile {
  const profiles = readProfiles(ws);
  if (!profiles.length) throw new UsageError(`otaBench.profiles in ${ws.file} names no cloud profile. Add one (OTA Bench: Add Cloud Profile in VS Code, or by hand).`);
  if (name) {
    const p = profiles.find((x) => x.name === name);
    if (!p) throw new UsageError(`--profile "${name}": otaBench.profiles has no such profile (${profiles.map((x) => `"${x.name}"`).join(', ')}).`);
    return p;
  }
  if (profiles.length > 1) throw new UsageError(`otaBench.profiles holds ${profiles.length} profiles (${profiles.map((x) => `"${x.name}"`).join(', ')}): choose one with --profile.`);
  return profiles[0];
}

export function readReleaseSettings(ws: Workspace): ReleaseSettings {
  const { settings, errors } = parseReleaseSettings(section(ws, 'otaBench.release'));
  if (errors.length) throw new UsageError(`${errors.join(' ')} (in ${ws.file})`);
  return settings;
}

export interface SerialChoice {
  port?: string;
  options: SerialOptions;
}

/** `otaBench.serial.*` with --port and --baud over them. */
export function readSerial(ws: Workspace, flags: Pick<Flags, 'port' | 'baud'>): SerialChoice {
  const s = section(ws, 'otaBench.serial');
  const raw: Record<string, unknown> = { ...s };
  if (flags.baud !== undefined) raw.baudRate = flags.baud;
  const { options, problems } = normalizeSerialOptions(raw);
  if (problems.length) {
    const first = problems[0];
    const key = first.split(':')[0];
    const where = key === 'baudRate' && flags.baud !== undefined ? '--baud' : `otaBench.serial.${key} in ${ws.file}`;
    throw new UsageError(`${where}: ${first.slice(key.length + 2).replace(/; using .*$/, '')}.`);
  }
  const setting = typeof s.port === 'string' && s.port.trim() ? s.port.trim() : undefined;
  return { port: flags.port ?? setting, options };
}
