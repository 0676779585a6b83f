import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import { AppError, conflict, invalidField, notFound } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
import type { JobSpec } from '../../platform/module.ts';
import type { Counselors } from './counselors.ts';
import { tell, wordsIn } from './notices.ts';
import { isPhone060Error, normalizePhone, type Phone060CallEvent } from './phone060/index.ts';
import { consultCalls, consultCounselors, consultProfiles } from './schema.ts';
import { callHoldMax, callMinimumMinutes } from './settings.ts';
import { type Phone, phoneOr409 } from './sync.ts';
import type { Wallet } from './wallet.ts';

// A phone consultation over the 060 line. yeyak holds the caller's points, charges the matching
// prepaid time at 060 (whole 30-second units the hold covers) and buys the consultation; the 060
// service's `call.ended` is the bill: units × rate (never more than the hold) go to the counselor,
// the rest is released and the unused time taken back at 060. No call within 30 minutes: all released.

export const CALL_EXPIRE_JOB = 'consult.calls-expire';
export const CALL_SWEEP_JOB = 'consult.calls-sweep';
const OPEN_MINUTES = 30;
/** A started call never ended after this long is stuck (a lost webhook): the daily sweep closes it. */
const STUCK_HOURS = 6;

export type CallRow = typeof consultCalls.$inferSelect;

export type CallView = {
  id: string;
  counselorId: string;
  counselorName: string;
  code: string;
  phone: string;
  dialNumber: string | null;
  ratePer30s: number;
  held: number;
  secondsBought: number;
  state: CallRow['state'];
  billedSeconds: number | null;
  charged: number | null;
  createdAt: string;
  expiresAt: string;
  endedAt: string | null;
};

const view = (c: CallRow, counselor: { name: string; code: string }): CallView => ({
  id: c.id,
  counselorId: c.counselorId,
  counselorName: counselor.name,
  code: counselor.code,
  phone: c.phone,
  dialNumber: c.dialNumber,
  ratePer30s: c.ratePer30s,
  held: c.held,
  secondsBought: c.secondsBought,
  state: c.state,
  billedSeconds: c.billedSeconds,
  charged: c.charged,
  createdAt: c.createdAt.toISOString(),
  expiresAt: c.expiresAt.toISOString(),
  endedAt: c.endedAt?.toISOString() ?? null,
});

/** Korean mobile numbers (010-1234-5678, 01012345678). */
const MOBILE = /^01[016789]\d{7,8}$/;

export type WebhookOutcome = { outcome: 'started' | 'ended' | 'duplicate'; callId: string };

export class Calls {
  constructor(
    private readonly ctx: Context,
    private readonly wallet: Wallet,
    private readonly counselors: Counselors,
    private readonly phone: Phone,
  ) {}

  private holdId(callId: string) {
    return `consult:call:${callId}`;
  }

  /** What the caller needs before starting: the minimum, their balance, the counselor's rate. */
  async quote(userId: string, counselorId: string) {
    const c = await this.bookable(counselorId);
    const balance = await this.wallet.balance(userId);
    const minimum = this.ctx.settings.get(callMinimumMinutes) * 2 * c.ratePer30s;
    const profile = await this.wallet.profile(userId);
    return {
      counselor: { id: c.id, name: c.name, code: c.code, ratePer30s: c.ratePer30s, lineStatus: c.lineStatus },
      available: balance.available,
      minimum,
      /** Seconds the balance buys now (whole 30 s units, capped by the hold limit). */
      seconds:
        Math.floor(Math.min(balance.available, this.ctx.settings.get(callHoldMax)) / c.ratePer30s) * 30,
      phone: profile?.phone ?? null,
    };
  }

  private async bookable(counselorId: string) {
    const c = await this.counselors.byId(counselorId);
    if (c?.state !== 'active' || !c.userId || c.goneAt) throw notFound('counselor');
    return { ...c, userId: c.userId };
  }

