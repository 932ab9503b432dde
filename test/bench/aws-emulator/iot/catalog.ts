// Software Package Catalog: packages and versions (DRAFT → PUBLISHED ⇄ DEPRECATED), attributes
// limited to 3 KB, artifacts and SBOMs that must point at existing S3 object versions.

import { conflict, notFound, validation } from '../errors';
import { page } from '../paging';
import type { S3Store } from '../s3';
import { checkEnum, checkString, isObject, optString, required } from '../validate';
import { NAME, PAGE_SIZE, TEXT, attributesBytes } from '../../../../src/core/clouds/aws/limits';
import type { World } from './world';

const V = 'ValidationException';

interface S3Location {
  bucket: string;
  key: string;
  version?: string;
}

export interface PackageRecord {
  packageName: string;
  packageArn: string;
  description?: string;
  defaultVersionName?: string;
  creationDate: Date;
  lastModifiedDate: Date;
  clientToken?: string;
  versions: Map<string, VersionRecord>;
}

export interface VersionRecord {
  packageName: string;
  versionName: string;
  packageVersionArn: string;
  description?: string;
  attributes: Record<string, string>;
  artifact?: { s3Location: S3Location };
  sbom?: { s3Location: S3Location };
  sbomValidationStatus?: 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';
  recipe?: string;
  status: 'DRAFT' | 'PUBLISHED' | 'DEPRECATED';
  errorReason?: string;
  creationDate: Date;
  lastModifiedDate: Date;
  clientToken?: string;
}

export class Catalog {
  readonly packages = new Map<string, PackageRecord>();
  /** Calls that created something (tests assert idempotent re-runs create nothing). */
  readonly created = { packages: 0, versions: 0 };

  constructor(
    private readonly world: World,
    private readonly s3: S3Store,
  ) {}

  pkg(name: string): PackageRecord {
    const p = this.packages.get(name);
    if (!p) throw notFound(`Package ${name} does not exist.`);
    return p;
  }

  version(pkgName: string, versionName: string): VersionRecord {
    const v = this.pkg(pkgName).versions.get(versionName);
    if (!v) throw notFound(`Package version ${pkgName}@${versionName} does not exist.`);
    return v;
  }

  /** Finds a version by its ARN (jobs' destinationPackageVersions). */
  versionByArn(arn: string): VersionRecord | undefined {
    const m = /:package\/([^/]+)\/version\/([^/]+)$/.exec(arn);
    return m ? this.packages.get(m[1])?.versions.get(m[2]) : undefined;
  }

  private checkLocation(field: string, loc: unknown): S3Location {
    if (!isObject(loc) || !isObject(loc.s3Location)) throw validation(`${field}.s3Location is required.`);
    const s = loc.s3Location;
    const bucket = checkString(`${field}.s3Location.bucket`, s.bucket, { min: 1 }, V);
    const key = checkString(`${field}.s3Location.key`, s.key, { min: 1 }, V);
    const version = optString(`${field}.s3Location.version`, s.version, { min: 1 }, V);
    try {
      this.s3.object(bucket, key, version);
    } catch {
      throw validation(`${field} s3://${bucket}/${key}${version ? `?versionId=${version}` : ''} cannot be read.`);
    }
    return { bucket, key, version };
  }

  private checkAttributes(attrs: unknown): Record<string, string> {
    if (attrs === undefined) return {};
    if (!isObject(attrs)) throw validation('attributes must be a map of strings.');
    for (const [k, v] of Object.entries(attrs)) {
      checkString(`attributes.${k}`, k, { min: 1, max: 64, pattern: /^[a-zA-Z0-9:_-]+$/ }, V);
      checkString(`attributes.${k}`, v, { min: 1 }, V);
    }
    const bytes = attributesBytes(attrs as Record<string, string>);
    if (bytes > TEXT.attributesBytes) throw validation(`The attributes total ${bytes} bytes; the limit is ${TEXT.attributesBytes} bytes (3 KB).`);
    return attrs as Record<string, string>;
  }

  createPackage(name: string, body: unknown, clientToken: string | null): unknown {
    checkString('packageName', name, NAME.packageName, V);
    const b = isObject(body) ? body : {};
    const description = optString('description', b.description, { max: TEXT.packageDescription }, V);
    const have = this.packages.get(name);
    if (have) {
      if (clientToken && have.clientToken === clientToken) return { packageName: name, packageArn: have.packageArn, description: have.description };
      throw conflict(`Package ${name} already exists.`);
    }
    const now = this.world.now();
    const p: PackageRecord = { packageName: name, packageArn: this.world.arn(`package/${name}`), description, creationDate: now, lastModifiedDate: now, clientToken: clientToken ?? undefined, versions: new Map() };
    this.packages.set(name, p);
    this.created.packages++;
    return { packageName: name, packageArn: p.packageArn, description };
  }

  getPackage(name: string): unknown {
    const p = this.pkg(name);
    return { packageName: p.packageName, packageArn: p.packageArn, description: p.description, defaultVersionName: p.defaultVersionName, creationDate: p.creationDate, lastModifiedDate: p.lastModifiedDate };
  }

  listPackages(q: URLSearchParams): unknown {
    const all = [...this.packages.values()];
    const r = page(all, q, { ...PAGE_SIZE.packages, dflt: 25 }, 'packages', V);
    return {
      packageSummaries: r.items.map((p) => ({ packageName: p.packageName, defaultVersionName: p.defaultVersionName, creationDate: p.creationDate, lastModifiedDate: p.lastModifiedDate })),
      nextToken: r.nextToken,
    };
  }

