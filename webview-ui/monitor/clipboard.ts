// Clipboard writes go through the extension host (vscode.env.clipboard): a write from inside the
// webview's iframe (navigator.clipboard, execCommand) does not reliably reach the editor's
// clipboard — browser hosts such as code-server deny it, and it fails silently there.
import { post } from './vscodeApi';

/** How long the page waits for the host to confirm a copy before saying it failed. */
const COPY_TIMEOUT_MS = 5000;

let nextId = 1;
const waiting = new Map<number, (error?: string) => void>();

/** Asks the host to put `text` on the clipboard; resolves once it did, rejects with its reason. */
export function copyText(text: string): Promise<void> {
  const id = nextId++;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => settle('the editor did not answer'), COPY_TIMEOUT_MS);
    function settle(error?: string) {
      clearTimeout(timer);
      waiting.delete(id);
      if (error) reject(new Error(error));
      else resolve();
    }
    waiting.set(id, settle);
    post({ type: 'copy', id, text });
  });
}

/** The host's answer to a copy (the 'copied' message). */
export function copyAnswered(id: number, error?: string): void {
  waiting.get(id)?.(error);
}

/** The selected text when the selection lies inside `within`, else ''. */
export function selectedTextIn(within: HTMLElement): string {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || !within.contains(sel.anchorNode) || !within.contains(sel.focusNode)) return '';
  return sel.toString();
}
