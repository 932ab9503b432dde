// The command line: `ota-bench <command> [args] [flags]`, parsed without a library (the bundle
// stays small and starts fast). Every mistake is a UsageError that says what to type instead.
import { UsageError } from './exit';

export const COMMANDS = ['release', 'verify', 'watch', 'monitor', 'profiles', 'fleet'] as const;
export type Command = (typeof COMMANDS)[number];

export interface Flags {
  workspace?: string;
  config?: string;
  profile?: string;
  port?: string;
  baud?: string;
  version?: string;
  json: boolean;
  out?: string;
  junit?: string;
  resume: boolean;
  include?: string;
  exclude?: string;
  level?: string;
  tag?: string;
  regex: boolean;
  duration?: number;
  /** fleet: a JSON file of answers, `--set key=value` answers (repeatable), really start it, list the questions. */
  answers?: string;
  set: string[];
  yes: boolean;
  questions: boolean;
  help: boolean;
}

export interface Invocation {
  command?: Command;
  args: string[];
  flags: Flags;
}

const VALUE_FLAGS = ['workspace', 'config', 'profile', 'port', 'baud', 'version', 'out', 'junit', 'include', 'exclude', 'level', 'tag', 'duration', 'answers', 'set'] as const;
const BOOL_FLAGS = ['json', 'resume', 'regex', 'help', 'yes', 'questions'] as const;
/** Flags that would carry a secret: refused, so a key never lands in shell history or CI logs. */
const SECRET_FLAG = /^--?(secret|access-?key|secret-?key|token|password|passphrase|sk|ak|credentials?)(=|$)/i;

export function parseArgs(argv: readonly string[]): Invocation {
  const flags: Flags = { json: false, resume: false, regex: false, help: false, yes: false, questions: false, set: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') {
      flags.help = true;
      continue;
    }
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    if (SECRET_FLAG.test(a)) throw new UsageError(`${a.split('=')[0]}: secrets are never taken from arguments. Use the cloud's credential chain or the environment variables listed in \`ota-bench --help\`.`);
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if ((BOOL_FLAGS as readonly string[]).includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
      flags[name as (typeof BOOL_FLAGS)[number]] = true;
    } else if ((VALUE_FLAGS as readonly string[]).includes(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value.`);
      if (name === 'duration') {
        const n = Number(value);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--duration must be a number of seconds greater than 0, not "${value}".`);
        flags.duration = n;
      } else if (name === 'set') {
        if (!/^[A-Za-z][\w.]*=/.test(value)) throw new UsageError(`--set takes key=value (e.g. --set rate=constant), not "${value}".`);
        flags.set.push(value);
      } else flags[name as Exclude<(typeof VALUE_FLAGS)[number], 'duration' | 'set'>] = value;
    } else throw new UsageError(`Unknown flag --${name}. See \`ota-bench --help\`.`);
  }
  const [first, ...args] = rest;
  if (first === 'help') return { args, flags: { ...flags, help: true } };
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`Unknown command "${first}". Commands: ${COMMANDS.join(', ')}.`);
  return { command: first as Command | undefined, args, flags };
}

export const HELP = `ota-bench: build, sign, publish and verify firmware on the bench board, as OTA Bench does in VS Code

Usage: ota-bench <command> [flags]

Commands
  release              the Quick Release pipeline: build, locate, version, hash/sign, upload,
                       register, publish, start the verify job on the bench board, watch, verdict
  release --resume     continue the workspace's last release where it stopped (also one
                       stopped in VS Code: both keep it in .vscode/ota-bench/release.json)
  verify               start a verify job for a version already on the cloud (--version, else
                       the workspace's version) and watch it to a verdict
  watch <job>          follow a job's rollout until it ends
  monitor              the serial log on stdout, one line each with its timestamp
                       (--include/--exclude terms, --regex; --level error|warn|info|debug and
                       --tag "wifi,-mqtt" as the monitor parses them, otaBench.serial.levelPattern
                       too; --duration SECONDS to stop by itself)
  profiles             the configured cloud profiles, what each cloud can do, and where each
                       profile's secrets come from
  fleet                Release to Fleet: roll out the workspace's last release that PASSED on
                       the bench, with the cloud's own settings (the same questions as in VS
                       Code). --questions lists them (keys, choices, ranges, defaults);
                       answers come from --answers FILE (a JSON object) and --set key=value
                       (repeatable; wins over the file); left-out inputs take the defaults.
                       Without --yes it is a dry run: the answers are checked and the job is
                       described, nothing is started

Settings come from the workspace's .vscode/settings.json (otaBench.*; comments and trailing commas
allowed), the same profiles, release and serial settings as the extension.
  --workspace DIR      the firmware workspace (default: the current directory)
  --config FILE        read the otaBench.* settings from FILE instead
  --profile NAME       the cloud profile (needed when several are configured)
  --port PATH          the board's serial port (default: otaBench.serial.port)
  --baud N             its baud rate (default: otaBench.serial.baudRate)
  --version V          the version to release or verify (default: otaBench.release.version)

Output
  human progress on stderr; --json prints one event per line on stdout
  --out DIR            write the verify bundle (record, snapshots, job document, serial log,
                       timeline) into a new folder under DIR
  --junit FILE         write JUnit XML: one testcase per bench board, the verdict's reason as the
                       failure message, the board's serial lines as system-out

Secrets are never taken from arguments. They come from the cloud's own credential chain (AWS: the
SDK chain, e.g. AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO) or from environment
variables named OTA_BENCH_<PROFILE>_<FIELD>: the profile name and the secret field in upper case,
other characters as "_" (e.g. profile "Lab Huawei", field accessKey: OTA_BENCH_LAB_HUAWEI_ACCESS_KEY).
\`ota-bench profiles\` lists the variables each profile reads.

Exit codes
  0 passed · 1 the verdict (or a release step) failed · 2 usage or configuration ·
  3 infrastructure (a cloud or the serial port unreachable) · 130 interrupted (SIGINT/SIGTERM:
  the run stops like Cancel Release and says what was left on the cloud; --resume continues it)
`;
