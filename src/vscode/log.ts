import * as vscode from 'vscode';

// One LogOutputChannel for the whole extension. Secrets never reach it: everything written is
// passed through redact(), which masks anything that looks like a key we were given.

let channel: vscode.LogOutputChannel | undefined;
const knownSecrets = new Set<string>();

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('OTA Bench', { log: true });
  return channel;
}

/** Registers a secret value so that it is masked if it ever appears in a log line. */
export function rememberSecret(value: string | undefined): void {
  if (value && value.length >= 4) knownSecrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of knownSecrets) out = out.split(s).join('****');
  // Signed query strings and auth headers carry credentials in their values.
  return out
    .replace(/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"]+/gi, '$1****')
    .replace(/(Authorization:?\s*)[^\n"]+/gi, '$1****')
    .replace(/(Signature=)[^&\s",]+/g, '$1****');
}

export function errorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}
