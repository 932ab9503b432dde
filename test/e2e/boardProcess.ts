// The virtual board as its own process (test/bench/board/main.ts): stopping and starting it again
// at the same path is a real replug (the pty goes away; the new one is another /dev/pts/N).
// Exports startBoardProcess, stopBoardProcess.
import { spawn, type ChildProcess } from 'child_process';
import { join, resolve } from 'path';

const root = resolve(__dirname, '../..');

/** Starts `test/bench/board/main.ts` as its own process; resolves once its port exists. */
export async function startBoardProcess(link: string, version: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', link, '--version', version, '--rate', '0', '--no-color', ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((res, rej) => {
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('board ready') && res());
    child.once('exit', (c) => rej(new Error(`board exited ${c}: ${err}`)));
  });
  return child;
}

export async function stopBoardProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
}

