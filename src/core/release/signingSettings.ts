// How a profile signs what it publishes. Lives on the profile as `signing` (extra profile keys
// ride along untouched, see profiles.ts normalise), so providers read the same setting, e.g. the
// Alibaba provider picks SignMethod from `hash`.
//   { "mode": "local-key", "keyFile": "keys/signing-key.pem", "certificateName": "/certs/code.crt" }
//   { "mode": "cloud-signer", "signerProfile": "bench_signer" }   (AWS Signer, AWS only)
//   { "mode": "hash-only", "hash": "sha256" }                     (Huawei SHA-256; Alibaba MD5/SHA256)

import { descriptorOf } from '../clouds/registry';
import type { CloudKind, CloudProfile } from '../profiles';

export type SigningSettings =
  | { mode: 'local-key'; keyFile: string; certificateName?: string }
  | { mode: 'cloud-signer'; signerProfile: string }
  | { mode: 'hash-only'; hash?: 'sha256' | 'md5' };

/** What a cloud does when nothing is set: its descriptor's hash (a cloud that needs a signature fails its preflight). */
export function defaultSigning(cloud: CloudKind): SigningSettings {
  return { mode: 'hash-only', hash: descriptorOf(cloud).signing.defaultHash };
}

/**
 * Why a release with these settings could not be verified on `cloud`, before anything is uploaded
 * (a cloud whose devices check a signature cannot verify a hash-only image); undefined when fine.
 */
export function signingProblem(s: SigningSettings, cloud: CloudKind): string | undefined {
  const d = descriptorOf(cloud);
  if (d.signing.signatureRequired && s.mode === 'hash-only') {
    return `${d.label} devices check a signature, but this profile only hashes the image: its verify job could not be started. Set the profile's signing to a key file${d.signing.cloudSigner ? ` or a ${d.signing.cloudSigner} profile` : ''} (OTA Bench: Edit Cloud Profile).`;
  }
  return undefined;
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
      const d = descriptorOf(cloud);
      if (!d.signing.cloudSigner) return { ok: false, error: `"signing.mode": "cloud-signer" needs a cloud signing service, which ${d.label} does not have. Use "local-key" or "hash-only".` };
      if (typeof r.signerProfile !== 'string' || !/^[a-zA-Z0-9_]{2,64}$/.test(r.signerProfile)) {
        return { ok: false, error: '"signing.signerProfile" must be an AWS Signer profile name (2–64 letters, digits or "_").' };
      }
      return { ok: true, value: { mode: 'cloud-signer', signerProfile: r.signerProfile } };
    }
    case 'hash-only': {
      if (r.hash !== undefined && r.hash !== 'sha256' && r.hash !== 'md5') return { ok: false, error: '"signing.hash" must be "sha256" or "md5".' };
      const d = descriptorOf(cloud);
      if (r.hash === 'md5' && d.signing.deviceChecks !== 'md5-or-sha256') return { ok: false, error: `${d.label} devices check a SHA-256, not an MD5: use "sha256".` };
      return { ok: true, value: { mode: 'hash-only', hash: (r.hash as 'sha256' | 'md5' | undefined) ?? d.signing.defaultHash } };
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
