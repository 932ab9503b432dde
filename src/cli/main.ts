// `ota-bench`: the release, the verify, the watch and the serial monitor of OTA Bench, for terminals
// and CI. Built to dist/cli.js (no vscode); clouds load from dist/clouds/<kind>.js on first use.
import { isCloudError, isNamedError } from '../core/errors';
import { HELP, parseArgs, type Invocation } from './args';
import { rememberEnvSecrets } from './clouds';
import { EXIT, type ExitCode } from './exit';
import { consoleOutput, type Output } from './report';

// The commands load on use (esbuild defers a dynamically imported module's evaluation): --help and
// `profiles` never load the serial stack and its native binding.
const release = () => import('./release');
const commands = () => import('./commands');
const fleet = () => import('./fleet');

async function dispatch(inv: Invocation, out: Output, signal: AbortSignal): Promise<ExitCode> {
  switch (inv.command) {
    case 'release':
    case 'verify':
      return (await release()).runRelease(inv.command, inv.flags, out, signal);
    case 'watch':
      return (await commands()).watchCommand(inv.args, inv.flags, out, signal);
    case 'monitor':
      return (await commands()).monitorCommand(inv.flags, out, signal);
    case 'profiles':
      return (await commands()).profilesCommand(inv.flags, out);
    case 'fleet':
      return (await fleet()).fleetCommand(inv.flags, out);
    default:
      process.stdout.write(HELP);
      return inv.flags.help ? EXIT.passed : EXIT.usage;
  }
}

/** Warnings on stderr as one line each, without the AWS SDK's notice about future Node versions. */
function quietWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'DeprecationWarning' || `${w.name} ${w.message}`.includes('NodeVersionSupportWarning')) return;
    process.stderr.write(`ota-bench: warning: ${w.name}: ${w.message.split('\n')[0]}\n`);
  });
}

export async function main(argv: readonly string[]): Promise<ExitCode> {
  quietWarnings();
  rememberEnvSecrets();
  let out = consoleOutput(argv.includes('--json'));
  let inv: Invocation;
  try {
    inv = parseArgs(argv);
  } catch (e) {
    out.say(`ota-bench: ${(e as Error).message}`);
    return EXIT.usage;
  }
  out = consoleOutput(inv.flags.json);
  if (inv.flags.help && inv.command) {
    process.stdout.write(HELP);
    return EXIT.passed;
  }
  // SIGINT / SIGTERM: cancel like Cancel Release (the run stops at a safe point and says what is
  // left on the cloud); a second one quits at once.
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    out.say(`\nota-bench: ${sig}: cancelling… (${sig === 'SIGINT' ? 'Ctrl-C' : sig} again quits at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await dispatch(inv, out, abort.signal);
  } catch (e) {
    const code = (e as { exitCode?: unknown }).exitCode;
    if (isNamedError(e, 'UsageError') || isNamedError(e, 'InfrastructureError')) {
      out.say(`ota-bench: ${e.message}`);
      out.event({ type: 'error', exitCode: code, message: e.message });
      return code as ExitCode;
    }
    if (isCloudError(e)) {
      // A cloud call outside a release step (listing versions, watching a job): its message and hint, no stack.
      const exit =
        e.code === 'unavailable' || e.code === 'throttled' ? EXIT.infrastructure : e.code === 'canceled' ? EXIT.interrupted : e.code === 'unknown' ? EXIT.failed : EXIT.usage;
      out.say(`ota-bench: ${e.message}${e.hint ? `\n→ ${e.hint}` : ''}`);
      out.event({ type: 'error', exitCode: exit, message: e.message });
      return exit;
    }
    if (isNamedError(e, 'StaleReleaseError')) {
      out.say(`ota-bench: ${e.message}`);
      return EXIT.usage;
    }
    if (abort.signal.aborted) return EXIT.interrupted;
    out.say(`ota-bench: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // The AWS SDK keeps sockets alive for a while; the run is over.
    setTimeout(() => process.exit(code), 200).unref();
  });
}
