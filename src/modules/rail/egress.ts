/**
 * Everything that leaves for an operator passes here: the adapters (one anonymous searcher per
 * operator, one logged-in adapter per account), the request pacing shared through the database, and
 * the pause after an operator blocked this server.
 */
import { setMaxListeners } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { Sealer } from '../../platform/crypto.ts';
import { type Db, selectRows } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { POLL_SHARE, PollBudget } from './budget.ts';
import {
  createRailProvider,
  type ProviderName,
  RailError,
  type RailProvider,
  type Train,
} from './providers/index.ts';
import { kstClock } from './time.ts';
import { BOOKING_DAYS, iso, PROVIDER_LABEL } from './views.ts';

/**
 * How long a search's row stands for the train without asking again: a reserve right after the
 * search that showed the seat goes straight to the hold (its answer says if the seat went meanwhile).
 */
export const FRESH_TRAIN_MS = 15_000;

export type ProviderEndpoints = { baseUrl: string; netfunnelUrl: string };

/** What every rail use case works with. */
export type RailDeps = {
  ctx: Context;
  egress: Egress;
  sealer: Sealer;
  /** The clock of the party-size back-off (a test moves it forward). */
  now: () => number;
};

/** What a user reads while an operator's block pause lasts. */
const pausedText = (provider: ProviderName, reason: string, until: Date) =>
  `${PROVIDER_LABEL[provider]} blocked this server (${reason}); yeyak sends nothing to ${PROVIDER_LABEL[provider]} until ${kstClock(until)} KST. Try again after that.`;
/** The code of our own refusal while an operator's block pause lasts (no request was sent). */
export const PAUSED = 'YEYAK_PAUSED';

export type Slot = { waitMs: number } | { blockedUntil: Date; reason: string };

/**
 * Request pacing shared through the database, so the limits hold for every process on it, not per
 * process: each request takes the next free slot of its key in one statement (a row lock orders the
 * takers), then waits for it. A paused key (after an operator block) hands out no slot at all.
 */
export class SharedPacing {
  constructor(private readonly db: Db) {}

  /**
   * Takes the next slot of `key`. With `then`, the account the request belongs to: its next slot is
   * pushed to `then.intervalMs` after this slot (the moment the request leaves), in the same
   * statement, so an account's spacing counts from its previous request's start, however long that
   * request waited for the egress.
   */
  async take(key: string, intervalMs: number, then?: { key: string; intervalMs: number }): Promise<Slot> {
    const secs = Math.max(0, intervalMs) / 1000;
    const thenKey = then?.key ?? null;
    const thenSecs = Math.max(0, then?.intervalMs ?? 0) / 1000;
    const [row] = await selectRows<{ wait_ms: number; blocked_ms: number | null; reason: string | null }>(
      this.db,
      sql`with e as (
            insert into rail_pacing (key, next_at) values (${key}, now() + make_interval(secs => ${secs}))
            on conflict (key) do update set next_at = case
              when rail_pacing.blocked_until > now() then rail_pacing.next_at
              else greatest(rail_pacing.next_at, now()) + make_interval(secs => ${secs}) end
            returning next_at, blocked_until, blocked_reason
          ), a as (
            update rail_pacing set next_at = greatest(rail_pacing.next_at,
              (select next_at from e) - make_interval(secs => ${secs}) + make_interval(secs => ${thenSecs}))
            where rail_pacing.key = ${thenKey}::text
              and exists (select 1 from e where e.blocked_until is null or e.blocked_until <= now())
          )
          select
            greatest(0, extract(epoch from (next_at - now())) * 1000 - ${intervalMs})::float8 as wait_ms,
            case when blocked_until > now()
              then (extract(epoch from blocked_until) * 1000)::float8 end as blocked_ms,
            blocked_reason as reason
          from e`,
    );
    if (row.blocked_ms != null)
      return { blockedUntil: new Date(row.blocked_ms), reason: row.reason ?? 'blocked' };
    return { waitMs: Number(row.wait_ms) };
  }

