/**
 * Push devices: an FCM registration token handed over by the Flutter app, or a browser's Web Push
 * subscription. A token or endpoint is one row; registering it again gives it to the user who
 * registers it now (the phone changed hands, or another account logged in on it).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db.ts';
import { badRequest, type FieldError, fieldError } from '../errors.ts';
import { isCode, msg } from '../messages/index.ts';
import { checkOutboundUrl, OutboundRefused } from '../net/outbound.ts';
import { pushDevices } from './schema.ts';

/**
 * FCM tokens are opaque; the ones Firebase issues are 140–200 characters of letters, digits and
 * `-_:`. A generous range keeps future formats while refusing what is plainly not one.
 */
const FCM_TOKEN = /^[A-Za-z0-9_:-]{32,4096}$/;
const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const label = z.string().trim().max(80, 'at most 80 characters').optional();

/** What the page posts: `{kind:'fcm', token}` or `{kind:'webpush', subscription: sub.toJSON()}`. */
export const deviceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fcm'), token: z.string().max(4096), label }).strict(),
  z
    .object({
      kind: z.literal('webpush'),
      subscription: z.object({
        endpoint: z.string().max(2048, 'at most 2048 characters'),
        expirationTime: z.number().nullable().optional(),
        keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }).strict(),
      }),
      label,
    })
    .strict(),
]);
export type DeviceInput = z.infer<typeof deviceInput>;

export type DeviceView = {
  id: string;
  kind: 'fcm' | 'webpush';
  label: string;
  /** enough to tell two apart: the end of the token, the push service's host */
  hint: string;
  createdAt: string;
  lastSeenAt: string;
};

const decoded = (s: string) => (B64URL.test(s) ? Buffer.from(s, 'base64url') : undefined);

/**
 * What is wrong with a registration, each naming its field under `body.`. `trustedBase` (the push
 * stand-in from configuration) is the one place an http endpoint is accepted.
 */
export async function deviceProblems(input: DeviceInput, trustedBase?: string): Promise<FieldError[]> {
  if (input.kind === 'fcm') {
    return FCM_TOKEN.test(input.token) ? [] : [fieldError('body.token', msg('push.fcm_token'))];
  }
  const out: FieldError[] = [];
  const { endpoint, keys } = input.subscription;
  const p = decoded(keys.p256dh);
  if (p?.length !== 65 || p[0] !== 4)
    out.push(fieldError('body.subscription.keys.p256dh', msg('push.p256dh')));
  const a = decoded(keys.auth);
  if (a?.length !== 16) out.push(fieldError('body.subscription.keys.auth', msg('push.auth_secret')));
  const path = 'body.subscription.endpoint';
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    out.push(fieldError(path, msg('validation.must_be_url')));
  }
  if (url) {
    const trusted = !!trustedBase && endpoint.startsWith(trustedBase);
    if (!trusted && url.protocol !== 'https:') out.push(fieldError(path, msg('validation.https')));
    else if (!trusted)
      try {
        await checkOutboundUrl(endpoint);
      } catch (err) {
        if (!(err instanceof OutboundRefused)) throw err;
        out.push(fieldError(path, msg('push.endpoint_refused', { reason: err.message })));
      }
  }
  return out;
}

const view = (r: typeof pushDevices.$inferSelect): DeviceView => ({
  id: r.id,
  kind: r.kind,
  label: r.label,
  hint: r.kind === 'fcm' ? `…${r.address.slice(-6)}` : new URL(r.address).host,
  createdAt: r.createdAt.toISOString(),
  lastSeenAt: r.lastSeenAt.toISOString(),
});

export class Devices {
  constructor(
    private readonly db: Db,
    private readonly trustedBase: () => string | undefined,
  ) {}

  /** Checks and stores a registration (one row per address); 400 naming the field, nothing stored. */
  async register(userId: string, input: DeviceInput, sessionHash?: string): Promise<DeviceView> {
    const problems = await deviceProblems(input, this.trustedBase());
    if (problems.length) {
      // The answer carries the first problem's code; each field error carries its own.
      const text = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      const first = problems[0];
      throw badRequest(
        first.key && isCode(first.key) ? { key: first.key, params: first.params, text } : text,
        problems,
      );
    }
    const values =
      input.kind === 'fcm'
        ? { kind: 'fcm' as const, address: input.token, p256dh: null, auth: null }
        : {
            kind: 'webpush' as const,
            address: input.subscription.endpoint,
            p256dh: input.subscription.keys.p256dh,
            auth: input.subscription.keys.auth,
          };
    const [row] = await this.db
      .insert(pushDevices)
      .values({ userId, ...values, label: input.label ?? '', sessionHash: sessionHash ?? null })
      .onConflictDoUpdate({
        target: pushDevices.address,
        set: {
          userId,
          ...values,
          label: input.label ?? '',
          sessionHash: sessionHash ?? null,
          lastSeenAt: sql`now()`,
        },
      })
      .returning();
    return view(row);
  }

  async list(userId: string): Promise<DeviceView[]> {
    const rows = await this.db
      .select()
      .from(pushDevices)
      .where(eq(pushDevices.userId, userId))
      .orderBy(asc(pushDevices.createdAt), asc(pushDevices.id));
    return rows.map(view);
  }

  /** Removes one of the user's devices; false when it is not theirs. */
  async remove(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(pushDevices)
      .where(and(eq(pushDevices.userId, userId), eq(pushDevices.id, id)))
      .returning({ id: pushDevices.id });
    return rows.length > 0;
  }

  /** At logout: the devices this login session registered stop receiving the account's pushes. */
  async removeSession(sessionHash: string): Promise<number> {
    const rows = await this.db
      .delete(pushDevices)
      .where(eq(pushDevices.sessionHash, sessionHash))
      .returning({ id: pushDevices.id });
    return rows.length;
  }

  async ids(userId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: pushDevices.id })
      .from(pushDevices)
      .where(eq(pushDevices.userId, userId));
    return rows.map((r) => r.id);
  }

  /** Deletes a device the push service said is gone (unless it was registered anew meanwhile). */
  async drop(id: string, address: string): Promise<void> {
    await this.db.delete(pushDevices).where(and(eq(pushDevices.id, id), eq(pushDevices.address, address)));
  }

  async byIds(ids: string[]) {
    if (!ids.length) return [];
    return this.db.select().from(pushDevices).where(inArray(pushDevices.id, ids));
  }
}
