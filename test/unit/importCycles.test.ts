// No import cycle among our modules. A cycle evaluates one module before another it reads at load
// time, so a constant is `undefined` in one bundle and fine in another (the registry → Alibaba
// descriptor → limits → version rules → registry cycle broke the test bundle and not the unit
// tests). Checked on what esbuild puts into every shipped entry point.
import { strict as assert } from 'assert';
import { build } from 'esbuild';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const ENTRIES = ['src/extension.ts', 'src/cli/main.ts', 'src/core/clouds/aws/index.ts', 'src/core/clouds/huawei/index.ts', 'src/core/clouds/aliyun/index.ts'];

type Graph = Map<string, string[]>;

/** Every cycle of `g`, each as "a → b → … → a". */
export function cyclesOf(g: Graph): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m].join(' → '));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

async function sourceGraph(): Promise<Graph> {
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    outdir: join(ROOT, 'out', 'cycles'),
    external: ['vscode', 'serialport', '@serialport/*'],
    logLevel: 'silent',
  });
  const g: Graph = new Map();
  for (const [file, input] of Object.entries(r.metafile!.inputs)) {
    if (file.startsWith('src/')) g.set(file, input.imports.map((i) => i.path).filter((p) => p.startsWith('src/')));
  }
  return g;
}

describe('import cycles', function () {
  this.timeout(60_000);

  it('the detector finds a cycle and only cycles', () => {
    const g: Graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    assert.deepEqual(cyclesOf(g), ['a → b → c → a']);
    assert.deepEqual(cyclesOf(new Map([['a', ['b']], ['b', []], ['d', ['a', 'b']]])), []);
  });

  it('no module of the shipped bundles imports itself through others', async () => {
    const g = await sourceGraph();
    assert.ok(g.has('src/core/clouds/registry.ts') && g.size > 100, `the graph was read (${g.size} modules)`);
    assert.deepEqual(cyclesOf(g), []);
  });
});
