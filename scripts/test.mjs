// `npm test`: everything a change must pass, in order, with each stage's log under out/logs/:
//   system   Debian packages (installed when root, else the exact apt command and stop)
//   lint     typecheck (both tsconfigs) + eslint
//   unit     mocha on plain Node (.mocharc.unit.json)
//   package  production build + .vsix (checked: contents, native binding loads from it)
//   integration  the suite inside code-server (dev extension) + smoke suite on the installed .vsix
//   e2e      test/e2e/**/*.test.ts, mocha + tsx on Node, if any
//   demo     `npm run demo -- --smoke`: Quick Release in the demo through the real palette (passes if the verify job passed)
// Ends with the line `N passed, N failed` (tests of every suite; a stage that fails outside a
// test — lint, build — counts as one failure) and exits non-zero if anything failed.
// Options: --only a,b  --skip a,b  (stage names above)
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, tail } from './lib/proc.mjs';
import { ensureSystemPackages } from './lib/system-deps.mjs';
import { runIntegration } from './integration.mjs';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOGS = join(root, 'out', 'logs');
const RESULTS = join(root, 'out', 'test-results');
const STAGES = ['system', 'lint', 'unit', 'package', 'integration', 'e2e', 'demo'];

const argv = process.argv.slice(2);
const listArg = (k) => (argv.includes(k) ? argv[argv.indexOf(k) + 1].split(',') : undefined);
const only = listArg('--only');
const skip = listArg('--skip') ?? [];
for (const s of [...(only ?? []), ...skip]) if (!STAGES.includes(s)) throw new Error(`unknown stage "${s}" (stages: ${STAGES.join(', ')})`);
const wanted = (s) => (only ? only.includes(s) : true) && !skip.includes(s);

mkdirSync(LOGS, { recursive: true });
rmSync(RESULTS, { recursive: true, force: true });
mkdirSync(RESULTS, { recursive: true });

const say = (line) => console.log(line);
const summary = []; // { stage, seconds, passed, failed, note }
let passed = 0;
let failed = 0;
let vsix;

/** Runs a stage: `fn` resolves with { passed, failed, note } or throws (counted as one failure). */
async function stage(name, fn) {
  if (!wanted(name)) return;
  say(`\n▶ ${name}`);
  const t0 = performance.now();
  let r;
  try {
    r = (await fn()) ?? {};
  } catch (err) {
    say(`✖ ${name}: ${err.message}`);
    r = { passed: 0, failed: 1, note: 'stage failed' };
  }
  const seconds = (performance.now() - t0) / 1000;
  passed += r.passed ?? 0;
  failed += r.failed ?? 0;
  summary.push({ stage: name, seconds, ...r });
  say(`${r.failed ? '✖' : '✔'} ${name} (${seconds.toFixed(1)} s)${r.note ? `: ${r.note}` : ''}`);
  return r;
}

/** Runs mocha on Node with the summary reporter; returns its counts (a crash before counting = 1 failure). */
async function mocha(name, args) {
  const results = join(RESULTS, `${name}.json`);
  const log = join(LOGS, `${name}.log`);
  rmSync(log, { force: true });
  const code = await run(process.execPath, [
    join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), ...args,
    '--reporter', join(root, 'scripts', 'lib', 'mocha-summary-reporter.cjs'), '--reporter-option', `results=${results}`,
  ], { cwd: root, log, echo: true, allowFail: true, env: { ...process.env, FORCE_COLOR: '0' } });
  if (!existsSync(results)) return { passed: 0, failed: 1, note: `mocha exited ${code} before reporting (see ${relative(root, log)})` };
  const r = JSON.parse(readFileSync(results, 'utf8'));
  for (const f of r.failed) say(`  FAILED ${f.title}: ${f.error.split('\n')[0]}`);
  if (code !== 0 && r.failures === 0) return { passed: r.passes, failed: 1, note: `mocha exited ${code}` };
  return { passed: r.passes, failed: r.failures, note: r.pending ? `${r.pending} pending` : undefined };
}

