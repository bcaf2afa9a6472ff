// Asking a public URL whether it answers: HEAD first (no body), GET when a server refuses HEAD,
// redirects followed by hand so that their number is bounded, one timeout per request. Shared by
// the live check before `gazette send` and by `gazette check --links`.

export interface ProbeOptions {
  /** Per request (each redirect hop is one), in ms. Default 8000. */
  timeoutMs?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /**
   * Learn the size of the body: Content-Length, or else the bytes of a GET, read up to this
   * many (then the answer is "at least this many").
   */
  measureUpTo?: number;
}

export interface ProbeResult {
  url: string;
  /** Answered 2xx (after redirects). */
  ok: boolean;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** Why there was no usable answer: a timeout, a network error, too many redirects. */
  error?: string;
  /** Where the redirects led, when they did. */
  finalUrl?: string;
  /** Body size in bytes (with measureUpTo): exact, or measureUpTo + 1 when bigger. */
  bytes?: number;
}

/** Servers that refuse HEAD say so in these ways; a GET then answers for them. */
const HEAD_REFUSED = new Set([400, 403, 405, 501]);

export async function probe(url: string, o: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = o.timeoutMs ?? 8000;
  try {
    let res = await follow(url, 'HEAD', o);
    if (HEAD_REFUSED.has(res.response.status) || (o.measureUpTo !== undefined && !contentLength(res.response))) {
      await res.response.body?.cancel();
      res = await follow(url, 'GET', o);
    }
    const { response, at } = res;
    const out: ProbeResult = { url, ok: response.status >= 200 && response.status < 300, status: response.status };
    if (at !== url) out.finalUrl = at;
    if (response.status >= 300 && response.status < 400) {
      out.error = `more than ${o.maxRedirects ?? 5} redirects`;
      out.ok = false;
    }
    if (o.measureUpTo !== undefined && out.ok)
      out.bytes = contentLength(response) ?? (await readUpTo(response, o.measureUpTo));
    await response.body?.cancel().catch(() => {});
    return out;
  } catch (err) {
    // fetch says only "fetch failed"; the cause names it (ECONNREFUSED, ENOTFOUND, a TLS code...).
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const error =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { url, ok: false, error };
  }
}

/** Runs `task` over `items` with at most `concurrency` at a time; results in the items' order. */
export async function inPool<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

async function follow(
  url: string,
  method: 'HEAD' | 'GET',
  o: ProbeOptions,
): Promise<{ response: Response; at: string }> {
  let at = url;
  for (let hop = 0; ; hop++) {
    const response = await fetch(at, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? 8000),
      headers: { 'user-agent': 'gazette-live-check' },
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location || hop >= (o.maxRedirects ?? 5))
      return { response, at };
    await response.body?.cancel();
    at = new URL(location, at).href;
  }
}

function contentLength(res: Response): number | undefined {
  const v = res.headers.get('content-length');
  const n = v === null ? Number.NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Bytes of the body, reading no more than `limit` + 1 of them. */
async function readUpTo(res: Response, limit: number): Promise<number> {
  if (!res.body) return 0;
  const reader = res.body.getReader();
  let n = 0;
  try {
    while (n <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Math.min(n, limit + 1);
}
