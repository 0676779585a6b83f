/**
 * The notification layer every module uses (`ctx.notify`): one message to a user (or to given
 * addresses) on the channels asked for — in the app, e-mail, Discord, Slack, Telegram, KakaoTalk —
 * each channel at most once per event, a failing channel not stopping the others.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Sealer } from '../crypto.ts';
import type { Database } from '../db.ts';
import { once } from '../events/outbox.ts';
import type { Mailer } from '../mail/mailer.ts';
import { type Lang, langOf } from '../messages/index.ts';
import { users } from '../schema.ts';
import type { NotifyConfig } from './config.ts';
import { InAppNotices, linkProblem } from './inapp.ts';
import {
  CHANNELS,
  type Channel,
  type KakaoEventUser,
  type Message,
  type OutboundChannel,
  sendDiscord,
  sendKakaoEvent,
  sendSlack,
  sendTelegram,
} from './senders.ts';
import { ChannelSettingsStore } from './settings.ts';

export type { InAppNotice } from './inapp.ts';
export { CHANNELS, type Channel, type Message, type OutboundChannel } from './senders.ts';
export type { ChannelSettings, ChannelSettingsInput } from './settings.ts';

/**
 * Who hears it: a user (their settings and account e-mail), addresses given outright (an event's
 * announcement webhook), or both — a given address wins over the user's.
 */
export type Recipient = {
  userId?: string;
  email?: string;
  discord?: string;
  slack?: string;
  telegram?: string;
  kakao?: KakaoEventUser[];
  /**
   * The language of a recipient without an account (an attendee's address): the event's or the
   * organiser's. A user's own language (users.lang) wins; Korean when neither is known.
   */
  lang?: Lang;
};

/** A message in one language, or written in the recipient's language once it is known. */
export type LocalMessage = Message | ((lang: Lang) => Message);

/** A sender that replaces the built-in one for a channel (e.g. a Discord post with its own format). */
export type ChannelSender = (address: string, message: Message) => Promise<unknown>;

/** What the push channel needs of src/platform/push (kept narrow: notify does not import push). */
export type PushChannel = {
  reachable(userId: string): Promise<boolean>;
  toUser(userId: string, p: { title: string; body: string; link?: string; kind?: string }): Promise<boolean>;
};

export type DeliverOptions = {
  /** Names the once-records (`<scope>-<channel>`); one scope per kind of notice. */
  scope: string;
  /** The e-mail's Message-ID is `<event id>.<mailKey>` (default: the scope), the same on every retry. */
  mailKey?: string;
  /** What kind of notice an in-app row is (e.g. the event's topic); default: the scope. */
  kind?: string;
  send?: Partial<Record<'discord' | 'slack' | 'telegram', ChannelSender>>;
};

/**
 * Per channel: `sent` now, `already` sent for this event before, `not_set_up` (no address, or this
 * server lacks the bot), or `failed` with the error (the once-record lets a later delivery retry it).
 */
export type Delivery = {
  channel: Channel;
  status: 'sent' | 'already' | 'not_set_up' | 'failed';
  error?: unknown;
};

const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A message without its own e-mail body: its lines, escaped. */
const plainHtml = (m: Message) => `<p>${m.lines.map(escapeHtml).join('<br>')}</p>`;

