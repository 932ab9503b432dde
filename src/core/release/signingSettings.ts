// How a profile signs what it publishes. Lives on the profile as `signing` (extra profile keys
// ride along untouched, see profiles.ts normalise), so providers read the same setting, e.g. the
// Alibaba provider picks SignMethod from `hash`.
//   { "mode": "local-key", "keyFile": "keys/signing-key.pem", "certificateName": "/certs/code.crt" }
//   { "mode": "cloud-signer", "signerProfile": "bench_signer" }   (AWS Signer, AWS only)
//   { "mode": "hash-only", "hash": "sha256" }                     (Huawei SHA-256; Alibaba MD5/SHA256)

import type { CloudKind, CloudProfile } from '../profiles';

export type SigningSettings =
  | { mode: 'local-key'; keyFile: string; certificateName?: string }
  | { mode: 'cloud-signer'; signerProfile: string }
  | { mode: 'hash-only'; hash?: 'sha256' | 'md5' };

/** What each cloud does when nothing is set: AWS devices need a signature, the others a hash. */
export function defaultSigning(cloud: CloudKind): SigningSettings {
  return cloud === 'aliyun' ? { mode: 'hash-only', hash: 'md5' } : { mode: 'hash-only', hash: 'sha256' };
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Reads `profile.signing` as a user may have written it; every problem is a sentence, never a throw. */
export function parseSigningSettings(raw: unknown, cloud: CloudKind): Parsed<SigningSettings> {
  if (raw === undefined || raw === null) return { ok: true, value: defaultSigning(cloud) };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: '"signing" must be an object such as {"mode": "hash-only"}.' };
  const r = raw as Record<string, unknown>;
  switch (r.mode) {
    case 'local-key': {
      if (typeof r.keyFile !== 'string' || !r.keyFile.trim()) return { ok: false, error: '"signing.keyFile" must name the PEM private key file (ECDSA P-256 or RSA).' };
      if (r.certificateName !== undefined && typeof r.certificateName !== 'string') return { ok: false, error: '"signing.certificateName" must be a string (the certificate path on the device).' };
      return { ok: true, value: { mode: 'local-key', keyFile: r.keyFile, ...(r.certificateName ? { certificateName: r.certificateName as string } : {}) } };
    }
    case 'cloud-signer': {
      if (cloud !== 'aws') return { ok: false, error: `"signing.mode": "cloud-signer" uses AWS Signer, which ${cloud === 'huawei' ? 'Huawei IoTDA' : 'Alibaba IoT'} profiles cannot use. Use "local-key" or "hash-only".` };
      if (typeof r.signerProfile !== 'string' || !/^[a-zA-Z0-9_]{2,64}$/.test(r.signerProfile)) {
        return { ok: false, error: '"signing.signerProfile" must be an AWS Signer profile name (2–64 letters, digits or "_").' };
      }
      return { ok: true, value: { mode: 'cloud-signer', signerProfile: r.signerProfile } };
    }
    case 'hash-only': {
      if (r.hash !== undefined && r.hash !== 'sha256' && r.hash !== 'md5') return { ok: false, error: '"signing.hash" must be "sha256" or "md5".' };
      if (r.hash === 'md5' && cloud !== 'aliyun') return { ok: false, error: `MD5 is only for Alibaba IoT; ${cloud === 'aws' ? 'AWS' : 'Huawei IoTDA'} packages carry a SHA-256.` };
      return { ok: true, value: { mode: 'hash-only', hash: (r.hash as 'sha256' | 'md5' | undefined) ?? (cloud === 'aliyun' ? 'md5' : 'sha256') } };
    }
    default:
      return { ok: false, error: '"signing.mode" must be "local-key", "cloud-signer" or "hash-only".' };
  }
}

export function signingOf(profile: CloudProfile): Parsed<SigningSettings> {
  return parseSigningSettings((profile as unknown as { signing?: unknown }).signing, profile.kind);
}

/** One line for the timeline / QuickPick detail. */
export function describeSigning(s: SigningSettings): string {
  switch (s.mode) {
    case 'local-key':
      return `signed locally with ${s.keyFile}`;
    case 'cloud-signer':
      return `signed by AWS Signer profile ${s.signerProfile}`;
    case 'hash-only':
      return `hash only (${s.hash === 'md5' ? 'MD5' : 'SHA-256'})`;
  }
}