  /** Starts a consultation: hold, charge the line at 060, buy the consultation; answers the number to dial. */
  async start(userId: string, input: { counselorId: string; phone: string }): Promise<CallView> {
    const phone = normalizePhone(input.phone) ?? '';
    if (!MOBILE.test(phone)) throw invalidField('body.phone', msg('consult.mobile_number'));
    const link = await phoneOr409(this.phone, this.ctx.selfUrl);
    const c = await this.bookable(input.counselorId);
    if (c.lineStatus !== 'online')
      throw new AppError(409, 'this counselor is not taking calls now', {
        code: `consult.counselor_${c.lineStatus}`,
      });
    const [open] = await this.ctx.database.db
      .select({ id: consultCalls.id })
      .from(consultCalls)
      .where(and(eq(consultCalls.userId, userId), inArray(consultCalls.state, ['open', 'started'])));
    if (open) throw conflict('you have a phone consultation open already', { code: 'consult.call_open' });
    await this.wallet.profile(userId);
    await this.ctx.database.db
      .update(consultProfiles)
      .set({ phone })
      .where(eq(consultProfiles.userId, userId));
    const balance = await this.wallet.balance(userId);
    const minimum = this.ctx.settings.get(callMinimumMinutes) * 2 * c.ratePer30s;
    if (balance.available < minimum) {
      throw new AppError(409, msg('consult.call_min_points', { points: minimum }), {
        code: 'consult.balance_below_minimum',
        minimum,
        available: balance.available,
        errors: [{ path: 'balance', message: `at least ${minimum} points` }],
      });
    }
    const units = Math.floor(Math.min(balance.available, this.ctx.settings.get(callHoldMax)) / c.ratePer30s);
    const held = units * c.ratePer30s;
    const [call] = await this.ctx.database.db
      .insert(consultCalls)
      .values({
        userId,
        counselorId: c.id,
        phone,
        ratePer30s: c.ratePer30s,
        held,
        secondsBought: units * 30,
        expiresAt: new Date(Date.now() + OPEN_MINUTES * 60_000),
      })
      .returning();
    const row = call as CallRow;
    const payable = await this.wallet.payable(c.userId as string);
    let holds: { id: string }[] = [];
    try {
      holds = await this.wallet.hold({
        id: this.holdId(row.id),
        userId,
        creditAccountId: payable.id,
        amount: held,
        kind: 'call',
        ref: row.id,
      });
      await this.ctx.database.db
        .update(consultCalls)
        .set({ holdIds: holds.map((h) => h.id) })
        .where(eq(consultCalls.id, row.id));
      await link.client.chargeTime(phone, row.secondsBought, `call:${row.id}`);
      const ticket = await link.client.purchase(c.code, phone, `call:${row.id}`);
      const [ready] = await this.ctx.database.db
        .update(consultCalls)
        .set({ ticketId: ticket.ticketId, dialNumber: ticket.dialNumber })
        .where(eq(consultCalls.id, row.id))
        .returning();
      return view(ready as CallRow, c);
    } catch (err) {
      // Nothing may stay held for a call that cannot happen.
      await this.release(row.id, 'not started').catch((e: unknown) =>
        this.ctx.log.warn(
          { err: e, callId: row.id },
          'consult: a failed call start left its hold for the sweep',
        ),
      );
      if (isPhone060Error(err, 'counselor_unavailable'))
        throw new AppError(409, 'this counselor is not taking calls now', { code: 'consult.counselor_busy' });
      throw err;
    }
  }

  async get(userId: string, id: string, admin = false): Promise<CallView> {
    const rows = await this.ctx.database.db
      .select({ call: consultCalls, name: consultCounselors.name, code: consultCounselors.code })
      .from(consultCalls)
      .innerJoin(consultCounselors, eq(consultCounselors.id, consultCalls.counselorId))
      .where(eq(consultCalls.id, id));
    const r = rows[0];
    if (!r || (!admin && r.call.userId !== userId)) throw notFound('call');
    return view(r.call, r);
  }

