import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import type { Execution } from '../../core/model';
import { errorText, oneLine } from '../clouds/errors';
import { canDescribeExecution } from '../tree/itemNodes';

/** The read-only documents OTA Bench opens: a job's document and an execution's details. */
export const SCHEME = 'ota-bench';

export type CloudDocument =
  | { kind: 'job-document'; profile: string; jobId: string }
  | { kind: 'execution'; profile: string; jobId: string; target: string };

export function documentUri(d: CloudDocument): vscode.Uri {
  const parts = d.kind === 'job-document' ? [d.profile, 'jobs', d.jobId, 'document.json'] : [d.profile, 'jobs', d.jobId, 'executions', `${d.target}.json`];
  return vscode.Uri.from({ scheme: SCHEME, path: '/' + parts.join('/') });
}

export function parseDocumentUri(uri: vscode.Uri): CloudDocument | undefined {
  const [, profile, jobs, jobId, ...rest] = uri.path.split('/');
  if (jobs !== 'jobs' || !profile || !jobId) return undefined;
  if (rest.length === 1 && rest[0] === 'document.json') return { kind: 'job-document', profile, jobId };
  if (rest.length === 2 && rest[0] === 'executions' && rest[1].endsWith('.json')) return { kind: 'execution', profile, jobId, target: rest[1].slice(0, -'.json'.length) };
  return undefined;
}

/** Pretty-prints JSON; anything else (a cloud may hold non-JSON documents) is shown as is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2) + '\n';
  } catch {
    return text;
  }
}

/**
 * Serves `ota-bench:` documents from the cloud. Such documents are read-only in the editor by
 * construction; "Refresh" re-reads them. Failures become the document's text (an editor that
 * opens is better than an empty one), and are also thrown to the command that asked.
 */
export class CloudDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  /** The last execution the tree showed, used when the cloud cannot describe a single one. */
  private readonly snapshots = new Map<string, Execution>();
  /** Text a command just read, handed to the editor once instead of reading the cloud twice. */
  private readonly primed = new Map<string, string>();

  constructor(private readonly providerFor: (profileName: string) => Promise<CloudProvider>) {}

  remember(profile: string, e: Execution): vscode.Uri {
    const uri = documentUri({ kind: 'execution', profile, jobId: e.jobId, target: e.target });
    this.snapshots.set(uri.toString(), e);
    return uri;
  }

  refresh(uri: vscode.Uri, text?: string): void {
    if (text !== undefined) this.primed.set(uri.toString(), text);
    this.emitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ready = this.primed.get(uri.toString());
    if (ready !== undefined) {
      this.primed.delete(uri.toString());
      return ready;
    }
    try {
      return await this.read(uri);
    } catch (err) {
      return `// Could not read ${uri.path}: ${oneLine(errorText(err))}\n`;
    }
  }

  /** The text of a document, or a thrown error (commands show it with Retry). */
  async read(uri: vscode.Uri): Promise<string> {
    const d = parseDocumentUri(uri);
    if (!d) throw new Error(`Not an OTA Bench document: ${uri.toString()}`);
    const provider = await this.providerFor(d.profile);
    if (d.kind === 'job-document') return prettyJson(await provider.getJobDocument(d.jobId));
    let e = canDescribeExecution(provider) ? await provider.describeExecution(d.jobId, d.target) : undefined;
    e ??= this.snapshots.get(uri.toString()) ?? (await provider.describeJob(d.jobId)).executions.find((x) => x.target === d.target);
    if (!e) throw new Error(`Job ${d.jobId} has no execution on ${d.target}.`);
    this.snapshots.set(uri.toString(), e);
    return JSON.stringify(e, null, 2) + '\n';
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Opens a cloud document in a read-only JSON editor; throws what the cloud said if it fails. */
export async function openCloudDocument(docs: CloudDocuments, uri: vscode.Uri): Promise<vscode.TextEditor> {
  // Read first so that a failure reaches the caller (error message with Retry), not an editor.
  docs.refresh(uri, await docs.read(uri));
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'json') doc = await vscode.languages.setTextDocumentLanguage(doc, 'json');
  return vscode.window.showTextDocument(doc, { preview: true });
}
