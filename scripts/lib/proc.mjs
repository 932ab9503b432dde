// Child processes for the harness scripts: run a command with its output teed to a log file
// (and optionally the console), fail with the tail of that log, never wait on stdin.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Runs `cmd args` and resolves with its exit code (rejects on a non-zero code unless `allowFail`).
 * Output goes to `log` (appended) and, when `echo`, to this process's stdout.
 */
export function run(cmd, args, { cwd, env, log, echo = false, allowFail = false, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    let out;
    if (log) {
      mkdirSync(dirname(log), { recursive: true });
      out = createWriteStream(log, { flags: 'a' });
      out.write(`\n$ ${cmd} ${args.join(' ')}${cwd ? `   (in ${cwd})` : ''}\n`);
    }
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const sink = (chunk) => {
      out?.write(chunk);
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', sink);
    child.stderr.on('data', sink);
    let timer;
    if (timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      out?.end();
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const finish = () => {
        const rc = code ?? (signal ? 128 : 1);
        if (rc === 0 || allowFail) resolve(rc);
        else reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}${log ? `\n--- last lines of ${log} ---\n${tail(log, 25)}` : ''}`));
      };
      if (out) out.end(finish);
      else finish();
    });
  });
}

export function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Seconds since `t0` (a performance.now() value), one decimal. */
export const secondsSince = (t0) => ((performance.now() - t0) / 1000).toFixed(1);
