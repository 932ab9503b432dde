// Finding the built image: a glob relative to the workspace (build/**/*.bin) that must match
// exactly one file. Node 20 has no fs.glob, and the glob syntax needed is small: `**`, `*`, `?`,
// `[...]` and `{a,b}`.

import { readdir, stat } from 'fs/promises';
import { isAbsolute, join, relative, sep } from 'path';
import type { ArtifactRecord } from './types';
import { StepFailure } from './errors';

/** Folders never searched unless the glob names them. */
const SKIP_DIRS = new Set(['.git', 'node_modules']);
/** Directory entries visited at most before the glob is called too wide. */
const MAX_VISITS = 20_000;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  const segments = glob.split('/');
  segments.forEach((seg, i) => {
    const last = i === segments.length - 1;
    if (seg === '**') {
      re += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    for (let j = 0; j < seg.length; j++) {
      const c = seg[j];
      if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else if (c === '[') {
        const end = seg.indexOf(']', j + 2);
        if (end < 0) re += '\\[';
        else {
          const body = seg.slice(j + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
          re += `[${body}]`;
          j = end;
        }
      } else if (c === '{') {
        const end = seg.indexOf('}', j);
        if (end < 0) re += '\\{';
        else {
          re += `(?:${seg.slice(j + 1, end).split(',').map(escape).join('|')})`;
          j = end;
        }
      } else re += escape(c);
    }
    if (!last) re += '/';
  });
  return new RegExp(`^${re}$`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The leading folders of a glob that hold no wildcard: where the walk starts. */
function staticPrefix(glob: string): string {
  const parts = glob.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (/[*?[{]/.test(p)) break;
    fixed.push(p);
  }
  return fixed.join('/');
}

/** Files under `root` matching `glob`, as sorted workspace-relative paths with forward slashes. */
export async function findFiles(root: string, glob: string): Promise<string[]> {
  let pattern = glob.trim().replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolute(glob)) pattern = relative(root, glob).split(sep).join('/');
  const re = globToRegExp(pattern);
  const start = staticPrefix(pattern);
  const out: string[] = [];
  let visits = 0;
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch {
      return; // a missing build folder is "no match", said below
    }
    for (const e of entries) {
      if (++visits > MAX_VISITS) throw new StepFailure(`The artifact glob ${glob} walks more than ${MAX_VISITS} files.`, 'Make the glob narrower, e.g. build/**/*.bin.');
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) || pattern.includes(e.name)) await walk(p);
      } else if (e.isFile() && re.test(p)) out.push(p);
    }
  };
  await walk(start);
  return out.sort();
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

/** The one file `glob` matches, or a StepFailure that lists what was (not) found. */
export async function locateArtifact(root: string, glob: string, now = Date.now()): Promise<ArtifactRecord> {
  const matches = await findFiles(root, glob);
  if (matches.length === 0) {
    throw new StepFailure(
      `No file matches the artifact glob ${glob} in ${root}.`,
      'Check that the build writes its image there, or change the artifact setting (otaBench.release.artifact).',
    );
  }
  const stats = await Promise.all(matches.map((m) => stat(join(root, m))));
  if (matches.length > 1) {
    const list = matches
      .map((m, i) => ({ m, s: stats[i] }))
      .sort((a, b) => b.s.mtimeMs - a.s.mtimeMs)
      .map(({ m, s }) => `${m} (${size(s.size)}, ${ago(now - s.mtimeMs)})`);
    throw new StepFailure(
      `${matches.length} files match the artifact glob ${glob}; exactly one is needed: ${list.join('; ')}.`,
      'Delete the old images from the build folder, or make the artifact glob match only one (e.g. build/firmware-*.bin).',
    );
  }
  const s = stats[0];
  if (s.size === 0) throw new StepFailure(`The artifact ${matches[0]} is empty.`, 'Check the build output; it wrote an empty file.');
  return { path: join(root, matches[0]), relPath: matches[0], size: s.size, mtimeMs: s.mtimeMs };
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export { size as formatSize };
