// Looking for a string in every file below a folder (to prove a secret is written nowhere).
import * as fs from 'fs';
import * as path from 'path';

/** Files below `dir` whose bytes contain `needle` as UTF-8 or UTF-16LE (LevelDB/SQLite store either). */
export function filesContaining(dir: string, needle: string, maxBytes = 20 * 1024 * 1024): string[] {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size <= maxBytes) {
        const buf = fs.readFileSync(p);
        if (forms.some((f) => buf.includes(f))) hits.push(p);
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return hits;
}
