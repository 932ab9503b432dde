// Answers the extension's quick picks, input boxes and message buttons from a script, the way a
// user would: each input box answer goes through the box's own validateInput first; a value it
// rejects is recorded (that message is what the user would see) and the next answer is typed.
// Must run with the same `vscode` API object as the extension (tests under its development path).
import * as vscode from 'vscode';

export const ESCAPE = Symbol('Escape');
export type Answer = string | typeof ESCAPE;

type Patched = 'showQuickPick' | 'showInputBox' | 'showWarningMessage' | 'showInformationMessage' | 'showErrorMessage';

export interface DialogEvent {
  kind: 'pick' | 'input' | 'message';
  /** The box's title/prompt or the message text. */
  text: string;
  answer?: string;
  /** Validation message the input box showed for a rejected answer. */
  rejected?: string;
  /** The value an input box opened with (its default). */
  value?: string;
}

export class DialogScript implements vscode.Disposable {
  readonly events: DialogEvent[] = [];
  private readonly originals = new Map<Patched, unknown>();

  /** `answers` are consumed in order by pickers/input boxes; modal and button messages take a button label. */
  constructor(private readonly answers: Answer[], private readonly options: { messages?: 'script' | 'dismiss' } = {}) {
    const w = vscode.window as unknown as Record<Patched, unknown>;
    const patch = (k: Patched, fn: unknown) => {
      this.originals.set(k, w[k]);
      w[k] = fn;
    };
    patch('showQuickPick', (items: unknown, opts?: vscode.QuickPickOptions) => this.pick(items, opts));
    patch('showInputBox', (opts?: vscode.InputBoxOptions) => this.input(opts));
    for (const k of ['showWarningMessage', 'showInformationMessage', 'showErrorMessage'] as const) {
      patch(k, (message: string, ...rest: unknown[]) => this.message(message, rest));
    }
  }

  /** Validation messages shown, in order. */
  get rejections(): string[] {
    return this.events.flatMap((e) => (e.rejected ? [e.rejected] : []));
  }

  get remaining(): number {
    return this.answers.length;
  }

  private next(where: string): Answer {
    if (this.answers.length === 0) throw new Error(`dialog script has no answer left for: ${where}`);
    return this.answers.shift()!;
  }

  private async pick(itemsIn: unknown, opts?: vscode.QuickPickOptions): Promise<unknown> {
    const items = (await itemsIn) as (vscode.QuickPickItem | string)[];
    const text = opts?.title ?? opts?.placeHolder ?? 'quick pick';
    const a = this.next(text);
    this.events.push({ kind: 'pick', text, answer: a === ESCAPE ? undefined : a });
    if (a === ESCAPE) return undefined;
    const found = items.find((i) => (typeof i === 'string' ? i : i.label) === a);
    if (!found) throw new Error(`quick pick "${text}" has no item "${a}" (items: ${items.map((i) => (typeof i === 'string' ? i : i.label)).join(', ')})`);
    return found;
  }

  private async input(opts: vscode.InputBoxOptions = {}): Promise<string | undefined> {
    const text = opts.prompt ?? opts.title ?? 'input box';
    for (;;) {
      const a = this.next(text);
      if (a === ESCAPE) {
        this.events.push({ kind: 'input', text, value: opts.value });
        return undefined;
      }
      const verdict = await opts.validateInput?.(a);
      const rejected = typeof verdict === 'string' ? verdict : verdict?.message;
      this.events.push({ kind: 'input', text, answer: a, rejected: rejected || undefined, value: opts.value });
      if (!rejected) return a;
    }
  }

  private async message(message: string, rest: unknown[]): Promise<unknown> {
    const buttons = rest.filter((r) => typeof r === 'string' || (typeof r === 'object' && r !== null && 'title' in r)) as (string | vscode.MessageItem)[];
    const modal = rest.some((r) => typeof r === 'object' && r !== null && (r as vscode.MessageOptions).modal === true);
    // Plain notifications (no modal) are dismissed unless the script says otherwise.
    if (!modal && this.options.messages !== 'script') {
      this.events.push({ kind: 'message', text: message });
      return undefined;
    }
    const a = this.next(message);
    this.events.push({ kind: 'message', text: message, answer: a === ESCAPE ? undefined : a });
    if (a === ESCAPE) return undefined;
    const found = buttons.find((b) => (typeof b === 'string' ? b : b.title) === a);
    if (!found) throw new Error(`message "${message}" has no button "${a}"`);
    return found;
  }

  dispose(): void {
    const w = vscode.window as unknown as Record<Patched, unknown>;
    for (const [k, fn] of this.originals) w[k] = fn;
    this.originals.clear();
  }
}

/** Runs a command with its dialogs answered like a user would; the real window functions come back afterwards. */
export async function withDialogs<T>(answers: Answer[], run: () => Thenable<T>): Promise<{ result: T; dialogs: DialogScript }> {
  const dialogs = new DialogScript(answers);
  try {
    return { result: await run(), dialogs };
  } finally {
    dialogs.dispose();
  }
}
