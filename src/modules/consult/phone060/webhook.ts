import { createHmac, timingSafeEqual } from 'node:crypto';
import { safeJson } from '../../../platform/net/http.ts';
import { type Phone060CallEvent, phone060CallEnded, phone060CallStarted } from './types.ts';

/**
 * The vendor signs each call event: `X-060-Signature: sha256=<hex HMAC-SHA256 of
 * "${X-060-Timestamp}.${raw body}" with the webhook secret>`, `X-060-Timestamp` in Unix seconds.
 * The timestamp is inside the signed text, so an old delivery cannot be sent again with a new one.
 */
export const PHONE060_TIMESTAMP_HEADER = 'x-060-timestamp';
export const PHONE060_SIGNATURE_HEADER = 'x-060-signature';
/** Deliveries older (or further ahead) than this are refused, so a captured one cannot be replayed later. */
export const PHONE060_MAX_AGE_SECONDS = 300;

/**
 * Why a delivery was refused: `missing_headers` (no or unreadable timestamp or signature header),
 * `bad_signature`, `stale` (timestamp more than 5 minutes from now), `malformed` (signed, but the
 * body is not a call event). Each is the sender's fault: a 4xx.
 */
export type Phone060WebhookRefusal = 'missing_headers' | 'bad_signature' | 'stale' | 'malformed';

export type Phone060WebhookResult =
  | { ok: true; event: Phone060CallEvent }
  | { ok: false; reason: Phone060WebhookRefusal; message: string };

/** Header values from Fastify's `req.headers`, a fetch `Headers`, or a plain object. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : headers[key];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

/** The signature the vendor puts in `X-060-Signature` (without the `sha256=` prefix). */
export function phone060Signature(timestamp: string, rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret)
    .update(`${timestamp}.`, 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/**
 * Checks a call-event delivery: signature over the raw bytes (before any JSON parsing), a timestamp
 * within 5 minutes of `now` (ms), and a body that is a call event. Replays within the window and
 * unknown call ids are the caller's to handle (the event's `callId` and `type` identify it).
 */
export function verifyPhone060Webhook(
  rawBody: string | Buffer,
  headers: WebhookHeaders,
  secret: string,
  now: number = Date.now(),
): Phone060WebhookResult {
  const timestamp = header(headers, PHONE060_TIMESTAMP_HEADER)?.trim();
  const signature = /^sha256=([0-9a-f]{64})$/i.exec(
    header(headers, PHONE060_SIGNATURE_HEADER)?.trim() ?? '',
  )?.[1];
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) {
    return {
      ok: false,
      reason: 'missing_headers',
      message: 'X-060-Timestamp (Unix seconds) and X-060-Signature (sha256=<hex>) are required',
    };
  }
  const want = Buffer.from(phone060Signature(timestamp, rawBody, secret), 'hex');
  const got = Buffer.from(signature, 'hex');
  if (!secret || got.length !== want.length || !timingSafeEqual(got, want)) {
    return { ok: false, reason: 'bad_signature', message: 'X-060-Signature does not match the body' };
  }
  if (Math.abs(now / 1000 - Number(timestamp)) > PHONE060_MAX_AGE_SECONDS) {
    return { ok: false, reason: 'stale', message: 'X-060-Timestamp is more than 5 minutes from now' };
  }
  const body = safeJson(String(rawBody));
  const type = body && typeof body === 'object' ? (body as { type?: unknown }).type : undefined;
  // Picked by type first, so a refusal names the field that is wrong rather than "no union member".
  const schema =
    type === 'call.started' ? phone060CallStarted : type === 'call.ended' ? phone060CallEnded : undefined;
  if (!schema) {
    return { ok: false, reason: 'malformed', message: 'type: must be call.started or call.ended' };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    return { ok: false, reason: 'malformed', message: `${where}: ${issue?.message ?? 'not a call event'}` };
  }
  return { ok: true, event: parsed.data };
}
