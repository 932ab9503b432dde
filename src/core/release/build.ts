// The build step's runner. The editor runs a VS Code task (its exit code and problem-matcher
// diagnostics decide); outside the editor (tests, the demo's smoke run) a shell command does, with
// gcc-style "file:line:col: error:" lines standing in for the $gcc problem matcher.

import { spawn } from 'child_process';
import { abortError } from './errors';

export interface BuildResult {
  exitCode: number;
  /** The build's output (the tail is enough: it is shown when the build fails). */
  output: string;
  /** Error diagnostics (problem matcher), each "file:line: message". */
  errors?: string[];
}

export type BuildRunner = (signal: AbortSignal, onOutput?: (text: string) => void) => Promise<BuildResult>;

const OUTPUT_KEEP = 64 * 1024;

/** gcc / clang / ld style errors, as the $gcc problem matcher reads them. */
export function parseGccProblems(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = /^(.+?):(\d+):(?:(\d+):)?\s+(?:fatal )?error:\s+(.*)$/.exec(line.trim());
    if (m) out.push(`${m[1]}:${m[2]}${m[3] ? `:${m[3]}` : ''}: ${m[4]}`);
  }
  return out;
}

/** Runs `command` in a shell in `cwd`; cancelling kills its whole process group. */
export function shellBuildRunner(command: string, cwd: string, env?: NodeJS.ProcessEnv): BuildRunner {
  return (signal, onOutput) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError());
      const child = spawn(command, { cwd, shell: true, detached: process.platform !== 'win32', env: { ...process.env, ...env } });
      let output = '';
      const take = (b: Buffer) => {
        const s = b.toString();
        output = (output + s).slice(-OUTPUT_KEEP);
        onOutput?.(s);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      const kill = () => {
        try {
          if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
          else child.kill('SIGTERM');
        } catch {
          /* already gone */
        }
      };
      signal.addEventListener('abort', kill, { once: true });
      child.on('error', (e) => {
        signal.removeEventListener('abort', kill);
        resolve({ exitCode: 127, output: `${output}${e.message}\n` });
      });
      child.on('close', (code, sig) => {
        signal.removeEventListener('abort', kill);
        if (signal.aborted) return reject(abortError());
        resolve({ exitCode: code ?? (sig ? 128 : 1), output, errors: parseGccProblems(output) });
      });
    });
}
