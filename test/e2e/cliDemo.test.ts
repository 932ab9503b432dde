// The demo as a user meets it: `npm run demo` stops everything it started when npm is sent SIGTERM
// (npm does not pass it on) and says so; `npm run demo -- --cli` runs a release through the CLI and
// prints its JUnit report; the demo workspace flashes the virtual board with its custom flash
// command (Flash Bench Device's own command builder and runner, the workspace's settings as written).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'fs';
import { connect } from 'net';
import { join } from 'path';
import { buildFlashCommand, runFlash } from '../../src/core/flash';
import { parseJsonc } from '../../src/core/jsonc';
import { startBoard } from '../bench/board/board';
import { builtCli, REPO } from './cliRun';

/** Every process below `pid` (by /proc parent links). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parentOf) {
      if (pp !== p) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the demo as a user meets it', function () {
  this.timeout(240_000);
  // A test that fails half-way must not leave a demo (emulators, board, pty) running for the next one.
  let leftovers: number[] = [];
  afterEach(() => {
    for (const p of leftovers.splice(0)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });

  it('SIGTERM to `npm run demo` stops the emulator and the board, ports closed, pids gone, and says so', async () => {
    const npm = spawn('npm', ['run', 'demo', '--', '--no-editor'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    npm.stdout.on('data', (d) => (out += d));
    npm.stderr.on('data', (d) => (out += d));
    await until('the demo is up', () => /Ctrl-C stops everything/.test(out), 120_000);
    const port = Number(/AWS emulator at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
    const pids = descendants(npm.pid!);
    leftovers = [npm.pid!, ...pids];
    // The node process itself (its argv ends the script name with a NUL), not the `sh -c` npm wraps it in.
    const demo = pids.find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('scripts/demo.mjs\0'));
    assert.ok(demo, `the demo process among ${pids.join(', ')}`);
    const all = descendants(demo!);
    leftovers.push(...all);
    assert.ok(all.length >= 2, `emulator and board running: ${all.join(', ')}`);
    assert.ok(await listening(port), 'the emulator answers');

    npm.kill('SIGTERM');
    await until('every process the demo started is gone', () => [demo!, ...all].every((p) => !alive(p)));
    assert.equal(await listening(port), false, `port ${port} closed`);
    const log = readFileSync(join(REPO, 'out', 'logs', 'demo.log'), 'utf8');
    const said = log.slice(log.lastIndexOf('stopping '));
    // It names what it stopped, each with its pid (processes that were running and are gone now).
    assert.match(said, /stopping .*board \(pid \d+\).*aws-emulator \(pid \d+\)/);
    const named = [...said.slice(0, said.indexOf('\n')).matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    for (const pid of named) assert.ok(all.includes(pid) && !alive(pid), `pid ${pid} was the demo's and is gone`);
    assert.match(said, new RegExp(`stopped ${named.length} processes; nothing the demo started is left running`));
  });

  it('`npm run demo -- --cli`: a release through the CLI against the demo\u2019s emulator and board, its JUnit path printed', async () => {
    builtCli();
    const run = spawn('npm', ['run', 'demo', '--', '--cli'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    run.stdout.on('data', (d) => (out += d));
    run.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => run.on('close', r));
    assert.equal(code, 0, out.slice(-4000));
    const junit = /ota-bench exited with 0; JUnit report: (\S+)/.exec(out)?.[1];
    assert.ok(junit && existsSync(junit), out.slice(-2000));
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="ota-bench" tests="1" failures="0" errors="0"/);
    assert.match(xml, /name="bench-demo-firmware 1\.4\.2 on bench-board-01"/);
    assert.match(out, /^PASSED: /m);
  });

  it('the demo workspace flashes the virtual board with its custom flash command; a missing port fails with the reason', async () => {
    // A copy at the same depth below the repository as out/demo-workspace (the command's paths are relative).
    const ws = join(REPO, 'out', `flash-ws-${process.pid}`);
    rmSync(ws, { recursive: true, force: true });
    cpSync(join(REPO, 'demo', 'workspace'), ws, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) });
    const board = await startBoard({ link: join(ws, 'ttyFLASH'), version: '1.0.0', logPeriodMs: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        const b = spawn(process.execPath, ['scripts/build.mjs', '--size-kb', '64'], { cwd: ws });
        b.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`build exited ${c}`))));
      });
      const file = join(ws, 'build', readdirSync(join(ws, 'build'))[0]);
      const settings = parseJsonc(readFileSync(join(ws, '.vscode', 'settings.json'), 'utf8')) as Record<string, string>;
      assert.equal(settings['otaBench.flash.tool'], 'custom');
      const cmd = buildFlashCommand('custom', { port: board.link, file }, { customCommand: settings['otaBench.flash.command'] });
      const progress: number[] = [];
      const res = await runFlash(cmd, { cwd: ws, port: board.link, file, onProgress: (p) => progress.push(p.percent) });
      assert.ok(res.ok, JSON.stringify(res.failure));
      assert.ok(progress.length > 0 && progress.at(-1) === 100, `progress ${progress.join(',')}`);
      await until('the board boots the flashed image', () => board.version === '1.4.2', 10_000);

      const gone = buildFlashCommand('custom', { port: join(ws, 'ttyNONE'), file }, { customCommand: settings['otaBench.flash.command'] });
      const failed = await runFlash(gone, { cwd: ws, port: join(ws, 'ttyNONE'), file });
      assert.equal(failed.ok, false);
      assert.match(`${failed.failure?.message} ${failed.failure?.fix}`, /ttyNONE|port/i);
    } finally {
      await board.stop();
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
