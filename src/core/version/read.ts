// Where a release's version comes from: a file and a regex (a C header's `#define FW_VERSION
// "1.4.2"`), the nearest git tag, the user (an injected prompt), or a value already confirmed.
// Each failure says what was looked at and what a working setting looks like.

import { execFile } from 'child_process';
import { readFile } from 'fs/promises';
import { isAbsolute, join, relative } from 'path';

export type VersionSource =
  | { kind: 'file'; file: string; regex?: string }
  | { kind: 'git'; /** Stripped from the tag when a digit follows ("v1.4.2" → "1.4.2"); default "v". */ stripPrefix?: string }
  | { kind: 'ask'; prompt?: string }
  | { kind: 'fixed'; version: string };

export const DEFAULT_VERSION_REGEX = '#define\\s+FW_VERSION\\s+"([^"]+)"';

/** Asks the user; resolves undefined when they dismiss the prompt. */
export type VersionPrompt = (opts: { prompt: string; validate: (v: string) => string | undefined }) => Promise<string | undefined>;

export interface VersionContext {
  /** Workspace folder that relative paths and git run in. */
  root: string;
  ask?: VersionPrompt;
  /** Checks a typed version (the per-cloud rules); used by the prompt. */
  validate?: (v: string) => string | undefined;
  signal?: AbortSignal;
}

export interface ReadVersion {
  version: string;
  /** Where it came from, for the timeline: "include/version.h:3", "git tag v1.4.2", "asked". */
  origin: string;
}

export class VersionError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    /** True when the user dismissed the prompt: a cancel, not a failure. */
    readonly canceled = false,
  ) {
    super(message);
    this.name = 'VersionError';
  }
}

export async function readVersion(source: VersionSource, ctx: VersionContext): Promise<ReadVersion> {
  switch (source.kind) {
    case 'file':
      return fromFile(ctx.root, source.file, source.regex ?? DEFAULT_VERSION_REGEX);
    case 'git':
      return fromGit(ctx.root, source.stripPrefix ?? 'v', ctx.signal);
    case 'ask':
      return fromPrompt(ctx, source.prompt);
    case 'fixed':
      if (!source.version.trim()) throw new VersionError('The confirmed version is empty.', 'Enter a version such as 1.4.2.');
      return { version: source.version.trim(), origin: 'confirmed' };
  }
}

/** Compiles a user-supplied version regex; it must capture the version (group 1 or a group named `version`). */
export function compileVersionRegex(regex: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(regex, 'm');
  } catch (e) {
    throw new VersionError(`The version regex ${JSON.stringify(regex)} is not a valid regular expression: ${(e as Error).message}.`, `Use a regex such as ${DEFAULT_VERSION_REGEX}.`);
  }
  // A regex's capture-group count: match it against the empty alternative.
  const groups = new RegExp(`${regex}|`).exec('')!.length - 1;
  if (groups < 1) {
    throw new VersionError(
      `The version regex ${JSON.stringify(regex)} has no capture group, so it cannot say which part is the version.`,
      `Put the version in parentheses, e.g. ${DEFAULT_VERSION_REGEX}.`,
    );
  }
  return re;
}

export async function fromFile(root: string, file: string, regex: string): Promise<ReadVersion> {
  const re = compileVersionRegex(regex);
  const path = isAbsolute(file) ? file : join(root, file);
  const shown = relative(root, path) || file;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VersionError(`The version file ${shown} does not exist (in ${root}).`, 'Point the version setting at the header that defines the version, e.g. include/version.h.');
    if (code === 'EISDIR') throw new VersionError(`The version file ${shown} is a folder.`, 'Point the version setting at a file.');
    throw new VersionError(`Cannot read the version file ${shown} (${code ?? (e as Error).message}).`, 'Check the file permissions.');
  }
  const m = re.exec(text);
  if (!m) {
    throw new VersionError(
      `No line of ${shown} matches the version regex /${regex}/.`,
      `Expected a line like #define FW_VERSION "1.4.2", or change the regex in the version setting.`,
    );
  }
  const version = (m.groups?.version ?? m.slice(1).find((g) => g !== undefined) ?? '').trim();
  const line = text.slice(0, m.index).split('\n').length;
  if (!version) throw new VersionError(`${shown}:${line} matches the version regex but the captured version is empty.`, 'Set a version such as 1.4.2 there.');
  return { version, origin: `${shown}:${line}` };
}

export async function fromGit(root: string, stripPrefix: string, signal?: AbortSignal): Promise<ReadVersion> {
  const { code, stdout, stderr } = await run('git', ['describe', '--tags'], root, signal);
  if (code === 'ENOENT') throw new VersionError('git is not installed (or not on PATH), so the version cannot come from a git tag.', 'Install git, or read the version from a file instead.');
  if (code !== 0) {
    if (/not a git repository/i.test(stderr)) throw new VersionError(`${root} is not a git repository, so it has no tags to read the version from.`, 'Read the version from a file, or run `git init` and tag a commit.');
    if (/no names found|cannot describe anything|no tags can describe/i.test(stderr)) {
      throw new VersionError('The repository has no tags, so `git describe --tags` has no version to give.', 'Tag the release commit, e.g. `git tag v1.4.2`.');
    }
    throw new VersionError(`\`git describe --tags\` failed: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`, 'Check the repository, or read the version from a file.');
  }
  const tag = stdout.trim();
  const version = stripPrefix && tag.startsWith(stripPrefix) && /\d/.test(tag.charAt(stripPrefix.length)) ? tag.slice(stripPrefix.length) : tag;
  return { version, origin: `git tag ${tag}` };
}

async function fromPrompt(ctx: VersionContext, prompt = 'Version of this firmware release'): Promise<ReadVersion> {
  if (!ctx.ask) throw new VersionError('The version is set to be asked, but nothing can ask here.', 'Read the version from a file or a git tag.');
  const v = await ctx.ask({ prompt, validate: ctx.validate ?? ((s) => (s.trim() ? undefined : 'Enter a version.')) });
  if (v === undefined) throw new VersionError('No version was entered.', 'Re-run and enter a version.', true);
  if (!v.trim()) throw new VersionError('The entered version is empty.', 'Enter a version such as 1.4.2.');
  return { version: v.trim(), origin: 'asked' };
}

function run(cmd: string, args: string[], cwd: string, signal?: AbortSignal): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, signal, timeout: 15_000 }, (err, stdout, stderr) => {
      if (signal?.aborted) return reject(new VersionError('Reading the version was cancelled.', 'Re-run the release.', true));
      // execFile reports a non-zero exit as a numeric `code`, a missing program as 'ENOENT'.
      const code = err ? ((err as { code?: number | string }).code ?? 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
