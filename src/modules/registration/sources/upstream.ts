import { AppError } from '../../../platform/errors.ts';
import { OutboundRefused, outboundFetch } from '../../../platform/net/outbound.ts';

/**
 * Shared plumbing of the registration adapters (KKTIX, Gather, Discord): one typed error for every
 * outside service and a small fetch wrapper with a timeout, polite pacing, retries on connection
 * errors and Retry-After handling on 429.
 */

export type UpstreamService = 'kktix' | 'gather' | 'discord';

/** What went wrong, independent of the service. */
export type UpstreamReason =
  | 'unauthorized' // our credential (token, API key) was refused
  | 'not_found' // the thing we asked for does not exist there (event, space, webhook)
  | 'rate_limited' // 429, and waiting would take longer than we allow
  | 'unavailable' // 5xx, timeout or connection failure after the retries
  | 'rejected' // another 4xx: the service refused our request as such
  | 'bad_response' // 2xx with a body that is not what the documented format says
  | 'unsupported'; // the service cannot do this at all (e.g. delete one Gather guest)

/** HTTP status yeyak answers with when such a failure reaches a route. */
const STATUS: Record<UpstreamReason, number> = {
  unauthorized: 502,
  not_found: 404,
  rate_limited: 503,
  unavailable: 502,
  rejected: 502,
  bad_response: 502,
  unsupported: 501,
};

export class UpstreamError extends AppError {
  constructor(
    public readonly service: UpstreamService,
    public readonly reason: UpstreamReason,
    message: string,
    public readonly details: { upstreamStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(STATUS[reason], message, {
      service,
      reason,
      ...(details.upstreamStatus !== undefined ? { upstreamStatus: details.upstreamStatus } : {}),
      ...(details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
    });
    this.name = 'UpstreamError';
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Spaces request starts at least `minIntervalMs` apart, across concurrent callers. */
export class Pacer {
  private next = 0;
  constructor(private readonly minIntervalMs: number) {}
  async wait(): Promise<void> {
    if (this.minIntervalMs <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.minIntervalMs;
    if (at > now) await sleep(at - now);
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Seconds (or an HTTP date) from a Retry-After header, or from a JSON `retry_after` in seconds. */
export function retryAfterMs(res: Response, body?: unknown): number | undefined {
  const header = res.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  if (body && typeof body === 'object' && 'retry_after' in body) {
    const s = Number((body as { retry_after: unknown }).retry_after);
    if (Number.isFinite(s)) return Math.max(0, s * 1000);
  }
  return undefined;
}

export type HttpOptions = {
  /** fetch to use (tests may wrap it); the guarded one (no private addresses) by default */
  fetch?: typeof fetch;
  /** per request, default 15 s */
  timeoutMs?: number;
  /** minimum gap between request starts, default 0 */
  minIntervalMs?: number;
  /** attempts on connection errors, timeouts and 5xx (idempotent requests only), default 3 */
  attempts?: number;
  /** longest Retry-After we are willing to sleep through before giving up, default 10 s */
  maxRetryAfterMs?: number;
};

export type HttpResult = { res: Response; text: string };

/**
 * A fetch with the behaviour every adapter wants. Returns the response of the last attempt (any
 * status except a 429 we gave up on, which is returned too); throws UpstreamError('unavailable')
 * when no response could be had at all. Callers map statuses to their own messages.
 */
export class Http {
  readonly pacer: Pacer;
  /** requests started, including retries */
  requests = 0;
  private readonly doFetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly maxRetryAfterMs: number;

  constructor(
    private readonly service: UpstreamService,
    opts: HttpOptions = {},
  ) {
    // Organisers type these URLs: they go through the outbound guard (src/platform/net/outbound.ts).
    this.doFetch = opts.fetch ?? outboundFetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 10_000;
    this.pacer = new Pacer(opts.minIntervalMs ?? 0);
  }

  async request(url: string, init: RequestInit & { idempotent?: boolean } = {}): Promise<HttpResult> {
    const idempotent = init.idempotent ?? (init.method ?? 'GET') === 'GET';
    let lastError: unknown;
    // Rate-limit waits do not use up connection attempts, but are bounded too.
    let rateWaits = 0;
    for (let attempt = 1; attempt <= this.attempts; ) {
      await this.pacer.wait();
      this.requests++;
      let res: Response;
      let text: string;
      try {
        res = await this.doFetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
        text = await res.text();
      } catch (err) {
        if (err instanceof OutboundRefused)
          throw new UpstreamError(
            this.service,
            'rejected',
            `${this.service} address refused: ${err.message}`,
            {
              cause: err,
            },
          );
        lastError = err;
        // A request that may have reached the server is not repeated unless it is idempotent.
        if (!idempotent || attempt === this.attempts) break;
        attempt++;
        await sleep(50 * attempt);
        continue;
      }
      if (res.status === 429) {
        const wait = retryAfterMs(res, safeJson(text)) ?? 1000;
        if (wait > this.maxRetryAfterMs || rateWaits >= 3) return { res, text };
        rateWaits++;
        await sleep(wait);
        continue;
      }
      if (res.status >= 500 && idempotent && attempt < this.attempts) {
        attempt++;
        await sleep(100 * attempt);
        continue;
      }
      return { res, text };
    }
    throw new UpstreamError(
      this.service,
      'unavailable',
      `${this.service} could not be reached: ${(lastError as Error)?.message ?? 'no answer'}`,
      { cause: lastError },
    );
  }
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The usual mapping of an unsuccessful status to a reason. */
export function reasonFor(status: number): UpstreamReason {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}

/** Joins a base URL (with or without a trailing slash, possibly with a path) and a path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** The first 200 characters of an error body, for messages and logs. */
export const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
