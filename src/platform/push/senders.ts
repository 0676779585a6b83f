/**
 * The two ways a push leaves: FCM HTTP v1 (the Flutter app's registration tokens) and Web Push
 * (browsers' subscriptions). Each send answers one outcome the job acts on: sent, gone (delete the
 * token or subscription), retry (after Retry-After when the service gave one) or failed.
 *
 * FCM HTTP v1: `POST {api}/v1/projects/{project}/messages:send` with `Authorization: Bearer <OAuth
 * token for scope https://www.googleapis.com/auth/firebase.messaging>` and `{message: {token,
 * notification: {title, body}, data}}`, one call per token; the payload is at most 4096 bytes. A
 * refusal is `{error: {code, status, message, details: [{@type …FcmError, errorCode}]}}`, errorCode
 * UNREGISTERED (404: the app was removed, delete the token), INVALID_ARGUMENT (400; for a token
 * that is not one, delete it), QUOTA_EXCEEDED (429) or UNAVAILABLE (503): try again later.
 *
 * Web Push: the payload is encrypted to the subscription's keys (RFC 8291, aes128gcm) and signed
 * with our VAPID key (RFC 8292) by web-push's generateRequestDetails; we POST it ourselves through
 * the platform HTTP client. 404 or 410 from the push service: the subscription is gone.
 */
import { type Fetch, Http, joinUrl, retryAfterMs, safeJson, UpstreamError } from '../net/http.ts';

// web-push (and the crypto libraries under it) is loaded at the first Web Push, not at start.
let webPush: Promise<typeof import('web-push').default> | undefined;
const loadWebPush = () => (webPush ??= import('web-push').then((m) => m.default));

export type PushPayload = {
  title: string;
  body: string;
  /** a path in this site the notification opens */
  link?: string;
  /** what kind of notice (the module's scope, or `marketing`) */
  kind: string;
};

export type SendOutcome =
  | { status: 'sent' }
  | { status: 'gone'; reason: string }
  | { status: 'retry'; reason: string; afterMs?: number }
  | { status: 'failed'; reason: string };

/** FCM refuses a larger message; ours are a title and a few lines, so this only trims a runaway body. */
export const FCM_MAX_BYTES = 4096;

/** Bearer tokens for FCM: google-auth-library's client, or a preset token (tests, the stand-in). */
export type TokenSource = { getAccessToken(): Promise<{ token?: string | null }> };

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** The OAuth client for a service-account JSON key (loaded only when FCM is configured). */
export async function serviceAccountTokens(keyFile: string): Promise<TokenSource> {
  const { GoogleAuth } = await import('google-auth-library');
  const auth = new GoogleAuth({ keyFile, scopes: [FCM_SCOPE] });
  return auth.getClient();
}

export const presetToken = (token: string): TokenSource => ({
  getAccessToken: async () => ({ token }),
});

type FcmError = { error?: { code?: number; status?: string; message?: string; details?: unknown[] } };

/** The FcmError detail's errorCode (UNREGISTERED …), else the Google status (NOT_FOUND …). */
function fcmErrorCode(body: unknown): string {
  const e = (body as FcmError | undefined)?.error;
  for (const d of Array.isArray(e?.details) ? e.details : []) {
    const code = (d as { errorCode?: unknown }).errorCode;
    if (typeof code === 'string') return code;
  }
  return typeof e?.status === 'string' ? e.status : 'UNKNOWN';
}

/** Keeps a string within `max` UTF-8 bytes without splitting a character. */
function clipBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = s;
  while (Buffer.byteLength(out) > max - 3) out = out.slice(0, -1);
  return `${out}…`;
}

export class FcmSender {
  private readonly http: Http;

  constructor(
    private readonly opts: { apiUrl: string; projectId: string; tokens: TokenSource; fetch?: Fetch },
  ) {
    // The API's address is configuration, not user input, so the plain fetch (the stand-in in a
    // demo is on loopback). No waiting inside the client: the job reschedules instead.
    this.http = new Http('fcm', {
      fetch: opts.fetch ?? ((u, i) => fetch(u, i)),
      timeoutMs: 10_000,
      rateLimitWaits: 0,
      attempts: 1,
    });
  }