/** In-app first: it is a local write, and the slow webhooks come after it; push only queues a job. */
const ORDER: readonly Channel[] = ['inapp', ...CHANNELS, 'push'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The once-records are keyed by a UUID (an outbox event id); any other event key (an action row's
 * key) is turned into a name-based UUID, the same for the same key.
 */
export function eventUuid(id: string): string {
  if (UUID.test(id)) return id.toLowerCase();
  const h = createHash('sha256').update(`yeyak notify\u0000${id}`).digest('hex');
  const variant = ((Number.parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Notify {
  readonly settings: ChannelSettingsStore;
  /** The in-app notices: what the bell counts and the notifications page lists. */
  readonly inapp: InAppNotices;

  constructor(
    private readonly deps: {
      database: Database;
      mailer: Mailer;
      config: NotifyConfig;
      sealer: Sealer;
      /** the push channel (src/platform/push): queues a push to the user's devices */
      push?: PushChannel;
    },
  ) {
    this.settings = new ChannelSettingsStore(deps.database.db, deps.sealer, deps.config);
    this.inapp = new InAppNotices(deps.database.db);
  }

  /**
   * The language a user reads mails and notices in (users.lang); `fallback` (else Korean) when the
   * user is unknown or never chose one.
   */
  async langOf(userId: string | null | undefined, fallback: Lang = 'ko'): Promise<Lang> {
    if (!userId) return fallback;
    const [u] = await this.deps.database.db
      .select({ lang: users.lang })
      .from(users)
      .where(eq(users.id, userId));
    return u?.lang ? langOf(u.lang) : fallback;
  }

  /**
   * The outbound channels a user has set up (e-mail while it is on); what a notice goes to by
   * default. In-app is not among them: every user has it, and the caller adds it.
   */
  async channelsOf(userId: string): Promise<OutboundChannel[]> {
    const a = await this.settings.addresses(userId);
    const ready: OutboundChannel[] = [];
    if (a.email) ready.push('email');
    if (a.discord) ready.push('discord');
    if (a.slack) ready.push('slack');
    if (a.telegram) ready.push('telegram');
    return ready;
  }

  /**
   * Sends `message` for `eventId` on each of `channels` the recipient has an address for. Each
   * (event, channel) is sent at most once to completion (the outbox's once-records): delivering the
   * same event again sends only what failed before. Never throws for a channel; read the answer.
   * In-app goes to `userId` (given addresses have no app); a message whose link is not a path in this
   * site fails that channel and writes nothing.
   */
  async deliver(
    eventId: string,
    to: string | Recipient,
    channels: readonly string[],
    localMessage: LocalMessage,
    opts: DeliverOptions,
  ): Promise<Delivery[]> {
    const { config, database, mailer } = this.deps;
    const r: Recipient = typeof to === 'string' ? { userId: to } : to;
    const message =
      typeof localMessage === 'function'
        ? localMessage(r.userId ? await this.langOf(r.userId, r.lang) : (r.lang ?? 'ko'))
        : localMessage;
    const wanted = ORDER.filter((c) => channels.includes(c));
    const mine = r.userId ? await this.settings.addresses(r.userId) : undefined;
    let email = r.email;
    if (!email && r.userId && mine?.email && wanted.includes('email')) {
      const [u] = await database.db
        .select({ email: users.email, state: users.state })
        .from(users)
        .where(eq(users.id, r.userId));
      // A withdrawn account's address is a tombstone that no mail can reach.
      email = u?.state === 'withdrawn' ? undefined : u?.email;
    }
    const pushable =
      wanted.includes('push') && r.userId && this.deps.push
        ? await this.deps.push.reachable(r.userId)
        : false;
    const address: Record<Channel, string | KakaoEventUser[] | undefined> = {
      inapp: r.userId,
      push: pushable ? r.userId : undefined,
      email,
      discord: r.discord ?? mine?.discord,
      slack: r.slack ?? mine?.slack,
      telegram: config.telegramToken ? (r.telegram ?? mine?.telegram) : undefined,
      kakao: config.kakao.botId && config.kakao.restApiKey && r.kakao?.length ? r.kakao : undefined,
    };
    const key = eventUuid(eventId);
    const out: Delivery[] = [];
    // One after another: a slow webhook does not matter to a notice, and the order stays readable.
    for (const channel of wanted) {
      const to = address[channel];
      if (!to) {
        out.push({ channel, status: 'not_set_up' });
        continue;
      }
      if (channel === 'inapp' && message.link !== undefined) {
        const problem = linkProblem(message.link);
        if (problem) {
          out.push({ channel, status: 'failed', error: new Error(`in-app link ${problem}`) });
          continue;
        }
      }
      const send = async () => {
        if (channel === 'inapp')
          await this.inapp.add(to as string, {
            kind: opts.kind ?? opts.scope,
            title: message.title,
            body: message.lines.join('\n'),
            link: message.link,
          });
        else if (channel === 'email')
          await mailer.send({
            key: `${eventId}.${opts.mailKey ?? opts.scope}`,
            to: to as string,
            subject: message.title,
            html: message.html ?? plainHtml(message),
            text: message.lines.join('\n'),
          });
        else if (channel === 'kakao') await sendKakaoEvent(config.kakao, to as KakaoEventUser[], message);
        else if (channel === 'push')
          await this.deps.push?.toUser(to as string, {
            title: message.title,
            body: message.lines.join('\n'),
            link: message.link && !linkProblem(message.link) ? message.link : undefined,
            kind: opts.kind ?? opts.scope,
          });
        else {
          const own = opts.send?.[channel];
          if (own) await own(to as string, message);
          else if (channel === 'discord') await sendDiscord(to as string, message);
          else if (channel === 'slack') await sendSlack(to as string, message);
          else await sendTelegram(config, to as string, message);
        }
      };
      try {
        const done = await once(database, `${opts.scope}-${channel}`, key, send);
        out.push({ channel, status: done === 'done' ? 'sent' : 'already' });
      } catch (error) {
        out.push({ channel, status: 'failed', error });
      }
    }
    return out;
  }
}

/** The failures of a delivery as one error (for a consumer that wants the event back), or undefined. */
export function deliveryError(deliveries: Delivery[]): Error | undefined {
  const failed = deliveries.filter((d) => d.status === 'failed');
  if (!failed.length) return undefined;
  const why = failed.map(
    (d) => `${d.channel}: ${d.error instanceof Error ? d.error.message : String(d.error)}`,
  );
  return new Error(`notification failed (${why.join('; ')})`);
}
