/** The yeyak HTTP API as the web app uses it: envelopes in, typed data or ApiError out. */

import type {
  EventView,
  HoldView,
  MyHoldView,
  ShowtimeView,
  TicketReservationView,
  Tickets,
  TicketTypeView,
  WaitlistView,
} from '../../src/modules/tickets/index.ts';
// The shapes come from the server's own types (type-only imports vanish from the bundle).
import type { Role, User } from '../../src/platform/auth/service.ts';
import type { FieldError } from '../../src/platform/errors.ts';
import type { MailboxMessage, MailboxSummary } from '../../src/platform/mail/mailbox.ts';
import { type Coded, remember } from './messages.ts';

export type { EventView, FieldError, Role, User };
export type TicketType = TicketTypeView;
export type Showtime = ShowtimeView;
export type Hold = HoldView;
export type MyHold = MyHoldView;
/** Buyers see their ticket's QR content; null once cancelled. */
export type Reservation = TicketReservationView & { ticketCode?: string | null };
export type WaitlistEntry = WaitlistView;
export type Sales = Awaited<ReturnType<Tickets['sales']>>;
export type CheckinResult = 'checked-in' | 'already' | 'cancelled' | 'other-event' | 'invalid';
export type MailSummary = MailboxSummary;
export type MailMessage = MailboxMessage;

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly data?: Record<string, unknown>,
    /** The message's catalog code and parameters (see messages.ts). */
    public readonly coded: Coded = {},
  ) {
    super(message);
    remember(message, coded);
  }
  get errors(): FieldError[] {
    const e = this.data?.errors;
    return Array.isArray(e) ? (e as FieldError[]) : [];
  }
}

const TOKEN_KEY = 'yeyak.token';

export const tokenStore = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (t: string | null) => (t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY)),
};

function headers(json: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (json) h['content-type'] = 'application/json';
  const token = tokenStore.get();
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

let onUnauthorized: (() => void) | undefined;
/** Called when the server says the token is no longer good (401 with a token sent). */
export function setUnauthorizedHandler(fn: () => void) {
  onUnauthorized = fn;
}

/** Sends one request with the token; a request that never got an answer is ApiError(0, 'network'). */
async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network');
  }
}

/** The envelope's data, or ApiError with the server's description (a 401 with a token logs out). */
async function dataOf<T>(res: Response): Promise<T> {
  let envelope: { code?: number; description?: string; data?: unknown } & Coded = {};
  try {
    envelope = await res.json();
  } catch {
    envelope = { description: res.statusText };
  }
  if (!res.ok) {
    if (res.status === 401 && tokenStore.get()) onUnauthorized?.();
    const data = (envelope.data ?? undefined) as Record<string, unknown> | undefined;
    if (Array.isArray(data?.errors)) for (const e of data.errors as FieldError[]) remember(e.message, e);
    throw new ApiError(res.status, envelope.description ?? `HTTP ${res.status}`, data, {
      key: envelope.key,
      params: envelope.params,
    });
  }
  return envelope.data as T;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return dataOf<T>(res);
}

export const get = <T>(path: string) => api<T>('GET', path);

/**
 * A GET that sends the ETag of the copy the caller holds: `undefined` when the server answers 304
 * (nothing changed, no body sent), otherwise the data and its new ETag.
 */
export async function getIfChanged<T>(
  path: string,
  etag: string | undefined,
): Promise<{ data: T; etag: string | undefined } | undefined> {
  const res = await send(path, {
    headers: { ...headers(false), ...(etag ? { 'if-none-match': etag } : {}) },
  });
  if (res.status === 304) return undefined;
  return { data: await dataOf<T>(res), etag: res.headers.get('etag') ?? undefined };
}

export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Fetches a file with the bearer token and saves it under the server's (or the given) file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: headers(false) });
  if (!res.ok) {
    let description = `HTTP ${res.status}`;
    try {
      description = (await res.json()).description ?? description;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, description);
  }
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const m = /filename="?([^";]+)"?/.exec(disposition);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A part as a data: URL, fetched with the token (for images inside a sandboxed mail view). */
export async function dataUrl(path: string): Promise<string> {
  const res = await fetch(path, { headers: headers(false) });
  if (!res.ok) throw new ApiError(res.status, `HTTP ${res.status}`);
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
