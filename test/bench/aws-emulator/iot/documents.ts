// Job-document substitution. Package-version attributes are filled for everyone; the S3
// presigned-URL placeholder only when a device reads the document (as AWS does), becoming a real
// presigned GET on this emulator, signed with the job's role session and its expiry.

import type { Credentials } from '../auth';
import type { Catalog } from './catalog';
import type { JobRecord } from './jobs';

const PACKAGE_ATTR = /\$\{aws:iot:package:([^:}]*):version:([^:}]*):attributes:([^}]+)\}/g;
const PRESIGNED = /\$\{aws:iot:s3-presigned-url:(https?:\/\/[^}]+)\}/g;

export type Presign = (bucket: string, key: string, creds: Credentials, expiresIn: number) => Promise<string>;

/** Bucket and key from the URL forms AWS accepts in the placeholder (path- or virtual-hosted style). */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  try {
    const u = new URL(url);
    const host = /^(?:(.+)\.)?s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com(?:\.cn)?$/.exec(u.hostname);
    if (!host) return undefined;
    const parts = u.pathname.split('/').slice(1).map(decodeURIComponent);
    if (host[1]) return { bucket: host[1], key: parts.join('/') };
    const [bucket, ...rest] = parts;
    return bucket && rest.length ? { bucket, key: rest.join('/') } : undefined;
  } catch {
    return undefined;
  }
}

export class Documents {
  constructor(
    private readonly catalog: Catalog,
    private readonly presign: Presign,
    private readonly roleCredentials: Credentials,
  ) {}

  /** The document as GetJobDocument returns it (package attributes substituted unless asked not to). */
  controlPlane(job: JobRecord, beforeSubstitution: boolean): string {
    const doc = job.document ?? '{}';
    return beforeSubstitution ? doc : this.packageAttributes(job, doc);
  }

  /** The document a device receives: every placeholder resolved. */
  async forDevice(job: JobRecord): Promise<unknown> {
    let doc = this.packageAttributes(job, job.document ?? '{}');
    const expires = job.presignedUrlConfig?.expiresInSec ?? 3600;
    const urls = new Map<string, string>();
    for (const m of doc.matchAll(PRESIGNED)) {
      const loc = parseS3Url(m[1]);
      if (loc && !urls.has(m[0])) urls.set(m[0], await this.presign(loc.bucket, loc.key, this.roleCredentials, expires));
    }
    doc = doc.replace(PRESIGNED, (whole) => urls.get(whole) ?? whole);
    return JSON.parse(doc);
  }

  private packageAttributes(job: JobRecord, doc: string): string {
    return doc.replace(PACKAGE_ATTR, (whole, pkg: string, ver: string, key: string) => {
      const v = pkg || ver
        ? this.catalog.packages.get(pkg)?.versions.get(ver)
        : job.destinationPackageVersions?.length
          ? this.catalog.versionByArn(job.destinationPackageVersions[0])
          : undefined;
      const value = v?.attributes[key];
      return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
    });
  }
}
