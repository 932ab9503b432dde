// Runs the virtual board as a process:
//   npx tsx test/bench/board/main.ts --link /tmp/otab-board [--version 1.0.0] [--name bench-1]
//     [--rate 1000] [--fault crash-on-boot]… [--agent aws[:key=value,key=value]]… [--trusted-key k.pem]
//     [--no-color] [--control] [--exit-on-reset]
// Prints "board ready at <link>" when the port exists. With --control, lines on stdin drive it:
// `unplug`, `plug`, `fault <name>`, `quit`. With --exit-on-reset, a reset into a new image ends the
// process (exit code 75, "reset into <version>" on stdout): the supervisor (test/e2e/boardProcess.ts)
// starts a new process with that version on a new pty at the same path, as a real restart would.
import { readFileSync } from 'fs';
import { createInterface } from 'readline';
import type { AgentModule, CloudAgent } from './agent';
import { startBoard, type BoardOptions } from './board';

/** The exit code of a board process that reset into a new image (--exit-on-reset). */
export const RESET_EXIT_CODE = 75;

export function parseAgentSpec(spec: string): { name: string; options: Record<string, string> } {
  const i = spec.indexOf(':');
  const name = i < 0 ? spec : spec.slice(0, i);
  const options: Record<string, string> = {};
  if (i >= 0) {
    for (const pair of spec.slice(i + 1).split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`agent option "${pair}" is not key=value`);
      options[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { name, options };
}

/** Loads `agents/<name>.ts` (or a module path) and creates its agent. */
export async function loadAgent(spec: string): Promise<CloudAgent> {
  const { name, options } = parseAgentSpec(spec);
  const path = /[/.]/.test(name) ? name : `./agents/${name}`;
  const mod = (await import(path)) as Partial<AgentModule> & { default?: Partial<AgentModule> };
  const create = mod.createAgent ?? mod.default?.createAgent;
  if (!create) throw new Error(`${path} does not export createAgent(options)`);
  return create(options);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opts: BoardOptions = { link: '', faults: [] };
  const agentSpecs: string[] = [];
  let control = false;
  let exitOnReset = false;
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--link': opts.link = v; i++; break;
      case '--version': opts.version = v; i++; break;
      case '--name': opts.name = v; i++; break;
      case '--rate': opts.logPeriodMs = Number(v); i++; break;
      case '--fault': opts.faults!.push(v as never); i++; break;
      case '--agent': agentSpecs.push(v); i++; break;
      case '--trusted-key': opts.trustedKeyPem = readFileSync(v, 'utf8'); i++; break;
      case '--no-color': opts.color = false; break;
      case '--control': control = true; break;
      case '--exit-on-reset': exitOnReset = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!opts.link) throw new Error('--link <path> is required (the stable path of the board\'s serial port)');
  opts.agents = await Promise.all(agentSpecs.map(loadAgent));
  if (exitOnReset) {
    opts.onReset = async (version) => {
      console.log(`reset into ${version}`);
      await board.stop();
      process.exit(RESET_EXIT_CODE);
    };
  }
  const board = await startBoard(opts);
  console.log(`board ready at ${board.link} (version ${board.version})`);
  const quit = async () => {
    await board.stop();
    process.exit(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  if (control) {
    createInterface({ input: process.stdin }).on('line', async (line) => {
      const [cmd, arg] = line.trim().split(/\s+/);
      if (cmd === 'unplug') await board.unplug();
      else if (cmd === 'plug') await board.replug();
      else if (cmd === 'fault' && arg) board.setFault(arg, true);
      else if (cmd === 'quit') return quit();
      console.log(`ok ${cmd}`);
    });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
