// The build step in the editor: a VS Code task by label (its exit code and the errors its problem
// matcher reports decide), or a shell command (core shellBuildRunner, output to the log channel).
import * as vscode from 'vscode';
import { shellBuildRunner, type BuildRunner } from '../../core/release/build';
import type { BuildSetting } from '../../core/release/settings';
import { abortError } from '../../core/release/errors';

/** Finds a task by its label (tasks.json `label`), across the workspace's task providers. */
export async function findTask(label: string): Promise<vscode.Task | undefined> {
  const tasks = await vscode.tasks.fetchTasks();
  return tasks.find((t) => t.name === label) ?? tasks.find((t) => t.definition?.label === label);
}

/** How long a failed task's problem-matcher errors may take to arrive. */
const MATCHER_GRACE_MS = 2000;

const where = (d: vscode.Diagnostic, uri: vscode.Uri) => `${vscode.workspace.asRelativePath(uri)}:${d.range.start.line + 1}:${d.range.start.character + 1}`;

/** Error diagnostics published while the task ran (its problem matcher's findings). */
function collectErrors(changed: Set<string>): string[] {
  const out: string[] = [];
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    if (!changed.has(uri.toString())) continue;
    for (const d of diags) if (d.severity === vscode.DiagnosticSeverity.Error) out.push(`${where(d, uri)}: ${d.message}`);
  }
  return out;
}

/** Runs the task labelled `label`; cancelling terminates it. */
export function taskBuildRunner(label: string): BuildRunner {
  return async (signal, onOutput) => {
    const task = await findTask(label);
    if (!task) {
      const known = (await vscode.tasks.fetchTasks()).map((t) => `"${t.name}"`).slice(0, 8).join(', ');
      return { exitCode: 127, output: `No task labelled "${label}" in this workspace${known ? ` (tasks: ${known})` : ''}. Set otaBench.release.build to a task label or {"command": "…"}.\n`, errors: [`No task labelled "${label}"`] };
    }
    if (signal.aborted) throw abortError();
    const changed = new Set<string>();
    const subs: vscode.Disposable[] = [vscode.languages.onDidChangeDiagnostics((e) => e.uris.forEach((u) => changed.add(u.toString())))];
    try {
      onOutput?.(`Running task "${label}"…\n`);
      const execution = await vscode.tasks.executeTask(task);
      const exitCode = await new Promise<number | undefined>((resolve) => {
        let code: number | undefined;
        subs.push(
          vscode.tasks.onDidEndTaskProcess((e) => {
            if (e.execution === execution) code = e.exitCode;
          }),
          // The task's end comes after its process end, once the problem matcher has finished.
          vscode.tasks.onDidEndTask((e) => {
            if (e.execution === execution) resolve(code);
          }),
        );
        const onAbort = () => execution.terminate();
        signal.addEventListener('abort', onAbort, { once: true });
        subs.push({ dispose: () => signal.removeEventListener('abort', onAbort) });
      });
      if (signal.aborted) throw abortError();
      let errors = collectErrors(changed);
      // The problem matcher's markers can reach the extension host a moment after the task's end.
      if (exitCode !== 0 && !errors.length) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, MATCHER_GRACE_MS);
          const sub = vscode.languages.onDidChangeDiagnostics(() => collectErrors(changed).length && done());
          function done() {
            clearTimeout(t);
            sub.dispose();
            resolve();
          }
        });
        errors = collectErrors(changed);
      }
      const code = exitCode ?? 1;
      onOutput?.(`Task "${label}" exited with code ${exitCode ?? 'unknown (terminated)'}${errors.length ? `, ${errors.length} error(s)` : ''}.\n`);
      return { exitCode: code, output: `Task "${label}" exited with code ${exitCode ?? 'unknown'}; its output is in the terminal "${label}".\n`, errors };
    } finally {
      subs.forEach((s) => s.dispose());
    }
  };
}

/** The runner for the setting: a task, a shell command in `root`, or none (no build step). */
export function buildRunnerFor(setting: BuildSetting | undefined, root: string): BuildRunner | undefined {
  if (!setting) return undefined;
  return 'task' in setting ? taskBuildRunner(setting.task) : shellBuildRunner(setting.command, root);
}
