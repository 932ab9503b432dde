import * as vscode from 'vscode';
import {
  CLOUD_LABELS, CloudKind, CloudProfile, KNOWN_REGIONS, PROFILE_FIELDS, SECRET_FIELDS,
  validateProfileName, validateRegion, validators,
} from '../../core/profiles';
import { ProfileStore } from './profileStore';

// The Add/Edit Cloud Profile walk-through: kind → name → region → the cloud's ids → secrets.
// Every box validates as the user types; Escape at any step cancels and nothing is saved.

const TITLE = 'OTA Bench: Cloud Profile';

async function ask(opts: vscode.InputBoxOptions & { step: number; steps: number }): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    ...opts,
    title: `${TITLE} (${opts.step}/${opts.steps})`,
    ignoreFocusOut: true,
  });
  return value?.trim();
}

export async function runProfileWizard(store: ProfileStore, existing?: CloudProfile): Promise<CloudProfile | undefined> {
  let kind: CloudKind;
  if (existing) {
    kind = existing.kind;
  } else {
    const picked = await vscode.window.showQuickPick(
      (Object.keys(CLOUD_LABELS) as CloudKind[]).map((k) => ({ label: CLOUD_LABELS[k], cloud: k, description: k === 'aws' ? 'credentials from your AWS profile / SSO' : 'access key kept in the OS keychain' })),
      { title: `${TITLE}: which cloud?`, placeHolder: 'Cloud', ignoreFocusOut: true },
    );
    if (!picked) return undefined;
    kind = picked.cloud;
  }
  const fields = PROFILE_FIELDS[kind];
  const secretFields = SECRET_FIELDS[kind];
  const steps = 2 + fields.length + secretFields.length;
  let step = 1;
  const taken = new Set(store.read().profiles.map((p) => p.name).filter((n) => n !== existing?.name));

  const name = await ask({
    step: step++, steps, prompt: 'Profile name (shown in the Clouds view)', value: existing?.name ?? `${kind}-bench`,
    validateInput: (v) => validateProfileName(v.trim()) ?? (taken.has(v.trim()) ? `A profile named "${v.trim()}" already exists.` : undefined),
  });
  if (name === undefined) return undefined;

  const region = await ask({
    step: step++, steps, prompt: `Region (e.g. ${KNOWN_REGIONS[kind].slice(0, 3).join(', ')})`, value: existing?.region ?? KNOWN_REGIONS[kind][0],
    validateInput: (v) => validateRegion(kind)(v.trim()),
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

  const secrets: Record<string, string> = {};
  for (const f of secretFields) {
    const keep = existing !== undefined && (await store.getSecret(existing.name, f.key)) !== undefined;
    const v = await ask({
      step: step++, steps, prompt: keep ? `${f.label} (empty keeps the stored one)` : f.label, password: true,
      validateInput: (x) => (keep && x === '' ? undefined : validators.secret(x)),
    });
    if (v === undefined) return undefined;
    if (v !== '') secrets[f.key] = v;
    else if (existing && existing.name !== name) secrets[f.key] = (await store.getSecret(existing.name, f.key))!;
  }

  const saved = profile as unknown as CloudProfile;
  await store.save(saved, secrets, existing?.name);
  return saved;
}
