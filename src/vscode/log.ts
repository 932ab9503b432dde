import * as vscode from 'vscode';
import { redact } from '../core/redact';

// One LogOutputChannel for the whole extension. Secrets never reach it: everything written is
// passed through redact() (core/redact.ts), which masks anything that looks like a key we were given.

let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('OTA Bench', { log: true });
  return channel;
}

export function errorMessage(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}
