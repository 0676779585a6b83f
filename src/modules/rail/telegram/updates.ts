/**
 * How Telegram's updates reach the bot. With TELEGRAM_WEBHOOK_URL the worker registers the webhook
 * (setWebhook with a secret token Telegram repeats in `X-Telegram-Bot-Api-Secret-Token`); without
 * it the worker long-polls getUpdates. The poll confirms what it took by asking from the last
 * update id + 1 (the offset); bot.handle() records each id, so an update answered twice by
 * Telegram, or taken by two workers, is handled once.
 */
import { createHmac } from 'node:crypto';
import type { Context } from '../../../platform/context.ts';
import type { TelegramBot } from './bot.ts';

/** The secret token: configured, or derived from the server secret (stable across restarts). */
export function webhookSecret(ctx: Context): string {
  return (
    ctx.config.rail.telegram.webhookSecret ??
    createHmac('sha256', ctx.secret).update('yeyak telegram webhook').digest('base64url')
  );
}

/** Waits between failed polls, doubling up to a minute (a wrong token, Telegram down, a 409). */
const BACKOFF_MS = [1000, 2000, 5000, 15_000, 60_000];
const PRUNE_EVERY_MS = 3600_000;

export class TelegramUpdates {
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  /** The next update id to ask for; undefined until the first answer (Telegram then starts with the oldest unconfirmed). */
  offset: number | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly bot: TelegramBot,
  ) {}

  /** In a worker process with a bot: registers the webhook, or starts the long poll. */
  async start() {
    const api = this.bot.api;
    if (!api || !this.ctx.workers) return;
    const url = this.ctx.config.rail.telegram.webhookUrl;
    if (url) {
      try {
        await api.setWebhook(url, webhookSecret(this.ctx));
        this.ctx.log.info('telegram: webhook registered');
      } catch (err) {
        this.ctx.log.warn({ err: (err as Error).message }, 'telegram: setWebhook failed');
      }
      return;
    }
    this.abort = new AbortController();
    this.loop = this.poll(this.abort.signal);
  }

  private async poll(signal: AbortSignal) {
    const api = this.bot.api;
    if (!api) return;
    const seconds = this.ctx.config.rail.telegram.pollSeconds;
    let failures = 0;
    let webhookCleared = false;
    let pruned = 0;
    while (!signal.aborted) {
      try {
        // A webhook left from an earlier setup makes getUpdates answer 409: polling removes it.
        if (!webhookCleared) {
          await api.deleteWebhook();
          webhookCleared = true;
        }
        const updates = await api.getUpdates(this.offset, seconds, signal);
        failures = 0;
        for (const u of updates) {
          if (signal.aborted) break;
          await this.bot.handle(u);
          // Moved past each update once it is handled: a crash before this asks for it again, and
          // the recorded id keeps it from being answered twice.
          this.offset = u.update_id + 1;
        }
        if (Date.now() - pruned > PRUNE_EVERY_MS) {
          pruned = Date.now();
          await this.bot.forgetOldUpdates();
        }
      } catch (err) {
        if (signal.aborted) break;
        const wait = BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)];
        if (failures === 1 || failures % 10 === 0)
          this.ctx.log.warn({ err: (err as Error).message, failures }, 'telegram: getUpdates failed');
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              r();
            },
            { once: true },
          );
        });
      }
    }
  }

  /** Ends the long poll at once (the request in flight is aborted); the update being handled finishes. */
  async stop() {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }
}