  async send(token: string, p: PushPayload): Promise<SendOutcome> {
    const { token: bearer } = await this.opts.tokens.getAccessToken();
    if (!bearer) return { status: 'retry', reason: 'no FCM access token' };
    const data: Record<string, string> = { kind: p.kind, ...(p.link ? { link: p.link } : {}) };
    const message = {
      token,
      notification: { title: p.title, body: clipBytes(p.body, FCM_MAX_BYTES - 1024) },
      data,
    };
    let res: Response;
    let text: string;
    try {
      ({ res, text } = await this.http.request(
        joinUrl(this.opts.apiUrl, `/v1/projects/${encodeURIComponent(this.opts.projectId)}/messages:send`),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ message }),
        },
      ));
    } catch (err) {
      return { status: 'retry', reason: `FCM unreachable: ${(err as Error).message}` };
    }
    if (res.ok) return { status: 'sent' };
    const body = safeJson(text);
    const code = fcmErrorCode(body);
    const afterMs = retryAfterMs(res);
    if (res.status === 404 || code === 'UNREGISTERED') return { status: 'gone', reason: code };
    // INVALID_ARGUMENT names the token when it is the token that is wrong; another bad field is ours.
    if (res.status === 400 && code === 'INVALID_ARGUMENT') {
      const msg = (body as FcmError | undefined)?.error?.message ?? '';
      return /registration token/i.test(msg)
        ? { status: 'gone', reason: 'INVALID_ARGUMENT (token)' }
        : { status: 'failed', reason: `INVALID_ARGUMENT: ${msg.slice(0, 200)}` };
    }
    if (res.status === 429 || res.status >= 500) return { status: 'retry', reason: code, afterMs };
    return { status: 'failed', reason: `HTTP ${res.status} ${code}` };
  }
}

export type VapidKeys = { publicKey: string; privateKey: string; subject: string };
export type Subscription = { endpoint: string; keys: { p256dh: string; auth: string } };

export class WebPushSender {
  private readonly guarded: Http;
  private readonly plain: Http;

  constructor(
    private readonly vapid: VapidKeys,
    /** endpoints under this base (our own stand-in, from configuration) skip the outbound guard */
    private readonly trustedBase?: string,
    guardedFetch?: Fetch,
  ) {
    const o = { timeoutMs: 10_000, rateLimitWaits: 0, attempts: 1 };
    // A subscription's endpoint came from a browser: the outbound guard checks it at connect time.
    this.guarded = new Http('webpush', { ...o, ...(guardedFetch ? { fetch: guardedFetch } : {}) });
    this.plain = new Http('webpush', { ...o, fetch: (u, i) => fetch(u, i) });
  }

  async send(sub: Subscription, p: PushPayload, ttlSeconds = 24 * 3600): Promise<SendOutcome> {
    const webpush = await loadWebPush();
    const details = webpush.generateRequestDetails(sub, JSON.stringify(p), {
      vapidDetails: this.vapid,
      TTL: ttlSeconds,
      urgency: p.kind === 'marketing' ? 'low' : 'normal',
    });
    const headers: Record<string, string> = {};
    // fetch sets Content-Length from the body itself.
    for (const [k, v] of Object.entries(details.headers))
      if (k.toLowerCase() !== 'content-length') headers[k] = String(v);
    const trusted = this.trustedBase && details.endpoint.startsWith(this.trustedBase);
    let res: Response;
    try {
      ({ res } = await (trusted ? this.plain : this.guarded).request(details.endpoint, {
        method: 'POST',
        headers,
        body: details.body ? new Uint8Array(details.body) : null,
      }));
    } catch (err) {
      // The outbound guard refused the endpoint's address: trying again will not change that.
      if (err instanceof UpstreamError && err.reason === 'rejected')
        return { status: 'gone', reason: err.message };
      return { status: 'retry', reason: `push service unreachable: ${(err as Error).message}` };
    }
    if (res.status === 201 || res.ok) return { status: 'sent' };
    if (res.status === 404 || res.status === 410) return { status: 'gone', reason: `HTTP ${res.status}` };
    if (res.status === 429 || res.status >= 500)
      return { status: 'retry', reason: `HTTP ${res.status}`, afterMs: retryAfterMs(res) };
    return { status: 'failed', reason: `HTTP ${res.status}` };
  }
}
