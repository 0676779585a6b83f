/**
 * The two-way Telegram chat of rail: a user links their private chat with the deep link
 * `https://t.me/<bot>?start=<code>` (a one-time code from the web; Telegram sends it back as
 * `/start <code>`), which also makes that chat their Telegram notification address. A linked chat
 * asks `/watches`, `/stop N`, `/reservations`, `/help`. Each update is taken once (its id is
 * recorded first), whether it came by webhook or long poll (updates.ts).
 */
import { randomInt } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { toUser, type User } from '../../../platform/auth/service.ts';
import type { Context } from '../../../platform/context.ts';
import { sha256 } from '../../../platform/crypto.ts';
import { conflict } from '../../../platform/errors.ts';
import { type Lang, msg } from '../../../platform/messages/index.ts';
import { RULES, rateLimiter } from '../../../platform/ratelimit.ts';
import { users } from '../../../platform/schema.ts';
import { railTelegramCodes, railTelegramLinks, railTelegramUpdates } from '../schema.ts';
import type { Rail } from '../service.ts';
import { answerReservations, answerStop, answerWatches, type Said, sayer } from './answers.ts';
import { TelegramApi, type TelegramUpdate } from './api.ts';

const CODE_MINUTES = 10;
/** 8 characters without look-alikes, about 40 bits; the deep link's start parameter allows them all. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
const CODE_FORM = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);
/** Update ids are kept this long to refuse a repeat; Telegram stops redelivering long before. */
const KEEP_UPDATES_MS = 24 * 3600_000;

function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the web shows: whether this server has a bot, whether the user's chat is linked. */
export type TelegramLinkState = { available: boolean; linked: boolean; bot: string | null };

/** "/stop@yeyak_bot 2" → verb "stop", args ["2"]; text that is not a command has verb "". */
export function commandOf(text: string): { verb: string; args: string[] } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const first = words[0] ?? '';
  if (!first.startsWith('/')) return { verb: '', args: words };
  return { verb: first.slice(1).replace(/@\w+$/, '').toLowerCase(), args: words.slice(1) };
}

export class TelegramBot {
  readonly api: TelegramApi | undefined;
  private readonly limiter;
  private username: string | undefined;

  constructor(
    private readonly ctx: Context,
    private readonly rail: Rail,
  ) {
    const n = ctx.config.notify;
    const t = ctx.config.rail.telegram;
    this.api = n.telegramToken ? new TelegramApi(n.telegramApi, n.telegramToken, t.pollSeconds) : undefined;
    this.username = t.botUsername;
    this.limiter = rateLimiter(ctx.database);
  }