  async mine(userId: string): Promise<CallView[]> {
    const rows = await this.ctx.database.db
      .select({ call: consultCalls, name: consultCounselors.name, code: consultCounselors.code })
      .from(consultCalls)
      .innerJoin(consultCounselors, eq(consultCounselors.id, consultCalls.counselorId))
      .where(eq(consultCalls.userId, userId))
      .orderBy(desc(consultCalls.createdAt))
      .limit(30);
    return rows.map((r) => view(r.call, r));
  }

  /** Acts on a verified 060 event; unknown calls are refused (404), repeats answer `duplicate`. */
  async onEvent(event: Phone060CallEvent): Promise<WebhookOutcome> {
    const call = await this.find(event);
    if (!call) throw notFound('call');
    if (event.type === 'call.started') {
      const [moved] = await this.ctx.database.db
        .update(consultCalls)
        .set({ state: 'started', callId: event.callId, startedAt: new Date(event.startedAt) })
        .where(and(eq(consultCalls.id, call.id), eq(consultCalls.state, 'open')))
        .returning();
      if (moved) {
        await this.ctx.database.db
          .update(consultCounselors)
          .set({ lineStatus: 'busy' })
          .where(eq(consultCounselors.id, call.counselorId));
      }
      return { outcome: moved ? 'started' : 'duplicate', callId: event.callId };
    }
    if (call.state === 'ended' || call.state === 'voided')
      return { outcome: 'duplicate', callId: event.callId };
    if (call.callId && call.callId !== event.callId) throw conflict(msg('consult.call_used_elsewhere'));
    const units = Math.ceil(event.billedSeconds / 30);
    const charge = Math.min(units * call.ratePer30s, call.held);
    const holds = await this.wallet.holds(call.holdIds);
    const id = this.holdId(call.id);
    if (charge > 0) await this.ctx.ledger.postSplit({ id: `${id}:end`, holds, amount: charge });
    else await this.ctx.ledger.voidSplit({ id: `${id}:end`, holds });
    const [ended] = await this.ctx.database.db
      .update(consultCalls)
      .set({
        state: 'ended',
        callId: event.callId,
        billedSeconds: event.billedSeconds,
        charged: charge,
        startedAt: call.startedAt ?? new Date(event.startedAt),
        endedAt: new Date(event.endedAt),
      })
      .where(and(eq(consultCalls.id, call.id), inArray(consultCalls.state, ['open', 'started'])))
      .returning();
    if (!ended) return { outcome: 'duplicate', callId: event.callId };
    await this.ctx.database.db
      .update(consultCounselors)
      .set({ lineStatus: 'online' })
      .where(and(eq(consultCounselors.id, call.counselorId), eq(consultCounselors.lineStatus, 'busy')));
    await this.returnUnused(ended, call.secondsBought - Math.min(call.secondsBought, units * 30));
    const minutes = Math.floor(event.billedSeconds / 60);
    const seconds = event.billedSeconds % 60;
    await tell(this.ctx, call.userId, (lang) => ({
      kind: 'consult.call',
      title: wordsIn(lang)('consult.notice_call_ended_title'),
      body: wordsIn(lang)('consult.notice_call_used', { minutes, seconds, points: charge }),
      link: `/consult/calls/${call.id}`,
    }));
    const counselor = await this.counselors.byId(call.counselorId);
    if (counselor?.userId) {
      await tell(this.ctx, counselor.userId, (lang) => ({
        kind: 'consult.call',
        title: wordsIn(lang)('consult.notice_call_settled_title'),
        body: wordsIn(lang)('consult.notice_call_earned', { minutes, seconds, points: charge }),
        link: '/consult/me/counselor',
      }));
    }
    return { outcome: 'ended', callId: event.callId };
  }

  private async find(event: Phone060CallEvent): Promise<CallRow | undefined> {
    const [byCall] = await this.ctx.database.db
      .select()
      .from(consultCalls)
      .where(eq(consultCalls.callId, event.callId));
    if (byCall) return byCall;
    if (!event.ticketId) return undefined;
    const [byTicket] = await this.ctx.database.db
      .select()
      .from(consultCalls)
      .where(eq(consultCalls.ticketId, event.ticketId));
    return byTicket;
  }

