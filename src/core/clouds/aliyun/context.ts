// What the Alibaba provider's parts share: the profile, the OTA client, and the page walks over
// CurrentPage/PageSize lists (each action's own page limit).

import { CloudError, type CloudErrorShape } from '../../errors';
import type { AliyunProfile } from '../../profiles';
import type { AliyunOtaClient } from './client';
import { pageSize, PAGE_SIZE } from './limits';
import type { PageInfo } from './wire';

/** Profile keys beyond the descriptor's that ride along in settings (emulators, private endpoints). */
export interface AliyunProfileExtras {
  /** Deadline of one call in seconds (1–600; default 30). */
  callTimeoutSeconds?: number;
  /** The aliyun CLI / credentials-file profile the chain uses (credentials "chain"). */
  aliyunProfile?: string;
}

export type AliyunProfileConfig = AliyunProfile & AliyunProfileExtras;

export interface AliyunContext {
  profile: AliyunProfileConfig;
  client: AliyunOtaClient;
  /** Anything thrown outside a client call (the OSS POST) → CloudError, as the client classifies. */
  classify: (e: unknown, what: string) => CloudErrorShape;
}

/** A list action's answer: its rows and its paging fields. */
export type PagedRows<R> = PageInfo & { rows: R[] };

/** Every row of a paged list action, at its largest page (bounded: `max` rows). */
export async function allRows<R>(action: keyof typeof PAGE_SIZE, fetch: (page: number, size: number) => Promise<PagedRows<R>>, max = 10_000): Promise<R[]> {
  const size = pageSize(action);
  const out: R[] = [];
  for (let page = 1; ; page++) {
    const r = await fetch(page, size);
    out.push(...r.rows);
    const pages = r.PageCount ?? Math.ceil((r.Total ?? 0) / size);
    if (r.rows.length < size || page >= pages || out.length >= max) return out;
  }
}

/** The profile's setting, or a config error naming it. */
export function requireSetting<T>(value: T | undefined | '', label: string, key: string): T {
  if (value === undefined || value === '') throw new CloudError(`The Alibaba profile has no ${label}.`, 'config', `Edit the profile and set ${key}.`);
  return value;
}
