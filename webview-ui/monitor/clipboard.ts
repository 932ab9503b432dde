// Clipboard writes from the webview: the async API where the frame allows it (VS Code grants
// clipboard-write to webviews), else the copy command on a hidden textarea.
import { el } from './dom';

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through: older hosts or a denied permission
  }
  const ta = el('textarea', 'offscreen');
  ta.value = text;
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('the clipboard is not available');
}

/** The selected text when the selection lies inside `within`, else ''. */
export function selectedTextIn(within: HTMLElement): string {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || !within.contains(sel.anchorNode) || !within.contains(sel.focusNode)) return '';
  return sel.toString();
}