  /**
   * Takes back at 060 the prepaid time this call will not use. A refusal (the line busy in another
   * call, the service down) leaves the seconds on the call row; the minute sweep asks again with the
   * same ref, so 060 takes them back once however often it is asked.
   */
  private async returnUnused(call: CallRow, seconds: number): Promise<boolean> {
    if (seconds <= 0) return true;
    const link = this.phone();
    if (!link) return false;
    try {
      await link.client.returnTime(call.phone, seconds, `call:${call.id}:return`);
      if (call.returnSeconds > 0)
        await this.ctx.database.db
          .update(consultCalls)
          .set({ returnSeconds: 0 })
          .where(eq(consultCalls.id, call.id));
      return true;
    } catch (err) {
      if (call.returnSeconds > 0) return false; // already recorded and logged; the next sweep tries again
      await this.ctx.database.db
        .update(consultCalls)
        .set({ returnSeconds: seconds })
        .where(eq(consultCalls.id, call.id));
      this.ctx.log.warn({ err, callId: call.id, seconds }, 'consult: unused 060 time not returned yet');
      await this.ctx.serverLog.write({
        level: 'warn',
        source: 'consult',
        message: `unused 060 time (${seconds} s) of call ${call.id} not returned yet (tried again every minute): ${(err as Error).message}`,
        data: { callId: call.id, seconds },
      });
      return false;
    }
  }

  /** Asks 060 again for the time earlier returns could not take back. */
  async retryReturns(): Promise<number> {
    const owed = await this.ctx.database.db
      .select()
      .from(consultCalls)
      .where(sql`${consultCalls.returnSeconds} > 0`)
      .limit(200);
    let returned = 0;
    for (const call of owed) if (await this.returnUnused(call, call.returnSeconds)) returned++;
    return returned;
  }

  /** Releases a call that never happened: void its holds, return its time at 060, mark it voided. */
  async release(callId: string, why: string): Promise<boolean> {
    const [call] = await this.ctx.database.db.select().from(consultCalls).where(eq(consultCalls.id, callId));
    if (!call || call.state === 'ended' || call.state === 'voided') return false;
    const holds = await this.wallet.holds(call.holdIds);
    if (holds.length) await this.ctx.ledger.voidSplit({ id: `${this.holdId(call.id)}:end`, holds });
    const [voided] = await this.ctx.database.db
      .update(consultCalls)
      .set({ state: 'voided', endedAt: sql`now()` })
      .where(and(eq(consultCalls.id, call.id), inArray(consultCalls.state, ['open', 'started'])))
      .returning();
    if (voided) {
      this.ctx.log.info({ callId, why }, 'consult: call released');
      await this.returnUnused(voided, call.secondsBought);
    }
    return !!voided;
  }

  /** Open calls past their 30 minutes with no call; with `stuck`, also started calls never ended. */
  async sweep(stuck = false): Promise<number> {
    const due = await this.ctx.database.db
      .select({ id: consultCalls.id })
      .from(consultCalls)
      .where(
        stuck
          ? and(
              eq(consultCalls.state, 'started'),
              lt(consultCalls.startedAt, new Date(Date.now() - STUCK_HOURS * 3_600_000)),
            )
          : and(eq(consultCalls.state, 'open'), lt(consultCalls.expiresAt, new Date())),
      )
      .limit(200);
    let released = 0;
    for (const { id } of due) {
      try {
        if (await this.release(id, stuck ? 'stuck' : 'no call in time')) released++;
      } catch (err) {
        this.ctx.log.warn({ err, callId: id }, 'consult: call not released yet');
      }
    }
    return released;
  }

  jobs(): JobSpec<never>[] {
    return [
      {
        name: CALL_EXPIRE_JOB,
        handler: async () => {
          await this.sweep(false);
          await this.retryReturns();
        },
        options: { cron: '* * * * *', retryLimit: 0 },
      },
      {
        name: CALL_SWEEP_JOB,
        handler: async () => void (await this.sweep(true)),
        options: { cron: '30 4 * * *', retryLimit: 0 },
      },
    ];
  }
}
