/**
 * The one client modules use to call outside services (KKTIX, Gather, Discord, the rail operators):
 * pacing, a timeout, retries where repeating is safe, Retry-After on 429, a request counter, and one
 * typed error, UpstreamError, so every route answers an outside failure the same way.
 */

import { AppError, type Message } from '../errors.ts';
import { outboundRequests, upstreamRefusals } from '../metrics.ts';
import { OutboundRefused, outboundFetch } from './outbound.ts';

export type Sleep = (ms: number) => Promise<void>;
export const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fetch the client sends with; the global fetch and `outboundFetch` both fit. */
export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

// ---------------------------------------------------------------------------------------------
// The error

/** What went wrong, independent of the service. */
export type UpstreamReason =
  | 'unauthorized' // our credential (token, API key, session) was refused
  | 'not_found' // the thing we asked for does not exist there (event, space, webhook)
  | 'rate_limited' // 429, and waiting would take longer than we allow
  | 'blocked' // the service refuses this server for now (an operator's block); only waiting helps
  | 'unavailable' // 5xx, timeout or connection failure after the retries
  | 'rejected' // another 4xx: the service refused our request as such
  | 'conflict' // the service's state forbids it now (sold out)
  | 'invalid' // what the user gave us is wrong, says the service (their password, a station name)
  | 'bad_response' // 2xx with a body that is not what the documented format says
  | 'unsupported'; // the service cannot do this at all (e.g. delete one Gather guest)

/**
 * The HTTP status yeyak answers with when such a failure reaches a route. A service failing is a
 * gateway error (502), not the caller's fault; only what the caller can fix is a 4xx.
 */
const UPSTREAM_STATUS: Record<UpstreamReason, number> = {
  unauthorized: 502,
  not_found: 404,
  rate_limited: 503,
  blocked: 503,
  unavailable: 502,
  rejected: 502,
  conflict: 409,
  invalid: 400,
  bad_response: 502,
  unsupported: 501,
};

export type UpstreamDetails = { upstreamStatus?: number; retryAfterMs?: number; cause?: unknown };