  /**
   * A slot of `key` only when the key is free now (nobody's slot ahead): a poll's way into the
   * egress line, so polls never queue there ahead of what a user or a found seat is waiting on.
   * Otherwise nothing is taken and the answer says how long until the line is free again.
   */
  async takeIfFree(key: string, intervalMs: number): Promise<Slot | { busyMs: number }> {
    const secs = Math.max(0, intervalMs) / 1000;
    const [row] = await selectRows<{ wait_ms: number }>(
      this.db,
      sql`insert into rail_pacing (key, next_at) values (${key}, now() + make_interval(secs => ${secs}))
          on conflict (key) do update set next_at = greatest(rail_pacing.next_at, now()) + make_interval(secs => ${secs})
            where (rail_pacing.blocked_until is null or rail_pacing.blocked_until <= now())
              and rail_pacing.next_at <= now()
          returning greatest(0, extract(epoch from (next_at - now())) * 1000 - ${intervalMs})::float8 as wait_ms`,
    );
    if (row) return { waitMs: Number(row.wait_ms) };
    const [held] = await selectRows<{ busy_ms: number; blocked_ms: number | null; reason: string | null }>(
      this.db,
      sql`select greatest(0, extract(epoch from (next_at - now())) * 1000)::float8 as busy_ms,
            case when blocked_until > now()
              then (extract(epoch from blocked_until) * 1000)::float8 end as blocked_ms,
            blocked_reason as reason
          from rail_pacing where key = ${key}`,
    );
    if (!held) return { busyMs: 0 };
    if (held.blocked_ms != null)
      return { blockedUntil: new Date(held.blocked_ms), reason: held.reason ?? 'blocked' };
    return { busyMs: Number(held.busy_ms) };
  }

  /** How far ahead the key's slots are taken now (0 when the next request could go at once). */
  async backlogMs(key: string): Promise<number> {
    const [row] = await selectRows<{ ms: number }>(
      this.db,
      sql`select greatest(0, extract(epoch from (next_at - now())) * 1000)::float8 as ms
          from rail_pacing where key = ${key}`,
    );
    return row ? Number(row.ms) : 0;
  }

  /** Pauses a key for `minutes`; an existing longer pause is kept. */
  async pause(key: string, minutes: number, reason: string): Promise<Date> {
    const [row] = await selectRows<{ until_ms: number }>(
      this.db,
      sql`insert into rail_pacing (key, next_at, blocked_until, blocked_reason)
          values (${key}, now(), now() + make_interval(mins => ${minutes}), ${reason})
          on conflict (key) do update set
            blocked_until = greatest(coalesce(rail_pacing.blocked_until, now()), excluded.blocked_until),
            blocked_reason = excluded.blocked_reason
          returning (extract(epoch from blocked_until) * 1000)::float8 as until_ms`,
    );
    return new Date(row.until_ms);
  }

  /** The pause on a key now, if any. */
  async paused(key: string): Promise<{ until: Date; reason: string } | undefined> {
    const [row] = await selectRows<{ until_ms: number; reason: string | null }>(
      this.db,
      sql`select (extract(epoch from blocked_until) * 1000)::float8 as until_ms, blocked_reason as reason
          from rail_pacing where key = ${key} and blocked_until > now()`,
    );
    return row ? { until: new Date(row.until_ms), reason: row.reason ?? 'blocked' } : undefined;
  }

  /** Ends a pause early (an operator's admin decision, and tests). */
  async resume(key: string): Promise<void> {
    await this.db.execute(
      sql`update rail_pacing set blocked_until = null, blocked_reason = null where key = ${key}`,
    );
  }
}

/** The adapters and their gate; state of this process, limits shared with every process. */
export class Egress {
  private endpoints: Partial<Record<ProviderName, ProviderEndpoints>> = {};
  /** One adapter per account (own cookie jar and pacing), logged in once and reused. */
  readonly accountProviders = new Map<string, { provider: RailProvider; ready: Promise<void> }>();
  /** Anonymous adapters for searches (no login needed), one per operator. */
  private readonly searchers = new Map<ProviderName, RailProvider>();
  /** Anonymous adapters for what a user waits on, one per operator (see asker). */
  private readonly askers = new Map<ProviderName, RailProvider>();
  /** Departure times searches showed, by operator, route, date and train number. */
  private readonly departures = new Map<string, { train: Train; at: number }>();
  /** Request slots in the database: the per-egress and per-account limits hold across processes. */
  readonly pacing: SharedPacing;
  /** The poll rounds the egress budget allows, and the count of requests each poll sends. */
  readonly budget: PollBudget;
  sandbox = false;
  /** Set on shutdown: polls end early and no request leaves. */
  stopping = false;
  /** Wakes every request waiting for its slot when yeyak shuts down. */
  private readonly halted = new AbortController();

  constructor(private readonly ctx: Context) {
    this.pacing = new SharedPacing(ctx.database.db);
    this.budget = new PollBudget(ctx);
    // Every request waiting for its slot listens here; hundreds may wait at once.
    setMaxListeners(0, this.halted.signal);
  }

