// Secrets never reach a log, an error shown or a file written: everything is passed through
// redact(), which masks the secret values we were given and the credential parts of signed URLs and
// auth headers. One mask for the extension's log channel and the CLI's output.

const knownSecrets = new Set<string>();

/** Registers a secret value so that it is masked if it ever appears in output. */
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
