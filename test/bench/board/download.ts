// The board's HTTP download of an OTA image, shared by the cloud agents: streamed, paced when
// asked (demo), a timeout when no data arrives, the 'download-timeout' fault (stalls at a quarter),
// and the storage service's error code (S3/OBS/OSS `<Code>…</Code>`) in the message.

export interface DownloadOptions {
  /** Expected bytes (the stall point and progress use it). */
  size: number;
  /** No data for this long → DownloadTimeout. */
  timeoutMs: number;
  /** Pace to this rate (bytes/s); unpaced when absent. */
  bytesPerSecond?: number;
  /** Fault 'download-timeout': stop reading after a quarter until the timeout fires. */
  stall?: boolean;
  /** Aborts the download (agent stopped). */
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Called once when the stall fault takes effect. */
  onStall?(got: number): void;
  /** After each chunk, with the bytes so far (awaited: a report may go out). */
  onData?(got: number): void | Promise<void>;
}

export class DownloadTimeout extends Error {
  constructor(
    readonly got: number,
    timeoutMs: number,
    size: number,
  ) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s without data at ${got}/${size} bytes`);
  }
}

export class DownloadHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    expired: boolean,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}${expired ? ' (the download URL expired)' : ''}`);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function download(url: string, opts: DownloadOptions): Promise<Buffer> {
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ((timedOut = true), ac.abort()), opts.timeoutMs);
  };
  arm();
  const chunks: Buffer[] = [];
  let got = 0;
  const started = Date.now();
  try {
    const res = await fetch(url, { signal: ac.signal, headers: opts.headers });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      throw new DownloadHttpError(res.status, /<Code>([^<]+)<\/Code>/.exec(text)?.[1], /expired/i.test(text));
    }
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      got += chunk.length;
      arm();
      if (opts.stall && got >= opts.size / 4) {
        opts.onStall?.(got);
        await new Promise((_r, reject) => ac.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      }
      if (opts.bytesPerSecond) {
        const due = started + (got / opts.bytesPerSecond) * 1000;
        if (due > Date.now()) await delay(due - Date.now());
      }
      await opts.onData?.(got);
    }
  } catch (e) {
    if (timedOut) throw new DownloadTimeout(got, opts.timeoutMs, opts.size);
    throw e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks);
}
