/**
 * The egress budget shared fairly among distinct searches (round-robin): every live search of an
 * operator is polled once per round, and a round lasts as long as the operator's egress budget needs
 * for all of their polls. A search that costs more pages does not take turns from the others, and
 * the interval each search gets is what the budget allows, which the user sees on the watch.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Context } from '../../platform/context.ts';
import type { ProviderName } from './providers/index.ts';
import { railWatches } from './schema.ts';

/**
 * The share of an operator's egress budget the polls plan for; the rest stays free for what a
 * found seat needs at once (the hold, a login, a party-size search), which waits in the same line.
 */
export const POLL_SHARE = 0.9;

/**
 * API requests one poll costs before this process has seen one: one search page on either
 * operator. NetFunnel calls (SRT's key every ~48 s, Korail's take and release around each page)
 * go to the queue's own host in a line of their own and are not API slots.
 */
const FIRST_GUESS: Record<ProviderName, number> = { srt: 1, korail: 1 };

/** How long the count of live searches is reused before it is read again. */
const KEYS_TTL_MS = 2000;

/** Requests to the operator's API (each one egress slot), and NetFunnel calls (their own line). */
export type Counter = { requests: number; netfunnel?: number };

export class PollBudget {
  /** What recent polls of each search cost in requests (a moving average), as this process saw them. */
  private readonly cost = new Map<string, number>();
  private readonly counting = new AsyncLocalStorage<Counter>();
  private readonly keys = new Map<ProviderName, { at: number; keys: string[] }>();

  constructor(private readonly ctx: Context) {}

  /** Runs `fn`, adding every operator request it sends to `counter` (each is one egress slot). */
  count<T>(counter: Counter, fn: () => Promise<T>): Promise<T> {
    return this.counting.run(counter, fn);
  }

  /** Called by the egress gate for each request that got its slot. */
  sent(): void {
    const c = this.counting.getStore();
    if (c) c.requests++;
  }

  /** Called by the NetFunnel line for each queue call (not an API slot). */
  sentToQueue(): void {
    const c = this.counting.getStore();
    if (c) c.netfunnel = (c.netfunnel ?? 0) + 1;
  }

  /** Remembers what a poll of `key` cost. */
  record(key: string, requests: number): void {
    if (requests <= 0) return;
    const before = this.cost.get(key);
    this.cost.set(key, before === undefined ? requests : (before + requests) / 2);
  }

  /** What a poll of `key` is expected to cost. */
  costOf(key: string): number {
    return this.cost.get(key) ?? FIRST_GUESS[providerOf(key)];
  }

  private async liveKeys(provider: ProviderName): Promise<string[]> {
    const hit = this.keys.get(provider);
    if (hit && Date.now() - hit.at < KEYS_TTL_MS) return hit.keys;
    const rows = await this.ctx.database.db
      .selectDistinct({ key: railWatches.searchKey })
      .from(railWatches)
      .where(
        and(
          eq(railWatches.provider, provider),
          inArray(railWatches.status, ['waiting', 'trying']),
          // A watch waiting for its start (the operator's opening) takes no share of the round.
          or(isNull(railWatches.startAt), lte(railWatches.startAt, new Date())),
        ),
      );
    const keys = rows.map((r) => r.key);
    this.keys.set(provider, { at: Date.now(), keys });
    return keys;
  }

  /** Forgets the count of live searches (a watch was added, edited or stopped). */
  changed(provider?: ProviderName): void {
    if (provider) this.keys.delete(provider);
    else this.keys.clear();
  }

  /**
   * The time between two polls of one search of `provider` the budget allows: a round over every
   * live search, never shorter than the configured poll interval. Jitter is not included.
   */
  async roundMs(provider: ProviderName): Promise<number> {
    const c = this.ctx.config.rail;
    const keys = await this.liveKeys(provider);
    const requests = keys.reduce((n, k) => n + this.costOf(k), 0);
    const round = (requests * 60_000) / (c.egressPerMinute * POLL_SHARE);
    return Math.max(c.pollMs, Math.ceil(round));
  }

  /** What the user is told: about how often each search of `provider` is checked (ms, jitter included). */
  async intervalMs(provider: ProviderName): Promise<number> {
    return (await this.roundMs(provider)) + this.ctx.config.rail.jitterMs / 2;
  }
}

/** Search keys start with their operator (`srt|…`, `korail|…`). */
export const providerOf = (key: string): ProviderName => (key.startsWith('korail|') ? 'korail' : 'srt');
