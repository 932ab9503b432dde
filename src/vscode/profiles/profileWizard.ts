import * as vscode from 'vscode';
import { CLOUD_KINDS, descriptorOf } from '../../core/clouds/registry';
import type { CloudDescriptor } from '../../core/clouds/descriptor';
import { CloudKind, CloudProfile, validateProfileName, validators } from '../../core/profiles';
import { devKeyPair } from '../../core/signing/devKey';
import type { SigningSettings } from '../../core/release/signingSettings';
import { ProfileStore } from './profileStore';

// The Add/Edit Cloud Profile walk-through: kind → name → region → the cloud's ids (all from the
// cloud's descriptor) → how it signs → secrets. Every box validates as the user types; Escape at
// any step cancels and nothing is saved.

const TITLE = 'OTA Bench: Cloud Profile';

async function ask(opts: vscode.InputBoxOptions & { step: number; steps: number }): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    ...opts,
    title: `${TITLE} (${opts.step}/${opts.steps})`,
    ignoreFocusOut: true,
  });
  return value?.trim();
}

/** Whether the profile keeps its keys in SecretStorage (the default) rather than the cloud's own chain. */
const usesStoredSecrets = (profile: Record<string, unknown>) => profile.credentials === undefined || profile.credentials === 'secrets';

export async function runProfileWizard(store: ProfileStore, existing?: CloudProfile, opts: { workspaceRoot?: string } = {}): Promise<CloudProfile | undefined> {
  let kind: CloudKind;
  if (existing) {
    kind = existing.kind;
  } else {
    const picked = await vscode.window.showQuickPick(
      CLOUD_KINDS.map((k) => {
        const d = descriptorOf(k);
        return {
          label: d.label,
          cloud: k,
          description: d.secretFields.length ? 'access key kept in the OS keychain' : 'credentials from your AWS profile / SSO',
          detail: d.unavailable,
        };
      }),
      { title: `${TITLE}: which cloud?`, placeHolder: 'Cloud', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    kind = picked.cloud;
  }
  const d = descriptorOf(kind);
  const fields = d.profileFields;
  const signingSteps = asksSigning(d) ? 1 : 0;
  let steps = 2 + fields.length + signingSteps + d.secretFields.length;
  let step = 1;
  const taken = new Set(store.read().profiles.map((p) => p.name).filter((n) => n !== existing?.name));

  const name = await ask({
    step: step++, steps, prompt: 'Profile name (shown in the Clouds view)', value: existing?.name ?? `${kind}-bench`,
    validateInput: (v) => validateProfileName(v.trim()) ?? (taken.has(v.trim()) ? `A profile named "${v.trim()}" already exists.` : undefined),
  });
  if (name === undefined) return undefined;

  const region = await ask({
    step: step++, steps, prompt: `Region (e.g. ${d.regions.known.slice(0, 3).join(', ')})`, value: existing?.region ?? d.regions.known[0],
    validateInput: (v) => d.regions.validate(v.trim()),
  });
  if (region === undefined) return undefined;

  const profile: Record<string, unknown> = { ...(existing ?? {}), kind, name, region };
  for (const f of fields) {
    const v = await ask({
      step: step++, steps, prompt: f.required ? f.label : `${f.label} (optional)`, placeHolder: f.placeholder,
      value: (existing as unknown as Record<string, string> | undefined)?.[f.key] ?? '',
      validateInput: (x) => (f.required && x.trim() === '' ? `${f.label} is required.` : f.validate(x.trim())),
    });
    if (v === undefined) return undefined;
    if (v === '') delete profile[f.key];
    else profile[f.key] = v;
  }

  if (signingSteps) {
    const signing = await askSigning(d, `${TITLE} (${step++}/${steps})`, name, opts.workspaceRoot, (existing as unknown as { signing?: SigningSettings })?.signing);
    if (signing === undefined) return undefined;
    profile.signing = signing;
  }

  const secrets: Record<string, string> = {};
  if (!usesStoredSecrets(profile)) steps = step - 1; // the cloud's own chain: nothing to store
  else {
    for (const f of d.secretFields) {
      const keep = existing !== undefined && (await store.getSecret(existing.name, f.key)) !== undefined;
      const v = await ask({
        step: step++, steps, prompt: keep ? `${f.label} (empty keeps the stored one)` : f.label, password: true,
        validateInput: (x) => ((keep || f.optional) && x === '' ? undefined : validators.secret(x)),
      });
      if (v === undefined) return undefined;
      if (v !== '') secrets[f.key] = v;
      else if (existing && existing.name !== name) {
        const old = await store.getSecret(existing.name, f.key);
        if (old !== undefined) secrets[f.key] = old;
      }
    }
  }

  const saved = profile as unknown as CloudProfile;
  await store.save(saved, secrets, existing?.name);
  return saved;
}

/** Clouds whose devices check a signature, or that let the user pick the hash, get a signing step. */
function asksSigning(d: CloudDescriptor): boolean {
  return d.signing.signatureRequired || d.signing.deviceChecks === 'md5-or-sha256';
}

type SigningItem = vscode.QuickPickItem & { id: 'key' | 'signer' | 'dev' | 'md5' | 'sha256' | 'keep' };

/**
 * How the profile signs. A cloud whose devices check a signature cannot verify a hash-only
 * release, so it is asked here rather than found out after the version was published.
 */
async function askSigning(d: CloudDescriptor, title: string, profileName: string, root: string | undefined, current?: SigningSettings): Promise<SigningSettings | undefined> {
  const items: SigningItem[] = [];
  if (current) items.push({ id: 'keep', label: '$(check) Keep the current signing', description: current.mode });
  if (d.signing.signatureRequired) {
    items.push(
      { id: 'key', label: '$(key) Sign with a private key file', description: 'PEM, ECDSA P-256 or RSA; the device holds its certificate' },
      { id: 'dev', label: '$(beaker) Create a development key pair', description: 'for the bench board only', detail: 'Development only: the private key is written into this workspace. Never ship devices that trust it.' },
    );
    if (d.signing.cloudSigner) items.push({ id: 'signer', label: `$(cloud) Sign with a ${d.signing.cloudSigner} profile`, description: 'the cloud signs the image' });
  } else {
    items.push(
      { id: 'md5', label: 'MD5', description: `${d.label} default` },
      { id: 'sha256', label: 'SHA-256' },
    );
  }
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: d.signing.signatureRequired ? `${d.label} devices check a signature: how should OTA Bench sign?` : 'Hash the device checks', ignoreFocusOut: true });
  if (!pick) return undefined;
  switch (pick.id) {
    case 'keep':
      return current;
    case 'md5':
    case 'sha256':
      return { mode: 'hash-only', hash: pick.id };
    case 'signer': {
      const v = await vscode.window.showInputBox({ title, prompt: `${d.signing.cloudSigner} profile name`, ignoreFocusOut: true, validateInput: (x) => (/^[a-zA-Z0-9_]{2,64}$/.test(x.trim()) ? undefined : 'A Signer profile name is 2–64 letters, digits or "_".') });
      return v?.trim() ? { mode: 'cloud-signer', signerProfile: v.trim() } : undefined;
    }
    case 'key': {
      const v = await vscode.window.showInputBox({ title, prompt: 'Private key file (PEM), relative to the workspace folder', value: 'keys/signing-key.pem', ignoreFocusOut: true, validateInput: (x) => (x.trim() ? undefined : 'Enter the key file path.') });
      return v?.trim() ? { mode: 'local-key', keyFile: v.trim() } : undefined;
    }
    case 'dev': {
      if (!root) {
        void vscode.window.showErrorMessage('OTA Bench: open the firmware workspace first; the development key pair is written into it.');
        return undefined;
      }
      const made = await devKeyPair(root, profileName);
      void vscode.window.showWarningMessage(
        `OTA Bench: created a DEVELOPMENT signing key (${made.keyFile}). Put ${made.publicKeyFile} on the bench board as its code-signing key. Never ship devices that trust it.`,
      );
      return { mode: 'local-key', keyFile: made.keyFile };
    }
  }
}
