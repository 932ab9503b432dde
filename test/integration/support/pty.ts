// A real pseudo-terminal pair made by socat (Debian `socat`): what a board's serial port looks like
// to the extension when there is no hardware.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { waitFor } from './wait';

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

export async function openPtyPair(dir: string, name = 'pty'): Promise<PtyPair> {
  fs.mkdirSync(dir, { recursive: true });
  const a = path.join(dir, `${name}-a`);
  const b = path.join(dir, `${name}-b`);
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  let failed: Error | undefined;
  socat.on('error', (err) => (failed = err));
  await waitFor(`socat to create ${a} and ${b}`, () => {
    if (failed) throw failed;
    return fs.existsSync(a) && fs.existsSync(b);
  }, 5_000);
  return {
    a,
    b,
    close: () =>
      new Promise<void>((resolve) => {
        if (socat.exitCode !== null) return resolve();
        socat.once('exit', () => resolve());
        socat.kill('SIGTERM');
      }),
  };
}
