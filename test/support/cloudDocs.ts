// What each cloud can do, written from the descriptors into the README (a table between markers)
// and the manifest (the otaBench.profiles schema: kinds, fields, and a capabilities summary), so
// neither can drift from the code. `npm run docs:clouds` rewrites both; a unit test fails when stale.
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { Capability, CloudDescriptor } from '../../src/core/clouds/descriptor';
import { CLOUD_KINDS, descriptorOf } from '../../src/core/clouds/registry';

const ROOT = join(__dirname, '..', '..');
export const BEGIN = '<!-- clouds:begin (written by npm run docs:clouds from the cloud descriptors) -->';
export const END = '<!-- clouds:end -->';

const ROWS: [Capability, string][] = [
  ['browse', 'Browse packages, versions, jobs and device executions'],
  ['release', 'Quick Release / Start Verify Job on the bench board'],
  ['version-lifecycle', 'Publish / deprecate versions'],
  ['cancel-job', 'Cancel a job'],
  ['cancel-execution', "Cancel one device's execution"],
  ['cancel-job-tasks', "Cancel a job's device tasks by state"],
  ['retry-job', 'Retry a job'],
  ['confirm-job', "Confirm a job's waiting devices"],
  ['job-document', 'Open a job document'],
  ['ota-updates', 'OTA updates folder'],
  ['fleet-rollout', 'Release to Fleet'],
];

const descriptors = (): CloudDescriptor[] => CLOUD_KINDS.map((k) => descriptorOf(k));

export function readmeTable(): string {
  const ds = descriptors();
  const head = `| | ${ds.map((d) => d.label).join(' | ')} |\n|---|${ds.map(() => '---').join('|')}|`;
  const rows = ROWS.map(([c, text]) => `| ${text} | ${ds.map((d) => (d.capabilities.has(c) ? 'yes' : '—')).join(' | ')} |`);
  const facts = [
    `| Folders | ${ds.map((d) => d.folders.map((f) => f.label).join(' · ') + (d.jobScope === 'version' ? ` (jobs under each ${d.nouns.version})` : '')).join(' | ')} |`,
    `| Bench boards per verify job | ${ds.map((d) => `up to ${d.bench.maxTargets} (\`${d.bench.field}\`)`).join(' | ')} |`,
    `| What the device checks | ${ds.map((d) => ({ signature: 'a signature (ECDSA/RSA)', sha256: 'SHA-256', 'md5-or-sha256': 'MD5 or SHA-256' })[d.signing.deviceChecks]).join(' | ')} |`,
    `| Credentials | ${ds.map((d) => (d.secretFields.length ? `${d.secretFields.filter((f) => !f.optional).map((f) => f.label).join(' + ')} in the OS keychain, or the cloud's own chain` : "the cloud's own credential chain")).join(' | ')} |`,
  ];
  const notes = ds.filter((d) => d.unavailable).map((d) => `\n_${d.unavailable}_`);
  return [head, ...rows, ...facts].join('\n') + (notes.length ? `\n${notes.join('\n')}` : '');
}

/** The otaBench.profiles schema's kind list and per-field properties, from the descriptors. */
export function profileSchema(current: Record<string, unknown>): Record<string, unknown> {
  const ds = descriptors();
  const props: Record<string, { type: string | string[]; items?: unknown; description: string }> = {
    kind: { type: 'string', description: 'Which cloud.' },
    name: { type: 'string', description: 'Profile name shown in the Clouds view (unique).' },
    region: { type: 'string', description: `Cloud region, e.g. ${ds.map((d) => d.regions.known[0]).join(', ')}.` },
    endpoint: { type: 'string', description: 'Override of the cloud API endpoint (private endpoints, emulators).' },
  };
  for (const d of ds) {
    for (const f of d.profileFields) {
      const text = `${d.label}: ${f.label}.`;
      const have = props[f.key];
      props[f.key] = have
        ? { ...have, description: `${have.description} ${text}` }
        : { type: f.list ? ['string', 'array'] : 'string', ...(f.list ? { items: { type: 'string' }, maxItems: f.list.max } : {}), description: text };
    }
  }
  const kind = { ...props.kind, enum: ds.map((d) => d.kind), enumDescriptions: ds.map((d) => {
    const can = ROWS.filter(([c]) => d.capabilities.has(c)).map(([, t]) => t.toLowerCase());
    return can.length ? `${d.label}: ${can.join('; ')}.` : (d.unavailable ?? d.label);
  }) };
  const items = current.items as Record<string, unknown>;
  return { ...current, items: { ...items, properties: { ...props, kind } } };
}

interface Files {
  readme: string;
  pkg: string;
}

export function render(files: Files): Files {
  const start = files.readme.indexOf(BEGIN);
  const end = files.readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${BEGIN} … ${END} block`);
  const readme = `${files.readme.slice(0, start + BEGIN.length)}\n${readmeTable()}\n${files.readme.slice(end)}`;
  const pkg = JSON.parse(files.pkg);
  const conf = pkg.contributes.configuration;
  for (const c of Array.isArray(conf) ? conf : [conf]) {
    if (c.properties?.['otaBench.profiles']) c.properties['otaBench.profiles'] = profileSchema(c.properties['otaBench.profiles']);
  }
  // The manifest keeps non-ASCII characters escaped, as it is written elsewhere.
  const json = JSON.stringify(pkg, null, 2).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { readme, pkg: `${json}\n` };
}

export function current(): Files {
  return { readme: readFileSync(join(ROOT, 'README.md'), 'utf8'), pkg: readFileSync(join(ROOT, 'package.json'), 'utf8') };
}

if (require.main === module) {
  const out = render(current());
  writeFileSync(join(ROOT, 'README.md'), out.readme);
  writeFileSync(join(ROOT, 'package.json'), out.pkg);
  console.log('README.md and package.json: what each cloud can do, from the descriptors.');
}
