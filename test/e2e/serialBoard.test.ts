// The virtual board itself, seen through its real pty: commands, colours, flood rate, the
// BoardHandle contract cloud agents use (install + reboot, crash-on-boot rollback), and agents
// loaded by the CLI (`main.ts --agent <module>:key=value`).
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { lineBytes } from '../../src/core/serial/line';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import type { BoardHandle, CloudAgent } from '../bench/board/agent';
import { startBoard } from '../bench/board/board';
import { parseAgentSpec } from '../bench/board/main';
import { waitLine as nextLine } from './serialLines';

/** Board lines may already be in the buffer when the test looks. */
const waitLine = (s: SerialSession, re: RegExp, ms = 5000) => nextLine(s, re, ms, true);

const root = resolve(__dirname, '../..');

describe('virtual board on a real pty', function () {
  this.timeout(60_000);
  let dir: string;
  let session: SerialSession;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otab-board-'));
    session = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 100 });
  });
  afterEach(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers version / rate / fault / echo / unknown; device text (an <img> tag) arrives verbatim', async () => {
    const board = await startBoard({ link: join(dir, 'tty'), version: '1.2.3', logPeriodMs: 0 });
    try {
      await session.open(board.link);
      await session.send('version');
      await waitLine(session, /^version: 1\.2\.3$/);
      await session.send('fault bogus');
      await waitLine(session, /^error: unknown fault "bogus"/);
      await session.send('fault crash-on-boot');
      await waitLine(session, /^fault crash-on-boot: on$/);
      assert.ok(board.faults.has('crash-on-boot'));
      await session.send('echo <img src=x onerror=alert(1)>');
      await waitLine(session, /^<img src=x onerror=alert\(1\)>$/);
      await session.send('frobnicate');
      await waitLine(session, /^error: unknown command "frobnicate"/);
      await session.send('rate 50');
      await waitLine(session, /^rate: 50 ms$/);
      // Periodic lines: levels with ESP-IDF colours.
      const colored = await waitLine(session, /^\x1b\[0;3[123]m[IWE] \(\d+\) \w+: /); // eslint-disable-line no-control-regex
      assert.ok(lineBytes(colored)!.toString().endsWith('\x1b[0m\r\n'));
    } finally {
      await board.stop();
    }
  });

  it('flood pushes well over 1 MB/s through the pty', async () => {
    const board = await startBoard({ link: join(dir, 'tty'), logPeriodMs: 0 });
    try {
      await session.open(board.link);
      await session.send('flood 50000');
      const done = await waitLine(session, /^flood done: 50000 lines, (\d+) bytes in (\d+) ms/, 20_000);
      const [, bytes, ms] = /(\d+) bytes in (\d+) ms/.exec(done.text)!.map(Number);
      const mbps = bytes / 1024 / 1024 / Math.max(ms, 1) * 1000;
      assert.ok(mbps >= 1, `flood ran at ${mbps.toFixed(2)} MB/s`);
    } finally {
      await board.stop();
    }
  });

  it('BoardHandle for agents: installAndReboot prints the new banner; crash-on-boot rolls back', async () => {
    let handle: BoardHandle | undefined;
    const agent: CloudAgent = {
      cloud: 'aws',
      start: async (b) => {
        handle = b;
      },
      stop: async () => undefined,
    };
    const board = await startBoard({ link: join(dir, 'tty'), version: '1.0.0', logPeriodMs: 0, agents: [agent], trustedKeyPem: 'PEM' });
    try {
      assert.equal(handle, board, 'the agent got the board at start');
      assert.equal(handle!.trustedKeyPem, 'PEM');
      await session.open(board.link);
      handle!.log('I', 'ota', 'job received');
      await waitLine(session, /ota: job received/);
      assert.equal(await handle!.installAndReboot(Buffer.from('image'), '1.1.0'), true);
      await waitLine(session, /boot: firmware version 1\.1\.0/);
      assert.equal(handle!.version, '1.1.0');

      board.setFault('crash-on-boot', true);
      assert.equal(await handle!.installAndReboot(Buffer.from('bad image'), '1.2.0'), false);
      await waitLine(session, /Guru Meditation Error/);
      await waitLine(session, /v1\.2\.0 crashed on boot; rolling back to v1\.1\.0/);
      assert.equal(handle!.version, '1.1.0');
      assert.deepEqual(board.installs.map((i) => [i.version, i.booted]), [['1.1.0', true], ['1.2.0', false]]);
    } finally {
      await board.stop();
    }
  });

  it('main.ts loads an agent module given on the command line, with its options', async () => {
    assert.deepEqual(parseAgentSpec('aws:mqttUrl=mqtt://127.0.0.1:1883,thingName=bench-1'), { name: 'aws', options: { mqttUrl: 'mqtt://127.0.0.1:1883', thingName: 'bench-1' } });
    assert.throws(() => parseAgentSpec('aws:oops'), /not key=value/);
    const mod = join(dir, 'hello-agent.mjs');
    writeFileSync(
      mod,
      `export function createAgent(o) { let t; return { cloud: 'aws', async start(b) { t = setInterval(() => b.log('I', 'agent', 'hello ' + o.greet + ' from v' + b.version), 50); }, async stop() { clearInterval(t); } }; }\n`,
    );
    const link = join(dir, 'tty-cli');
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', link, '--version', '4.5.6', '--rate', '0', '--agent', `${mod}:greet=world`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((res, rej) => {
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.stdout.on('data', (d: Buffer) => d.toString().includes('board ready') && res());
        child.once('exit', (c) => rej(new Error(`board exited ${c}: ${err}`)));
      });
      await session.open(link);
      await waitLine(session, /agent: hello world from v4\.5\.6/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('a bad agent module fails the board start with a clear message', async () => {
    const mod = join(dir, 'not-an-agent.mjs');
    writeFileSync(mod, 'export const x = 1;\n');
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['test/bench/board/main.ts', '--link', join(dir, 'tty-bad'), '--agent', mod], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    assert.equal(code, 1);
    assert.match(err, /does not export createAgent\(options\)/);
  });
});