  createVersion(pkgName: string, versionName: string, body: unknown, clientToken: string | null): unknown {
    checkString('versionName', versionName, NAME.versionName, V);
    const p = this.packages.get(pkgName);
    if (!p) throw validation(`Package ${pkgName} does not exist.`);
    const b = isObject(body) ? body : {};
    const description = optString('description', b.description, { max: TEXT.packageDescription }, V);
    const attributes = this.checkAttributes(b.attributes);
    const artifact = b.artifact === undefined ? undefined : { s3Location: this.checkLocation('artifact', b.artifact) };
    const recipe = optString('recipe', b.recipe, { max: 3072 }, V);
    const have = p.versions.get(versionName);
    if (have) {
      if (clientToken && have.clientToken === clientToken) return this.versionResponse(have);
      throw conflict(`Package version ${pkgName}@${versionName} already exists.`);
    }
    const now = this.world.now();
    const v: VersionRecord = {
      packageName: pkgName,
      versionName,
      packageVersionArn: this.world.arn(`package/${pkgName}/version/${versionName}`),
      description,
      attributes,
      artifact,
      recipe,
      status: 'DRAFT',
      creationDate: now,
      lastModifiedDate: now,
      clientToken: clientToken ?? undefined,
    };
    p.versions.set(versionName, v);
    p.lastModifiedDate = now;
    this.created.versions++;
    return this.versionResponse(v);
  }

  private versionResponse(v: VersionRecord): unknown {
    return { packageVersionArn: v.packageVersionArn, packageName: v.packageName, versionName: v.versionName, description: v.description, attributes: v.attributes, status: v.status, errorReason: v.errorReason };
  }

  getVersion(pkgName: string, versionName: string): unknown {
    const v = this.version(pkgName, versionName);
    return {
      packageVersionArn: v.packageVersionArn,
      packageName: v.packageName,
      versionName: v.versionName,
      description: v.description,
      attributes: v.attributes,
      artifact: v.artifact,
      status: v.status,
      errorReason: v.errorReason,
      creationDate: v.creationDate,
      lastModifiedDate: v.lastModifiedDate,
      sbom: v.sbom,
      sbomValidationStatus: v.sbomValidationStatus,
      recipe: v.recipe,
    };
  }

  updateVersion(pkgName: string, versionName: string, body: unknown): unknown {
    const v = this.version(pkgName, versionName);
    const b = isObject(body) ? body : {};
    const editing = b.description !== undefined || b.attributes !== undefined || b.artifact !== undefined || b.recipe !== undefined;
    if (editing && v.status !== 'DRAFT') throw conflict(`Package version ${pkgName}@${versionName} is ${v.status}; only DRAFT versions can be edited.`);
    if (b.attributes !== undefined) v.attributes = this.checkAttributes(b.attributes);
    if (b.description !== undefined) v.description = optString('description', b.description, { max: TEXT.packageDescription }, V);
    if (b.artifact !== undefined) v.artifact = { s3Location: this.checkLocation('artifact', b.artifact) };
    if (b.recipe !== undefined) v.recipe = optString('recipe', b.recipe, { max: 3072 }, V);
    if (b.action !== undefined) {
      const action = checkEnum('action', b.action, ['PUBLISH', 'DEPRECATE'] as const, V);
      const target = action === 'PUBLISH' ? 'PUBLISHED' : 'DEPRECATED';
      if (action === 'DEPRECATE' && v.status === 'DRAFT') throw conflict(`Package version ${pkgName}@${versionName} is DRAFT; publish it before deprecating it.`);
      v.status = target;
    }
    v.lastModifiedDate = this.world.now();
    return {};
  }

  listVersions(pkgName: string, q: URLSearchParams): unknown {
    const p = this.pkg(pkgName);
    const status = q.get('status');
    if (status !== null) checkEnum('status', status, ['DRAFT', 'PUBLISHED', 'DEPRECATED'] as const, V);
    const all = [...p.versions.values()].filter((v) => !status || v.status === status);
    const r = page(all, q, { ...PAGE_SIZE.versions, dflt: 25 }, `versions:${pkgName}:${status ?? ''}`, V);
    return {
      packageVersionSummaries: r.items.map((v) => ({ packageName: v.packageName, versionName: v.versionName, status: v.status, creationDate: v.creationDate, lastModifiedDate: v.lastModifiedDate })),
      nextToken: r.nextToken,
    };
  }

  associateSbom(pkgName: string, versionName: string, body: unknown): unknown {
    const v = this.version(pkgName, versionName);
    const b = isObject(body) ? body : {};
    const loc = this.checkLocation('sbom', required('sbom', b.sbom, V));
    v.sbom = { s3Location: loc };
    v.sbomValidationStatus = 'IN_PROGRESS';
    // Validation runs asynchronously, as in AWS: an SPDX or CycloneDX JSON document passes.
    void this.s3
      .readAll(this.s3.object(loc.bucket, loc.key, loc.version))
      .then((buf) => {
        const doc = JSON.parse(buf.toString());
        v.sbomValidationStatus = doc.spdxVersion || doc.bomFormat === 'CycloneDX' ? 'SUCCEEDED' : 'FAILED';
      })
      .catch(() => (v.sbomValidationStatus = 'FAILED'));
    return { packageName: pkgName, versionName, sbom: v.sbom, sbomValidationStatus: 'IN_PROGRESS' };
  }
}