function filesUnder(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(suffix));
}

const tTotal = performance.now();

if (wanted('system')) {
  // Without these nothing later can run: stop here with the command to fix it.
  const r = await stage('system', async () => {
    const installed = await ensureSystemPackages({ log: join(LOGS, 'system.log'), say });
    return { note: installed.length ? `installed ${installed.join(' ')}` : 'all present' };
  });
  if (r.failed) {
    say(`${passed} passed, ${failed} failed`);
    process.exit(1);
  }
}

await stage('lint', async () => {
  const log = join(LOGS, 'lint.log');
  rmSync(log, { force: true });
  const bin = (p) => join(root, 'node_modules', ...p.split('/'));
  // Side by side (each mostly single-threaded); one log each, joined into lint.log.
  const checks = [
    ['tsc (extension, tests)', bin('typescript/bin/tsc'), ['-p', '.', '--noEmit']],
    ['tsc (webview)', bin('typescript/bin/tsc'), ['-p', 'webview-ui', '--noEmit']],
    ['eslint', bin('eslint/bin/eslint.js'), ['src', 'webview-ui', 'test', 'scripts']],
  ];
  const codes = await Promise.all(checks.map(([, cmd, args], i) => run(process.execPath, [cmd, ...args], { cwd: root, log: `${log}.${i}`, allowFail: true })));
  for (let i = 0; i < checks.length; i++) {
    appendFileSync(log, readFileSync(`${log}.${i}`, 'utf8'));
    rmSync(`${log}.${i}`, { force: true });
  }
  const problems = checks.filter((_, i) => codes[i] !== 0).map(([what]) => what);
  if (problems.length) {
    say(tail(log, 40));
    return { failed: 1, note: `${problems.join(', ')} failed (see out/logs/lint.log)` };
  }
  return { note: 'typecheck + eslint clean' };
});

await stage('unit', () => mocha('unit', ['--config', '.mocharc.unit.json']));

const pkg = await stage('package', async () => {
  vsix = await packageVsix({ log: join(LOGS, 'package.log'), say });
  return { note: relative(root, vsix) };
});

await stage('integration', async () => {
  if (pkg?.failed) return { failed: 1, note: 'not run: packaging failed' };
  const runs = await runIntegration({ production: true, vsix, say, logsDir: LOGS });
  for (const r of runs) for (const f of r.failed ?? []) say(`  FAILED [${r.name}] ${f.title}: ${f.error.split('\n')[0]}`);
  return {
    passed: runs.reduce((n, r) => n + r.passes, 0),
    failed: runs.reduce((n, r) => n + r.failures, 0),
    note: runs.map((r) => `${r.name} ${r.passes}/${r.passes + r.failures} in ${r.seconds.toFixed(1)} s`).join(', '),
  };
});

await stage('e2e', async () => {
  const files = filesUnder(join(root, 'test', 'e2e'), '.test.ts');
  if (files.length === 0) return { note: 'no e2e tests' };
  return mocha('e2e', ['--require', 'tsx/cjs', '--extension', 'ts', '--timeout', '120000', ...files.map((f) => `test/e2e/${f}`)]);
});

await stage('demo', async () => {
  const code = await run(process.execPath, ['scripts/demo.mjs', '--smoke'], { cwd: root, log: join(LOGS, 'demo-smoke.log'), allowFail: true, timeoutMs: 10 * 60_000 });
  return code === 0 ? { passed: 1, note: 'the verify job passed; screenshots in out/demo/' } : { failed: 1, note: 'see out/logs/demo-smoke.log and out/demo/failure.png' };
});

say('\nstage         seconds  passed  failed  note');
for (const s of summary) {
  say(`${s.stage.padEnd(12)} ${s.seconds.toFixed(1).padStart(8)} ${String(s.passed ?? 0).padStart(7)} ${String(s.failed ?? 0).padStart(7)}  ${s.note ?? ''}`);
}
say(`total        ${((performance.now() - tTotal) / 1000).toFixed(1).padStart(8)}   (logs: out/logs/)`);
say(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