/** A failure of an outside service; modules subclass it per service (KktixError, RailError …). */
export class UpstreamError extends AppError {
  constructor(
    public readonly service: string,
    public readonly reason: UpstreamReason,
    message: Message,
    public readonly details: UpstreamDetails = {},
  ) {
    super(UPSTREAM_STATUS[reason], message, {
      service,
      reason,
      ...(details.upstreamStatus !== undefined ? { upstreamStatus: details.upstreamStatus } : {}),
      ...(details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
    });
    this.name = 'UpstreamError';
    // Every outside failure passes here, so the count is complete (blocks included).
    upstreamRefusals.inc({ service, kind: reason });
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

// ---------------------------------------------------------------------------------------------
// Pacing

export type PacerOptions = {
  /** never two request starts closer than this (default 0: no spacing) */
  minIntervalMs?: number;
  /** random extra spacing, up to this, so requests do not tick like a machine */
  jitterMs?: number;
  sleep?: Sleep;
  /**
   * Awaited after the pacer's own spacing, outside its queue: a limit shared with others (rail's
   * per-egress budget). It may throw to send nothing.
   */
  gate?: () => Promise<void>;
};

/** Spaces request starts out. Callers are served one after another, in the order they called. */
export class Pacer {
  private last = Number.NEGATIVE_INFINITY;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PacerOptions = {}) {}

  async wait(): Promise<void> {
    const { minIntervalMs = 0, jitterMs = 0, gate } = this.opts;
    if (minIntervalMs > 0 || jitterMs > 0) {
      const nap = this.opts.sleep ?? sleep;
      const turn = this.chain.then(async () => {
        const gap = minIntervalMs + (jitterMs > 0 ? Math.random() * jitterMs : 0);
        const due = this.last + gap - Date.now();
        if (due > 0) await nap(due);
        this.last = Date.now();
      });
      // One caller's failure must not stall the ones queued after it.
      this.chain = turn.catch(() => {});
      await turn;
    }
    if (gate) await gate();
  }
}

// ---------------------------------------------------------------------------------------------
// The client

export type HttpOptions = PacerOptions & {
  /** the guarded fetch (no private addresses, for URLs people typed) by default */
  fetch?: Fetch;
  /** per request, body included; default 15 s */
  timeoutMs?: number;
  /** attempts on connection errors, timeouts and 5xx (idempotent requests only), default 3 */
  attempts?: number;
  /** longest Retry-After we are willing to sleep through before giving up, default 10 s */
  maxRetryAfterMs?: number;
  /** 429s waited out per request, default 3; 0 returns the first 429 (to services that count waits against us) */
  rateLimitWaits?: number;
};

export type HttpRequest = RequestInit & {
  /** whether sending it twice is harmless; GET and HEAD by default */
  idempotent?: boolean;
  /** Runs after pacing, right before each attempt leaves: last-moment headers, or a throw to send nothing. */
  beforeSend?: (headers: Headers) => void;
  /** Runs with every response before its body is read (e.g. a cookie jar storing Set-Cookie). */
  onResponse?: (res: Response) => void;
};

export type HttpResult = { res: Response; text: string };

/**
 * Returns the response of the last attempt (any status, a 429 we gave up waiting on included);
 * throws UpstreamError('unavailable') when no response could be had at all. Callers map statuses
 * to their own messages.
 */
export class Http {
  readonly pacer: Pacer;
  /** requests sent, retries included */
  requests = 0;
  private readonly doFetch: Fetch;
  private readonly nap: Sleep;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly maxRetryAfterMs: number;
  private readonly rateLimitWaits: number;

  constructor(
    readonly service: string,
    opts: HttpOptions = {},
  ) {
    this.doFetch = opts.fetch ?? outboundFetch;
    this.nap = opts.sleep ?? sleep;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.attempts = Math.max(1, opts.attempts ?? 3);
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 10_000;
    this.rateLimitWaits = Math.max(0, opts.rateLimitWaits ?? 3);
    this.pacer = new Pacer(opts);
  }

  async request(url: string, req: HttpRequest = {}): Promise<HttpResult> {
    const { idempotent: idem, beforeSend, onResponse, ...init } = req;
    const method = (init.method ?? 'GET').toUpperCase();
    const idempotent = idem ?? (method === 'GET' || method === 'HEAD');
    let lastError: unknown;
    // Rate-limit waits do not use up connection attempts, but are bounded too.
    let rateWaits = 0;
    for (let attempt = 1; ; ) {
      await this.pacer.wait();
      const headers = new Headers(init.headers);
      beforeSend?.(headers);
      this.requests++;
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let res: Response | undefined;
      let text = '';
      try {
        res = await this.doFetch(url, { ...init, headers, signal });
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
      }
      outboundRequests.inc({ service: this.service, status: res?.status ?? 0 });
      if (res) {
        // Outside the try: a hook's own failure is not the service's.
        onResponse?.(res);
        try {
          text = await res.text();
        } catch (err) {
          lastError = err;
          res = undefined;
        }
      }
      if (!res) {
        // A request that may have reached the server is not repeated unless it is idempotent.
        if (!idempotent || attempt >= this.attempts) break;
        attempt++;
        await this.nap(50 * attempt);
        continue;
      }
      const answer = { res, text };
      if (res.status === 429) {
        const wait = retryAfterMs(res, safeJson(text)) ?? 1000;
        if (wait > this.maxRetryAfterMs || rateWaits >= this.rateLimitWaits) return answer;
        rateWaits++;
        await this.nap(wait);
        continue;
      }
      if (res.status >= 500 && idempotent && attempt < this.attempts) {
        attempt++;
        await this.nap(100 * attempt);
        continue;
      }
      return answer;
    }
    throw new UpstreamError(
      this.service,
      'unavailable',
      `${this.service} could not be reached: ${(lastError as Error)?.message ?? 'no answer'}`,
      { cause: lastError },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers every caller of an outside service wants

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

/** The parsed JSON, or undefined for anything that is not JSON (error pages, empty bodies). */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Joins a base URL (with or without a trailing slash, possibly with a path) and a path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/** The first 200 characters of an error body, for messages and logs. */
export const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * Runs `fn` over `items` with at most `limit` in flight (a service's concurrency budget); results
 * keep the input order.
 */
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
