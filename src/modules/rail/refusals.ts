/**
 * What follows when an operator refuses: a block pauses this egress and stops the operator's
 * watches, a wrong password marks the account and stops its watches; and the answer a user can act on.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { AppError, badRequest, conflict, invalidField, type Message } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import type { RailConfig } from './config.ts';
import { PAUSED, type RailDeps } from './egress.ts';
import { emitRail, RAIL_WATCH_FAILED } from './events.ts';
import { isRailError, RailError } from './providers/index.ts';
import { railAccounts, railWatches } from './schema.ts';
import { kstClock } from './time.ts';
import { PROVIDER_LABEL, type WatchRow } from './views.ts';

/** Turns adapter errors into answers a user can act on. */
export function operatorError(config: RailConfig, err: unknown): Error {
  if (!(err instanceof RailError)) return err as Error;
  const label = PROVIDER_LABEL[err.provider];
  switch (err.kind) {
    case 'sold-out':
      return conflict(msg('rail.sold_out', { detail: err.message }));
    case 'blocked':
      return new AppError(
        503,
        err.code === PAUSED
          ? err.message
          : msg('rail.blocked_now', {
              operator: label,
              reason: err.operatorMessage ?? err.message,
              minutes: config.blockPauseMinutes,
            }),
      );
    case 'login-refused':
      // The operator's refusal as such (a gateway answer): nothing the user typed is wrong.
      return new AppError(502, err.message);
    case 'bad-credentials':
      return invalidField('body.password', msg('rail.wrong_credentials', { operator: label }));
    case 'invalid-request':
      return badRequest(err.message);
    default:
      return new AppError(
        502,
        msg('rail.operator_error', { operator: label, reason: err.operatorMessage ?? err.message }),
      );
  }
}

/**
 * Ends a live watch that cannot go on, and tells its user why: a coded reason is told in the
 * user's language, one given as text (an operator's own words) as written.
 */
export async function finishWatch(d: RailDeps, w: WatchRow, status: 'failed' | 'stopped', why: Message) {
  const reason = typeof why === 'string' ? why : why.text;
  const coded =
    typeof why === 'string' ? {} : { key: why.key, ...(why.params ? { params: why.params } : {}) };
  await d.ctx.tx(async (tx) => {
    const rows = await tx
      .update(railWatches)
      .set({ status, failReason: reason, reservingSince: null, updatedAt: new Date() })
      .where(and(eq(railWatches.id, w.id), inArray(railWatches.status, ['waiting', 'trying'])))
      .returning({ id: railWatches.id });
    if (rows.length)
      await emitRail(tx, RAIL_WATCH_FAILED, { watchId: w.id, userId: w.userId, reason, ...coded });
  });
}

/**
 * Records a refusal the user cannot retry away. A block is the operator refusing this server's
 * address: every watch on that operator stops (the user is told why), and no request goes to it
 * from this egress until the pause ends. A wrong password, or a login the operator refuses (Korail
 * takes logins from its app only), marks the account and stops its watches, and nothing else.
 */
export async function noteRefusal(d: RailDeps, err: unknown, accountId?: string) {
  if (isRailError(err, 'blocked')) {
    const e = err as RailError;
    const label = PROVIDER_LABEL[e.provider];
    let reason: Message;
    if (e.code === PAUSED) reason = e.message;
    else {
      const until = await d.egress.pacing.pause(
        d.egress.key(e.provider),
        d.ctx.config.rail.blockPauseMinutes,
        e.operatorMessage ?? e.message,
      );
      reason = msg('rail.watch_blocked', {
        operator: label,
        reason: e.operatorMessage ?? e.message,
        until: kstClock(until),
      });
      d.ctx.log.warn({ provider: e.provider, until }, 'rail: operator block, pausing this egress');
    }
    const watches = await d.ctx.database.db
      .select()
      .from(railWatches)
      .where(and(eq(railWatches.provider, e.provider), inArray(railWatches.status, ['waiting', 'trying'])));
    for (const w of watches) await finishWatch(d, w, 'failed', reason);
    return;
  }
  if (!accountId) return;
  // A refused login (Korail's MACRO ERROR) concerns this account's logins only: the address is not
  // blocked, so no pause and no other watch stops; this account's watches cannot reserve and end.
  const loginRefused = isRailError(err, 'login-refused');
  if (!isRailError(err, 'bad-credentials') && !loginRefused) return;
  const e = err as RailError;
  const reason: Message = loginRefused
    ? e.message
    : msg('rail.watch_bad_credentials', { operator: PROVIDER_LABEL[e.provider] });
  await d.ctx.database.db
    .update(railAccounts)
    .set({
      status: loginRefused ? 'blocked' : 'bad-credentials',
      lastError: typeof reason === 'string' ? reason : reason.text,
      updatedAt: new Date(),
    })
    .where(eq(railAccounts.id, accountId));
  d.egress.accountProviders.delete(accountId);
  const watches = await d.ctx.database.db
    .select()
    .from(railWatches)
    .where(and(eq(railWatches.accountId, accountId), inArray(railWatches.status, ['waiting', 'trying'])));
  for (const w of watches) await finishWatch(d, w, 'failed', reason);
}

/** Records the refusal (see noteRefusal) and answers what the user can act on. */
export async function refused(d: RailDeps, err: unknown, accountId?: string): Promise<Error> {
  await noteRefusal(d, err, accountId);
  return operatorError(d.ctx.config.rail, err);
}
