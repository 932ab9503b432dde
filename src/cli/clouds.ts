// Cloud providers for the CLI, from the same lazily loaded bundles the extension uses
// (dist/clouds/<kind>.js beside dist/cli.js): a new cloud's bundle is picked up with no change here.
// Secrets come from environment variables (OTA_BENCH_<PROFILE>_<FIELD>) or the cloud's own chain.
import { existsSync } from 'fs';
import { join } from 'path';
import type { CloudModule, CloudProvider, SecretSource } from '../core/clouds/provider';
import { isCloudError, type CloudErrorCode } from '../core/errors';
import { descriptorOf } from '../core/clouds/registry';
import type { CloudProfile } from '../core/profiles';
import { rememberSecret } from '../core/redact';
import { UsageError } from './exit';

/** OTA_BENCH_<PROFILE>_<FIELD>: "Lab Huawei" + accessKey → OTA_BENCH_LAB_HUAWEI_ACCESS_KEY. */
export function secretEnvName(profileName: string, field: string): string {
  const up = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return `OTA_BENCH_${up(profileName)}_${up(field)}`;
}

/** The secret fields a profile's cloud asks for (none for AWS: its SDK chain). */
export function secretFields(profile: Pick<CloudProfile, 'kind'>): readonly { key: string; label: string; optional?: boolean }[] {
  return descriptorOf(profile).secretFields;
}

export function envSecretSource(profile: CloudProfile, env: NodeJS.ProcessEnv = process.env): SecretSource {
  return async (field) => {
    const v = env[secretEnvName(profile.name, field)];
    rememberSecret(v);
    return v || undefined;
  };
}

/** Masks the credentials the environment holds, should any ever be echoed back. */
export function rememberEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const [k, v] of Object.entries(env)) {
    if (/^OTA_BENCH_.+/.test(k) || /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|ALIBABA_CLOUD_ACCESS_KEY_SECRET|ALIBABA_CLOUD_SECURITY_TOKEN|HUAWEICLOUD_SDK_SK|HUAWEICLOUD_SDK_SECURITY_TOKEN)$/.test(k)) rememberSecret(v);
  }
}

const modules = new Map<string, CloudModule>();

/** The cloud's bundle, required on first use from `dir` (default: beside this file, i.e. dist/clouds). */
export function loadCloudModule(kind: string, dir = join(__dirname, 'clouds')): CloudModule {
  let mod = modules.get(kind);
  if (mod) return mod;
  const file = join(dir, `${kind}.js`);
  if (!existsSync(file)) throw new UsageError(`No cloud module for "${kind}" profiles (${file} is missing): this build of ota-bench does not support that cloud. Run \`npm run build\`.`);
  // A path computed at run time: esbuild leaves this require alone, so no SDK is in cli.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mod = require(file) as CloudModule;
  if (typeof mod?.createProvider !== 'function') throw new Error(`${file} does not export createProvider().`);
  modules.set(kind, mod);
  return mod;
}

/** The last cloud error a provider threw, so the CLI can tell "unreachable" (exit 3) from "failed" (exit 1). */
export interface ErrorTrace {
  last?: { code: CloudErrorCode; message: string };
  clear(): void;
}

/** Wraps a provider so that every CloudError it throws (calls and watch iterations) is traced. */
export function traced(provider: CloudProvider): { provider: CloudProvider; trace: ErrorTrace } {
  const trace: ErrorTrace = { clear: () => void (trace.last = undefined) };
  const note = (e: unknown) => {
    if (isCloudError(e)) trace.last = { code: e.code, message: e.message };
    throw e;
  };
  const wrapped = new Proxy(provider, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        let out: unknown;
        try {
          out = (v as (...a: unknown[]) => unknown).apply(target, args);
        } catch (e) {
          note(e);
        }
        if (out && typeof (out as Promise<unknown>).then === 'function') return (out as Promise<unknown>).catch(note);
        if (out && typeof (out as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
          const inner = out as AsyncIterable<unknown>;
          return {
            [Symbol.asyncIterator]() {
              const it = inner[Symbol.asyncIterator]();
              return { next: () => it.next().catch(note), return: (x?: unknown) => it.return?.(x) ?? Promise.resolve({ done: true, value: x }) };
            },
          };
        }
        return out;
      };
    },
  });
  return { provider: wrapped, trace };
}

export async function providerFor(profile: CloudProfile): Promise<CloudProvider> {
  return loadCloudModule(profile.kind).createProvider(profile, envSecretSource(profile));
}