  /** The bot's username for the deep link: configured, or asked once with getMe. */
  private async botName(): Promise<string | null> {
    if (this.username || !this.api) return this.username ?? null;
    try {
      this.username = (await this.api.getMe()).username;
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, 'telegram getMe failed');
    }
    return this.username ?? null;
  }

  async state(user: User): Promise<TelegramLinkState> {
    if (!this.api) return { available: false, linked: false, bot: null };
    const [row] = await this.ctx.database.db
      .select({ c: railTelegramLinks.chatId })
      .from(railTelegramLinks)
      .where(eq(railTelegramLinks.userId, user.id));
    return { available: true, linked: !!row, bot: await this.botName() };
  }

  /** A one-time code and the deep link that sends it; a new code replaces the user's older one. */
  async linkCode(user: User) {
    if (!this.api) throw conflict(msg('rail.telegram.no_bot'));
    const code = newCode();
    const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
    const db = this.ctx.database.db;
    await db.delete(railTelegramCodes).where(eq(railTelegramCodes.userId, user.id));
    await db
      .insert(railTelegramCodes)
      .values({ codeHash: sha256(`telegram:${code}`), userId: user.id, expiresAt });
    const bot = await this.botName();
    return {
      code,
      link: bot ? `https://t.me/${bot}?start=${code}` : null,
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** Forgets the user's chat, and clears it as their notification address when it was that chat. */
  async unlink(user: User) {
    const [gone] = await this.ctx.database.db
      .delete(railTelegramLinks)
      .where(eq(railTelegramLinks.userId, user.id))
      .returning();
    if (gone) await this.forgetChat(user.id, gone.chatId);
    return { linked: false };
  }

  /** Clears the user's Telegram notification address when it is this chat. */
  private async forgetChat(userId: string, chatId: string) {
    if ((await this.ctx.notify.settings.get(userId)).telegramChatId === chatId)
      await this.ctx.notify.settings.save(userId, { telegramChatId: null });
  }

  /**
   * Takes one update: records its id first (a repeat is ignored: answers false), answers the chat.
   * A failure to answer is logged, not thrown: Telegram would otherwise send the update again.
   */
  async handle(update: TelegramUpdate): Promise<boolean> {
    const db = this.ctx.database.db;
    const taken = await db
      .insert(railTelegramUpdates)
      .values({ updateId: update.update_id })
      .onConflictDoNothing()
      .returning();
    if (!taken.length) return false;
    const m = update.message;
    if (!m?.text || m.from?.is_bot) return true;
    const chatId = String(m.chat.id);
    let reply: string;
    try {
      reply = await this.answer(chatId, m.chat.type, m.text, m.from?.language_code);
    } catch (err) {
      // Linking or finding the account failed: the chat's language is not known yet.
      this.ctx.log.error({ err }, 'telegram update failed');
      reply = sayer('ko')('rail.telegram.try_later');
    }
    try {
      await this.api?.sendMessage(chatId, reply);
    } catch (err) {
      // The chat id and the text may name a person and trains: only the reason is logged.
      this.ctx.log.warn({ err: (err as Error).message }, 'telegram answer not sent');
    }
    return true;
  }

  /** Drops old update ids (the worker calls it now and then). */
  async forgetOldUpdates() {
    await this.ctx.database.db
      .delete(railTelegramUpdates)
      .where(lt(railTelegramUpdates.takenAt, new Date(Date.now() - KEEP_UPDATES_MS)));
  }

  private async linkedUser(chatId: string): Promise<User | undefined> {
    const [row] = await this.ctx.database.db
      .select({ u: users })
      .from(railTelegramLinks)
      .innerJoin(users, eq(users.id, railTelegramLinks.userId))
      .where(eq(railTelegramLinks.chatId, chatId));
    // A suspended or withdrawn account acts through Telegram no more than through the web.
    return row?.u.state === 'active' ? toUser(row.u) : undefined;
  }

  private async answer(chatId: string, chatType: string, text: string, appLang?: string): Promise<string> {
    const { verb, args } = commandOf(text);
    const user = await this.linkedUser(chatId);
    // Before linking, the chat's own app language is the best guess; after, the account's.
    const lang: Lang = user?.lang ?? (appLang?.startsWith('ko') || !appLang ? 'ko' : 'en');
    const say = sayer(lang);
    // A group sees every message: one user's watches never go there.
    if (chatType !== 'private') return say('rail.telegram.private_only');
    if (verb === 'start' && args.length) return this.link(chatId, args[0], say);
    if (!user) return say('rail.telegram.not_linked');
    return this.command(user, verb, args, say).catch((err: unknown) => {
      this.ctx.log.error({ err }, 'telegram command failed');
      return say('rail.telegram.try_later');
    });
  }

  private async command(user: User, verb: string, args: string[], say: Said): Promise<string> {
    switch (verb) {
      case 'start':
      case 'help':
        return say('rail.telegram.help');
      case 'watches':
        return answerWatches(this.rail, user, say);
      case 'stop':
        return answerStop(this.rail, user, args, say);
      case 'reservations':
        return answerReservations(this.rail, user, say);
      default:
        return say('rail.telegram.unknown');
    }
  }

  private async link(chatId: string, typed: string, say0: Said): Promise<string> {
    for (const [rule, subject] of [
      [RULES.kakaoLinkUser, `telegram:${chatId}`],
      [RULES.kakaoLinkAll, 'telegram:all'],
    ] as const) {
      const v = await this.limiter.hit(rule, subject);
      if (!v.allowed)
        return say0('rail.telegram.too_many', { minutes: Math.max(1, Math.ceil(v.retryAfter / 60)) });
    }
    const code = typed.toUpperCase();
    const db = this.ctx.database.db;
    const [row] = CODE_FORM.test(code)
      ? await db
          .delete(railTelegramCodes)
          .where(
            and(
              eq(railTelegramCodes.codeHash, sha256(`telegram:${code}`)),
              gt(railTelegramCodes.expiresAt, new Date()),
            ),
          )
          .returning()
      : [];
    if (!row) return say0('rail.telegram.bad_code');
    await this.limiter.release(RULES.kakaoLinkUser, `telegram:${chatId}`);
    await this.limiter.release(RULES.kakaoLinkAll, 'telegram:all');
    // One chat per account and one account per chat: a new link replaces both old ones, and the
    // account this chat leaves stops sending its notices here.
    const [before] = await db.select().from(railTelegramLinks).where(eq(railTelegramLinks.chatId, chatId));
    if (before && before.userId !== row.userId) await this.forgetChat(before.userId, chatId);
    await db.delete(railTelegramLinks).where(eq(railTelegramLinks.userId, row.userId));
    await db
      .insert(railTelegramLinks)
      .values({ chatId, userId: row.userId })
      .onConflictDoUpdate({
        target: railTelegramLinks.chatId,
        set: { userId: row.userId, linkedAt: new Date() },
      });
    // The linked chat is where this user's Telegram notices go from now on.
    await this.ctx.notify.settings.save(row.userId, { telegramChatId: chatId });
    const user = await this.linkedUser(chatId);
    return sayer(user?.lang ?? 'ko')('rail.telegram.linked');
  }
}
