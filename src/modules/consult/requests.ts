import { and, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { selectRows, type Tx } from '../../platform/db.ts';
import { AppError, conflict, forbidden, invalidField, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/events/outbox.ts';
import type { Transfer } from '../../platform/ledger/index.ts';
import { msg } from '../../platform/messages/index.ts';
import type { Chat, RoomRow } from './chat.ts';
import type { Counselors } from './counselors.ts';
import type { Items } from './items.ts';
import { type RequestView, stateRefusal, view } from './request-views.ts';
import { consultCounselors, consultRequests, type RequestState } from './schema.ts';

export type { RequestView };

import { requestExpiryHours } from './settings.ts';
import type { Wallet } from './wallet.ts';

// Payment requests: a counselor asks, in chat, for one of their items; the user pays with a ledger
// hold (bonus points first) toward the counselor's payable. Every state move is one conditional
// UPDATE from the state it leaves, so two moves racing (two taps on pay, a refund and a completion)
// cannot both happen: the one that loses changes nothing and is told so.

export const REQUEST_TOPICS = {
  sent: 'consult.request_sent',
  paid: 'consult.request_paid',
  completed: 'consult.request_completed',
  refunded: 'consult.request_refunded',
  reminder: 'consult.request_reminder',
} as const;

/** Paid requests are completed for the counselor this long after payment. */
export const AUTO_COMPLETE_DAYS = 7;
/** The reminder goes this long before the appointment. */
export const REMINDER_MINUTES = 60;

export type RequestRow = typeof consultRequests.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const holdId = (id: string) => `consult:request:${id}`;

export class Requests {
  constructor(
    private readonly ctx: Context,
    private readonly deps: { chat: Chat; items: Items; wallet: Wallet; counselors: Counselors },
  ) {}

  async byId(id: string): Promise<RequestRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await this.ctx.database.db.select().from(consultRequests).where(eq(consultRequests.id, id));
    return row;
  }

  /** The request when the actor is its user, its counselor or an admin; else a logged 404. */
  async forActor(actor: User, id: string): Promise<{ row: RequestRow; me: RequestView['me'] }> {
    const row = await this.byId(id);
    if (row) {
      if (row.userId === actor.id) return { row, me: 'user' };
      const c = await this.deps.counselors.byId(row.counselorId);
      if (c?.userId === actor.id) return { row, me: 'counselor' };
      if (actor.role === 'admin') return { row, me: 'admin' };
      await this.ctx.serverLog.write({
        level: 'warn',
        source: 'consult',
        message: 'payment request asked for by someone not in it',
        data: { requestId: row.id },
        actorId: actor.id,
      });
    }
    throw notFound('request');
  }

  /** Views of these requests as `me` sees them (for chat cards). */
  async views(ids: string[], me: string): Promise<RequestView[]> {
    const wanted = [...new Set(ids)].filter((i) => UUID.test(i));
    if (!wanted.length) return [];
    const rows = await this.ctx.database.db
      .select({ r: consultRequests, c: consultCounselors })
      .from(consultRequests)
      .innerJoin(consultCounselors, eq(consultCounselors.id, consultRequests.counselorId))
      .where(inArray(consultRequests.id, wanted));
    return rows.map(({ r, c }) =>
      view(r, c, r.userId === me ? 'user' : c.userId === me ? 'counselor' : 'admin'),
    );
  }

  async viewFor(actor: User, id: string) {
    const { row, me } = await this.forActor(actor, id);
    const [v] = await this.views([row.id], actor.id);
    if (!v) throw notFound('request');
    const balance = me === 'user' ? await this.deps.wallet.balance(actor.id) : undefined;
    return {
      request: { ...v, me },
      balance: balance?.available ?? null,
      balanceAfter: balance ? balance.available - row.price : null,
    };
  }

  /** The counselor asks for one of their active items in their room with the user. */
  async send(
    actor: User,
    roomId: string,
    input: { itemId: string; note?: string; appointmentAt?: string },
  ): Promise<RequestView> {
    const { room, side } = await this.deps.chat.roomFor(actor, roomId);
    if (side !== 'counselor' || !room.counselorId)
      throw forbidden("only the room's counselor sends payment requests");
    if (room.blockedBy) throw conflict('this chat is blocked', { code: 'consult.room_blocked' });
    const item = await this.deps.items.byId(input.itemId);
    if (!item || item.counselorId !== room.counselorId)
      throw invalidField('body.itemId', msg('consult.not_your_item'));
    if (!item.active) throw invalidField('body.itemId', 'this item is not offered now');
    const note = input.note ?? '';
    if (note.length > 500) throw invalidField('body.note', msg('validation.max_length', { max: 500 }));
    let appointmentAt: Date | null = null;
    if (input.appointmentAt !== undefined) {
      appointmentAt = new Date(input.appointmentAt);
      if (Number.isNaN(appointmentAt.getTime()))
        throw invalidField('body.appointmentAt', msg('consult.iso_time'));
      if (appointmentAt.getTime() <= Date.now())
        throw invalidField('body.appointmentAt', msg('consult.in_future'));
    }
    const hours = this.ctx.settings.get(requestExpiryHours);
    const row = await this.ctx.tx(async (tx) => {
      const [r] = await tx
        .insert(consultRequests)
        .values({
          roomId: room.id,
          counselorId: room.counselorId as string,
          userId: room.userId,
          itemId: item.id,
          kind: item.kind,
          title: item.title,
          price: item.price,
          note,
          appointmentAt,
          expiresAt: sql`now() + make_interval(hours => ${hours})`,
        })
        .returning();
      if (!r) throw new Error('insert returned nothing');
      await this.deps.chat.append(tx, room, { senderId: actor.id, kind: 'request', requestId: r.id });
      await emit(tx, REQUEST_TOPICS.sent, { requestId: r.id });
      return r;
    });
    const [v] = await this.views([row.id], actor.id);
    return v as RequestView;
  }

  /**
   * The user pays: hold first (the ledger refuses an overdraft), then the one UPDATE pending → paid.
   * The hold's id is the request's, so two taps share one hold; when the UPDATE loses to a decline,
   * withdrawal or expiry, the hold is voided again.
   */
  async pay(actor: User, id: string): Promise<RequestView> {
    const { row, me } = await this.forActor(actor, id);
    if (me === 'counselor') throw forbidden('you cannot pay your own request');
    if (me !== 'user') throw forbidden(msg('consult.only_user_pays'));
    if (row.state !== 'pending' || row.expiresAt.getTime() <= Date.now())
      throw stateRefusal(row.state, row.expiresAt.getTime() <= Date.now());
    const counselor = await this.deps.counselors.byIdOr404(row.counselorId);
    if (!counselor.userId) throw conflict(msg('consult.counselor_unpayable'));
    const payable = await this.deps.wallet.payable(counselor.userId);
    const holds = await this.deps.wallet.hold({
      id: holdId(row.id),
      userId: actor.id,
      creditAccountId: payable.id,
      amount: row.price,
      kind: 'consult_request',
      ref: row.id,
    });
    const holdIds = holds.map((h) => h.id);
    const won = await this.ctx.tx(async (tx) => {
      const [paid] = await tx
        .update(consultRequests)
        .set({ state: 'paid', holdIds, paidAt: sql`now()` })
        .where(
          and(
            eq(consultRequests.id, row.id),
            eq(consultRequests.state, 'pending'),
            gt(consultRequests.expiresAt, sql`now()`),
          ),
        )
        .returning();
      if (!paid) return undefined;
      await this.line(tx, paid, 'request_paid');
      await emit(tx, REQUEST_TOPICS.paid, { requestId: paid.id });
      return paid;
    });
    if (!won) {
      const now = await this.byId(row.id);
      const ours = now?.state === 'paid' && now.holdIds.join() === holdIds.join();
      if (!ours) await this.release(row.id, holds);
      throw stateRefusal(now?.state ?? 'expired', (now?.expiresAt.getTime() ?? 0) <= Date.now());
    }
    const [v] = await this.views([won.id], actor.id);
    return v as RequestView;
  }

  /** The user says no to a pending request. */
  decline(actor: User, id: string) {
    return this.close(actor, id, 'user', 'pending', 'declined', 'request_declined');
  }

  /** The counselor takes back a pending request. */
  withdraw(actor: User, id: string) {
    return this.close(actor, id, 'counselor', 'pending', 'withdrawn', 'request_withdrawn');
  }

  /** The counselor marks a paid request done: the hold is posted to them. */
  async complete(actor: User, id: string): Promise<RequestView> {
    const { row, me } = await this.forActor(actor, id);
    if (me !== 'counselor') throw forbidden(msg('consult.only_counselor_completes'));
    await this.completeRow(row.id);
    const [v] = await this.views([row.id], actor.id);
    return v as RequestView;
  }

  /** The counselor or an admin gives the points back before completion: the hold is voided. */
  async refund(actor: User, id: string): Promise<RequestView> {
    const { row, me } = await this.forActor(actor, id);
    if (me === 'user') throw forbidden(msg('consult.refund_by_counselor'));
    const done = await this.ctx.tx(async (tx) => {
      const [r] = await this.move(tx, row.id, 'paid', 'refunded');
      if (!r) return undefined;
      await this.line(tx, r, 'request_refunded');
      await emit(tx, REQUEST_TOPICS.refunded, { requestId: r.id, by: me });
      return r;
    });
    if (!done) throw stateRefusal((await this.byId(row.id))?.state ?? row.state, false);
    await this.ctx.ledger.voidSplit({
      id: `${holdId(row.id)}:refund`,
      holds: await this.deps.wallet.holds(done.holdIds),
    });
    if (me === 'admin')
      await this.ctx.serverLog.write({
        level: 'info',
        source: 'consult',
        message: 'payment request refunded by an admin',
        data: { requestId: row.id, price: row.price },
        actorId: actor.id,
      });
    const [v] = await this.views([row.id], actor.id);
    return v as RequestView;
  }

  /** paid → completed, then the hold is posted (bonus first). Answers false when it was not paid. */
  async completeRow(id: string, auto = false): Promise<boolean> {
    const done = await this.ctx.tx(async (tx) => {
      const [r] = await this.move(tx, id, 'paid', 'completed');
      if (!r) return undefined;
      await this.line(tx, r, auto ? 'request_completed_auto' : 'request_completed');
      await emit(tx, REQUEST_TOPICS.completed, { requestId: r.id, counselorId: r.counselorId, auto });
      return r;
    });
    if (!done) {
      if (auto) return false;
      const now = await this.byId(id);
      throw stateRefusal(now?.state ?? 'expired', false);
    }
    await this.ctx.ledger.postSplit({
      id: `${holdId(id)}:complete`,
      holds: await this.deps.wallet.holds(done.holdIds),
    });
    return true;
  }

  private async close(
    actor: User,
    id: string,
    who: 'user' | 'counselor',
    from: RequestState,
    to: RequestState,
    line: string,
  ): Promise<RequestView> {
    const { row, me } = await this.forActor(actor, id);
    if (me !== who) throw forbidden(msg('consult.only_side', { who }));
    const done = await this.ctx.tx(async (tx) => {
      const [r] = await this.move(tx, row.id, from, to);
      if (r) await this.line(tx, r, line);
      return r;
    });
    if (!done) {
      const now = await this.byId(row.id);
      throw stateRefusal(now?.state ?? row.state, (now?.expiresAt.getTime() ?? 0) <= Date.now());
    }
    const [v] = await this.views([row.id], actor.id);
    return v as RequestView;
  }

  /** The one conditional UPDATE every move is. */
  private move(tx: Tx, id: string, from: RequestState, to: RequestState) {
    return tx
      .update(consultRequests)
      .set({ state: to, closedAt: sql`now()` })
      .where(and(eq(consultRequests.id, id), eq(consultRequests.state, from)))
      .returning();
  }

  /** A system line about the request in its room: a code the pages put in the reader's words. */
  private async line(tx: Tx, r: RequestRow, text: string) {
    const room = (await this.deps.chat.room(r.roomId, tx)) as RoomRow;
    await this.deps.chat.append(tx, room, { senderId: null, kind: 'system', body: text, requestId: r.id });
  }

  /** Voids a hold a lost payment race left behind (already voided or posted: nothing to do). */
  private async release(requestId: string, holds: Transfer[]) {
    try {
      await this.ctx.ledger.voidSplit({ id: `${holdId(requestId)}:unpaid`, holds });
    } catch (err) {
      if (!(err instanceof AppError && err.status === 409)) throw err;
    }
  }

  /**
   * Completed or refunded requests whose holds are still open: the process stopped between the state
   * move and its ledger step. The step runs again under the same ids, so nothing moves twice.
   */
  private async settleStragglers(): Promise<number> {
    const rows = await selectRows<{ id: string; state: RequestState }>(
      this.ctx.database.db,
      sql`select r.id, r.state from consult_requests r
          where r.state in ('completed', 'refunded')
            and r.closed_at > now() - interval '1 day'
            and r.closed_at < now() - make_interval(secs => ${SETTLE_AFTER_SECONDS})
            and exists (select 1 from jsonb_array_elements_text(r.hold_ids) as h(id)
                        where not exists (select 1 from ledger_transfers t where t.pending_id = h.id))
          limit 100`,
    );
    for (const r of rows) {
      const row = await this.byId(r.id);
      if (!row) continue;
      const holds = await this.deps.wallet.holds(row.holdIds);
      if (r.state === 'completed') await this.ctx.ledger.postSplit({ id: `${holdId(r.id)}:complete`, holds });
      else await this.ctx.ledger.voidSplit({ id: `${holdId(r.id)}:refund`, holds });
    }
    return rows.length;
  }

  /**
   * The minute job's work: pending requests past their expiry become expired, paid ones older than
   * seven days are completed, and paid ones with an appointment within the hour get their reminder.
   */
  async sweep(): Promise<{ expired: number; completed: number; reminded: number; settled: number }> {
    const db = this.ctx.database.db;
    const due = await db
      .select({ id: consultRequests.id })
      .from(consultRequests)
      .where(and(eq(consultRequests.state, 'pending'), lte(consultRequests.expiresAt, sql`now()`)))
      .limit(500);
    let expired = 0;
    for (const { id } of due) {
      const r = await this.ctx.tx(async (tx) => {
        const [moved] = await this.move(tx, id, 'pending', 'expired');
        if (moved) await this.line(tx, moved, 'request_expired');
        return moved;
      });
      if (!r) continue;
      expired++;
      // A payment that crashed between its hold and its UPDATE left a hold: give it back.
      const stray = await this.deps.wallet.holds([`${holdId(id)}:0`, `${holdId(id)}:1`]);
      if (stray.length) await this.release(id, stray);
    }
    const old = await db
      .select({ id: consultRequests.id })
      .from(consultRequests)
      .where(
        and(
          eq(consultRequests.state, 'paid'),
          lte(consultRequests.paidAt, sql`now() - make_interval(days => ${AUTO_COMPLETE_DAYS})`),
        ),
      )
      .limit(500);
    let completed = 0;
    for (const { id } of old) if (await this.completeRow(id, true)) completed++;
    // Marked and announced in one transaction: each reminder goes once.
    const reminded = await this.ctx.tx(async (tx) => {
      const soon = await tx
        .update(consultRequests)
        .set({ remindedAt: sql`now()` })
        .where(
          and(
            eq(consultRequests.state, 'paid'),
            isNull(consultRequests.remindedAt),
            gt(consultRequests.appointmentAt, sql`now()`),
            lte(consultRequests.appointmentAt, sql`now() + make_interval(mins => ${REMINDER_MINUTES})`),
          ),
        )
        .returning({ id: consultRequests.id });
      for (const { id } of soon) await emit(tx, REQUEST_TOPICS.reminder, { requestId: id });
      return soon.length;
    });
    const settled = await this.settleStragglers();
    return { expired, completed, reminded, settled };
  }
}

/** Wait this long after a request closed before finishing its ledger step for it (it may be under way). */
const SETTLE_AFTER_SECONDS = 60;
