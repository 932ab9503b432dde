import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isCloudError } from '../../core/model';
import type { CloudKind } from '../../core/profiles';
import { descriptorOf } from '../../core/clouds/registry';
import { errorMessage, log } from '../log';

/** What a failure says to the user: the message, what to do, and whether AWS config could fix it. */
export interface ErrorText {
  message: string;
  hint?: string;
  credentials: boolean;
}

/** CloudError by shape (core/errors.ts): each cloud bundle carries its own copy of the class. */
export { isCloudError };

export function errorText(err: unknown): ErrorText {
  if (isCloudError(err)) {
    return { message: errorMessage(err), hint: err.hint ? errorMessage(new Error(err.hint)) : undefined, credentials: err.code === 'credentials' };
  }
  return { message: errorMessage(err), credentials: false };
}

export const oneLine = (t: ErrorText) => (t.hint ? `${t.message} ${t.hint}` : t.message);

const RETRY = 'Retry';

/**
 * Shows a failed action as an error message with "Retry" (when the action can be repeated) and the
 * cloud's credentials help (its descriptor's: Open AWS Config, Edit Profile Keys) on credential
 * errors. Resolves with what `retry` returned, if retried.
 */
export async function showCloudError<R>(what: string, err: unknown, opts: { kind?: CloudKind; retry?: () => Promise<R> } = {}): Promise<R | undefined> {
  const t = errorText(err);
  log().error(`${what}: ${oneLine(t)}`);
  const help = t.credentials && opts.kind ? descriptorOf(opts.kind).credentialsHelp : undefined;
  const buttons = [...(opts.retry ? [RETRY] : []), ...(help ? [help.title] : [])];
  const pick = await vscode.window.showErrorMessage(`${what}: ${oneLine(t)}`, ...buttons);
  if (help && pick === help.title) await vscode.commands.executeCommand(help.command);
  if (pick === RETRY && opts.retry) return opts.retry();
  return undefined;
}

/** The AWS shared config file the SDK reads (AWS_CONFIG_FILE wins over ~/.aws/config). */
export function awsConfigPath(): string {
  return process.env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
}

/** Opens ~/.aws/config; when it does not exist yet, an unsaved editor at that path (saving creates it). */
export async function openAwsConfig(): Promise<vscode.TextEditor> {
  const path = awsConfigPath();
  const uri = existsSync(path) ? vscode.Uri.file(path) : vscode.Uri.file(path).with({ scheme: 'untitled' });
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId === 'plaintext') await vscode.languages.setTextDocumentLanguage(doc, 'ini').then(undefined, () => doc);
  return vscode.window.showTextDocument(doc);
}
