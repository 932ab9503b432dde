// The build outside the editor: a shell command as the extension runs it, or the tasks.json task
// the setting names, run as its shell/process command (VS Code's own variables resolved). Tasks
// only VS Code can run (other task types) are a UsageError that says what to set instead.
import { readFileSync } from 'fs';
import { basename, join } from 'path';
import { parseJsonc } from '../core/jsonc';
import { shellBuildRunner, type BuildRunner } from '../core/release/build';
import type { BuildSetting } from '../core/release/settings';
import { UsageError } from './exit';

interface TaskJson {
  label?: string;
  type?: string;
  command?: string;
  args?: unknown[];
  options?: { cwd?: string; env?: Record<string, string> };
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function buildRunnerFor(setting: BuildSetting | undefined, root: string): BuildRunner | undefined {
  if (!setting) return undefined;
  if ('command' in setting) return shellBuildRunner(setting.command, root);
  const file = join(root, '.vscode', 'tasks.json');
  let tasks: TaskJson[];
  try {
    tasks = ((parseJsonc(readFileSync(file, 'utf8')) as { tasks?: TaskJson[] }).tasks ?? []).filter((t) => t && typeof t === 'object');
  } catch (e) {
    throw new UsageError(`otaBench.release.build names the task "${setting.task}", but ${file} cannot be read: ${(e as Error).message}`);
  }
  const task = tasks.find((t) => t.label === setting.task);
  if (!task) throw new UsageError(`otaBench.release.build names the task "${setting.task}", which ${file} does not define (tasks: ${tasks.map((t) => `"${t.label}"`).join(', ') || 'none'}).`);
  if ((task.type !== 'shell' && task.type !== 'process') || typeof task.command !== 'string') {
    throw new UsageError(`otaBench.release.build: the task "${setting.task}" is of type "${task.type}", which only VS Code can run. For the CLI, set otaBench.release.build to {"command": "<the build command>"}.`);
  }
  const vars = (s: string) =>
    s
      .replace(/\$\{workspaceFolder\}|\$\{workspaceRoot\}/g, root)
      .replace(/\$\{workspaceFolderBasename\}/g, basename(root))
      .replace(/\$\{env:([^}]+)\}/g, (_, n: string) => process.env[n] ?? '');
  const args = (task.args ?? []).map((a) => vars(String(a)));
  const command = task.type === 'shell' ? [vars(task.command), ...args.map(quote)].join(' ') : [task.command, ...args].map((a) => quote(vars(a))).join(' ');
  const cwd = task.options?.cwd ? vars(task.options.cwd) : root;
  return shellBuildRunner(command, cwd, task.options?.env);
}