  private get config() {
    return this.ctx.config.rail;
  }

  setEndpoints(e: Partial<Record<ProviderName, ProviderEndpoints>>, sandbox: boolean) {
    this.endpoints = e;
    this.sandbox = sandbox;
    this.searchers.clear();
    this.askers.clear();
    this.accountProviders.clear();
  }

  /** Shutdown: no new request leaves, and requests waiting for a slot give up at once. */
  halt() {
    this.stopping = true;
    this.halted.abort();
  }

  /** Sleeps `ms`, or less when yeyak shuts down meanwhile. */
  private nap(ms: number): Promise<void> {
    const signal = this.halted.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  key(name: ProviderName) {
    return `egress:${this.config.egressId}:${name}`;
  }

  /**
   * The searches' own line (polls and other anonymous searches): they queue here at POLL_SHARE of
   * the budget before taking an egress slot, so the egress line stays short and a hold found by a
   * poll (an account's requests, egress line only) goes within a slot or two, not behind every
   * queued search.
   */
  searchKey(name: ProviderName) {
    return `${this.key(name)}:search`;
  }

  private stoppingError(name: ProviderName) {
    return new RailError('operator', name, 'yeyak is shutting down', { code: 'STOPPING' });
  }

  /** Refuses with the operator's block while a key is paused (nothing is sent). */
  private blocked(name: ProviderName, s: { blockedUntil: Date; reason: string }): RailError {
    return new RailError('blocked', name, pausedText(name, s.reason, s.blockedUntil), {
      code: PAUSED,
      operatorMessage: s.reason,
    });
  }

  /** Waits for the next slot of a shared pacing key; a paused key refuses at once. */
  private async slot(
    name: ProviderName,
    key: string,
    intervalMs: number,
    then?: { key: string; intervalMs: number },
  ) {
    if (this.stopping) throw this.stoppingError(name);
    const s = await this.pacing.take(key, intervalMs, then);
    if ('blockedUntil' in s) throw this.blocked(name, s);
    if (s.waitMs > 0) await this.nap(s.waitMs);
  }

  /**
   * A poll's egress slot: taken only when the egress line is free, so a poll never stands in that
   * line ahead of a hold or a user's request (those take the next slot however far ahead it is).
   * Before this, polls kept the line about three slots (2 s) deep, and every request of a hold
   * waited behind them; the polls' own rate is set by their line (searchKey) anyway.
   */
  private async freeSlot(name: ProviderName, key: string, intervalMs: number) {
    for (;;) {
      if (this.stopping) throw this.stoppingError(name);
      const s = await this.pacing.takeIfFree(key, intervalMs);
      if ('blockedUntil' in s) throw this.blocked(name, s);
      if ('waitMs' in s) {
        if (s.waitMs > 0) await this.nap(s.waitMs);
        return;
      }
      // Several polls may wait here; a little spread keeps them from all asking at the same instant.
      await this.nap(s.busyMs + Math.random() * 50);
    }
  }

  /**
   * Runs before every request an adapter sends: the account's slot (when it has one), then the
   * egress slot, both shared by every process on this database. The egress slot comes last so the
   * request leaves at its egress time; the account's next request then counts its interval (plus a
   * little jitter, so an account's requests do not tick like a machine) from that moment.
   */
  private gate(name: ProviderName, account?: string, searcher = false) {
    return async () => {
      const egressMs = 60_000 / this.config.egressPerMinute;
      if (searcher) {
        await this.slot(name, this.searchKey(name), 60_000 / (this.config.egressPerMinute * POLL_SHARE));
        await this.freeSlot(name, this.key(name), egressMs);
      } else if (account) {
        const spacing = this.config.accountIntervalMs;
        const then = {
          key: `account:${account}`,
          intervalMs: spacing + Math.random() * Math.min(250, spacing / 4),
        };
        await this.slot(name, then.key, then.intervalMs);
        await this.slot(name, this.key(name), egressMs, then);
      } else await this.slot(name, this.key(name), egressMs);
      if (this.stopping) throw this.stoppingError(name);
      this.budget.sent();
    };
  }

  /**
   * The NetFunnel calls' line (Korail takes and releases a ticket around each gated API call; SRT
   * a key every ~48 s). The queue is its own host (`nf.letskorail.com`), holds no session and is
   * not the API whose rate operators watch, so its calls take neither the account's 1 s nor an API
   * slot: charging them there made a Korail poll cost three API slots and a Korail reserve seven
   * account seconds. They are still paced, at two per API slot (a take and a release).
   */
  netfunnelKey(name: ProviderName) {
    return `${this.key(name)}:netfunnel`;
  }

  private queueGate(name: ProviderName, poll: boolean) {
    return async () => {
      const ms = 60_000 / (2 * this.config.egressPerMinute);
      // As in the egress line: a poll's queue call goes only when the line is free, so a hold's
      // take and release never wait behind the polls' (Korail's polls keep this line 90 % busy).
      if (poll) await this.freeSlot(name, this.netfunnelKey(name), ms);
      else await this.slot(name, this.netfunnelKey(name), ms);
      if (this.stopping) throw this.stoppingError(name);
      this.budget.sentToQueue();
    };
  }

  /**
   * A fresh adapter with the configured endpoints, pacing and egress gate. The anonymous searcher
   * (`searcher`) is spaced by the egress slots alone: a second, per-adapter 1 s would keep every
   * search below the budget. An account's adapter (`account`: `userId:provider`, known before the
   * account row is) is spaced by the account's shared slots, counted from each request's start; an
   * adapter with neither keeps the 1 s between its own requests.
   */
  newProvider(name: ProviderName, account?: string, searcher = false, searchLine = searcher): RailProvider {
    const e = this.endpoints[name];
    const spacing = searcher || account ? 0 : this.config.accountIntervalMs;
    return createRailProvider(name, {
      baseUrl: e?.baseUrl,
      netfunnelUrl: e?.netfunnelUrl,
      minIntervalMs: spacing,
      jitterMs: Math.min(250, spacing / 4),
      netfunnelPollMs: this.sandbox ? 50 : undefined,
      timeoutMs: 15_000,
      gate: this.gate(name, account, searchLine),
      netfunnelGate: this.queueGate(name, searchLine),
    });
  }

  /** The anonymous adapter of an operator for searches. */
  searcher(name: ProviderName): RailProvider {
    let s = this.searchers.get(name);
    if (!s || s.stoppedBy) {
      s = this.newProvider(name, undefined, true);
      this.searchers.set(name, s);
    }
    return s;
  }

  /**
   * The anonymous adapter for what a user waits on (a search, the train of a reserve or a watch):
   * it takes egress slots like a hold, without queueing in the polls' own line, so a user's one or
   * two pages go within a slot or two instead of behind every queued poll.
   */
  asker(name: ProviderName): RailProvider {
    let s = this.askers.get(name);
    if (!s || s.stoppedBy) {
      s = this.newProvider(name, undefined, true, false);
      this.askers.set(name, s);
    }
    return s;
  }

  /** Remembers the trains any search showed (when they leave, and the row itself for a while). */
  remember(from: string, to: string, date: string, trains: Train[]) {
    if (this.departures.size > 50_000) this.departures.clear();
    const at = Date.now();
    for (const t of trains)
      this.departures.set(`${t.provider}|${from}|${to}|${date}|${t.trainNo}`, { train: t, at });
  }

  /**
   * What the last search that showed a train said of it: the row when it is younger than
   * FRESH_TRAIN_MS (a user reserving what their search showed a moment ago), and when it leaves.
   */
  seen(provider: ProviderName, from: string, to: string, date: string, trainNo: string) {
    const hit = this.departures.get(`${provider}|${from}|${to}|${date}|${trainNo}`);
    if (!hit) return undefined;
    return {
      departure: hit.train.departure,
      fresh: Date.now() - hit.at < FRESH_TRAIN_MS ? hit.train : undefined,
    };
  }

  /** Refuses new work for an operator while its block pause lasts (nothing is scheduled). */
  async assertNotPaused(provider: ProviderName) {
    const p = await this.pacing.paused(this.key(provider));
    if (p) throw new AppError(503, pausedText(provider, p.reason, p.until));
  }

  /** Each operator as the web shows it: its booking window and any block pause. */
  async providers(): Promise<
    {
      name: ProviderName;
      label: string;
      sandbox: boolean;
      bookingDays: number;
      pausedUntil: string | null;
      pausedReason: string | null;
    }[]
  > {
    return Promise.all(
      (['srt', 'korail'] as const).map(async (name) => {
        const paused = await this.pacing.paused(this.key(name));
        return {
          name,
          label: PROVIDER_LABEL[name],
          sandbox: this.sandbox,
          bookingDays: BOOKING_DAYS[name],
          pausedUntil: iso(paused?.until ?? null),
          pausedReason: paused?.reason ?? null,
        };
      }),
    );
  }
}
