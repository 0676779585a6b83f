/**
 * The Kakao i Open Builder skill server for rail: `POST /api/kakao/skill`
 * takes a SkillPayload and answers a SkillResponse v2.0 within Kakao's 5 s. Work that takes longer
 * answers `useCallback` and posts the result to the one-time `callbackUrl` when done. KakaoTalk
 * users are linked to yeyak accounts with a one-time code from the web ("연결 K7QM-2XPA"). Later news
 * (a watch got its seat) goes out through the Event API as the `kakao` notification channel.
 * How a request is read is parse.ts; what each rail command answers is answers.ts.
 */
import { randomInt } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { User } from '../../../platform/auth/service.ts';
import type { Context } from '../../../platform/context.ts';
import { sha256 } from '../../../platform/crypto.ts';
import { AppError } from '../../../platform/errors.ts';
import { guardedFetch } from '../../../platform/net/outbound.ts';
import { type KakaoEventUser, sendKakaoEvent } from '../../../platform/notify/senders.ts';
import { RULES, rateLimiter } from '../../../platform/ratelimit.ts';
import { users } from '../../../platform/schema.ts';
import { railKakaoCodes, railKakaoLinks } from '../schema.ts';
import type { Rail } from '../service.ts';
import {
  answerReservations,
  answerSearch,
  answerStart,
  answerStop,
  answerWatches,
  plainText,
  type SkillResponse,
  text,
} from './answers.ts';
import { type Command, commandOf, type KakaoLang, type Payload, tr } from './parse.ts';

export type { SkillResponse } from './answers.ts';

const CODE_MINUTES = 10;
/**
 * Link codes: 8 characters without look-alikes (no 0/O, 1/I/L), about 40 bits, shown as ABCD-EFGH.
 * With the attempt limits (RULES.kakaoLink*) guessing any live code takes years, not seconds.
 */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
const CODE_FORM = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

function newLinkCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the user typed ("k7qm-2xpa", "K7QM 2XPA" …) as the stored form, or undefined. */
function linkCodeOf(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return CODE_FORM.test(code) ? code : undefined;
}

const EXAMPLE_CODE = 'K7QM-2XPA';
/** A callback URL is valid for 1 minute (Kakao's callback guide); past this we post a "still working" note instead. */
const CALLBACK_LIMIT_MS = 50_000;

const HELP: Record<KakaoLang, string> = {
  ko: [
    '예약 도우미 명령어',
    `• 연결 ${EXAMPLE_CODE} — 웹(기차 › 계정·알림)에서 받은 코드로 계정 연결`,
    '• 조회 수서 부산 내일 18:00 — 열차 조회 (KTX: 조회 ktx 서울 부산 …)',
    '• 감시 srt 수서 부산 20261224 351 — 매진 열차의 빈자리 감시',
    '• 예약 srt 수서 부산 20261224 351 — 자리가 있는 열차 바로 예약',
    '• 승객·좌석은 뒤에 덧붙이기: 어른 2 어린이 1 경로 1 장애1-3 1 장애4-6 1 / 일반실 · 특실 · 일반실 우선 · 특실 우선 (기본: 어른 1, 일반실 우선)',
    '• 내 감시 — 감시 목록과 번호',
    '• 중지 2 — 목록의 2번 감시 중지',
    '• 내 예약 — 결제를 기다리는 예약',
    '• 도움말 — 이 안내',
  ].join('\n'),
  en: [
    'yeyak rail commands (station names in Korean)',
    `• link ${EXAMPLE_CODE} — link your account with the code from the web (Trains › Accounts & alerts)`,
    '• search 수서 부산 tomorrow 18:00 — find trains (KTX: search ktx 서울 부산 …)',
    '• watch srt 수서 부산 20261224 351 — wait for a seat on a sold-out train',
    '• reserve srt 수서 부산 20261224 351 — reserve a train that has seats',
    '• Passengers and seats, added at the end: adult 2 child 1 senior 1 disability1-3 1 disability4-6 1 / general · special · general first · special first (default: adult 1, general first)',
    '• my watches — your watches, numbered',
    '• stop 2 — stop watch 2 of that list',
    '• my reservations — reservations waiting for payment',
    '• help — this text',
  ].join('\n'),
};

/** What the first answer says while the result is on its way through the Event API. */
function underWay(verb: Command['verb'], lang: KakaoLang): string {
  switch (verb) {
    case 'search':
      return tr(
        lang,
        '열차를 조회하고 있어요. 결과는 곧 카카오톡 메시지로 보내 드릴게요.',
        'Looking up the trains. The result follows in a KakaoTalk message shortly.',
      );
    case 'watch':
      return tr(
        lang,
        '감시를 등록하고 있어요. 끝나면 카카오톡 메시지로 알려 드릴게요.',
        'Setting up the watch. A KakaoTalk message follows when it is done.',
      );
    case 'reserve':
      return tr(
        lang,
        '예약을 시도하고 있어요. 결과는 곧 카카오톡 메시지로 보내 드릴게요.',
        'Trying to reserve. The result follows in a KakaoTalk message shortly.',
      );
    default:
      return tr(
        lang,
        '처리하고 있어요. 결과는 곧 카카오톡 메시지로 보내 드릴게요.',
        'Working on it. The result follows in a KakaoTalk message shortly.',
      );
  }
}

export class KakaoSkill {
  constructor(
    private readonly ctx: Context,
    private readonly rail: Rail,
  ) {
    this.limiter = rateLimiter(ctx.database);
  }

  private readonly limiter;

  async linkCode(user: User) {
    const code = newLinkCode();
    const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
    await this.ctx.database.db.delete(railKakaoCodes).where(eq(railKakaoCodes.userId, user.id));
    await this.ctx.database.db
      .insert(railKakaoCodes)
      .values({ codeHash: sha256(`kakao:${code}`), userId: user.id, expiresAt });
    return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt: expiresAt.toISOString() };
  }

  private async userFor(key: string): Promise<User | undefined> {
    const [row] = await this.ctx.database.db
      .select({ u: users })
      .from(railKakaoLinks)
      .innerJoin(users, eq(users.id, railKakaoLinks.userId))
      .where(eq(railKakaoLinks.botUserKey, key));
    // A suspended or withdrawn account acts through KakaoTalk no more than through the web.
    if (row?.u.state !== 'active') return undefined;
    const { id, email, name, role, state, nickname, intro } = row.u;
    return { id, email, name, role, verified: !!row.u.verifiedAt, state, nickname, intro };
  }

  /** The botUserKey linked to a yeyak user (for Event API notifications). */
  async keyFor(userId: string): Promise<string | undefined> {
    const [row] = await this.ctx.database.db
      .select({ k: railKakaoLinks.botUserKey })
      .from(railKakaoLinks)
      .where(eq(railKakaoLinks.userId, userId));
    return row?.k;
  }

  /**
   * Answers one skill request. With a callback URL, work past `kakaoBudgetMs` answers useCallback and
   * posts the result there. Without one (Kakao grants callbacks per bot, on request), the answer goes
   * out by `kakaoQuickMs` saying what is under way, and the result follows through the Event API.
   */
  async handle(payload: Payload): Promise<SkillResponse> {
    const started = Date.now();
    const command = commandOf(payload);
    const lang = command.lang;
    const work = this.answer(payload, command).catch((err: unknown) => text(this.explain(err, lang)));
    const callbackUrl = payload.userRequest.callbackUrl;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), callbackUrl ? this.rail.kakaoBudgetMs : this.rail.kakaoQuickMs);
    });
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    if (!callbackUrl) {
      const k = this.ctx.config.notify.kakao;
      if (k.botId && k.restApiKey) {
        const pushed = this.push(payload.userRequest.user.id, work);
        this.pending.add(pushed);
        void pushed.finally(() => this.pending.delete(pushed));
        return text(underWay(command.verb, lang));
      }
      // No Event API either: the work still finishes; the user checks the lists later.
      return text(
        tr(
          lang,
          '처리에 시간이 걸리고 있습니다. 잠시 후 "내 감시" 또는 "내 예약"으로 확인해 주세요.',
          'This is taking a while. Check "my watches" or "my reservations" in a moment.',
        ),
      );
    }
    void this.deliver(callbackUrl, work, started, lang);
    return {
      version: '2.0',
      useCallback: true,
      data: {
        text: tr(lang, '처리하고 있어요. 잠시만 기다려 주세요.', 'Working on it, one moment please.'),
      },
    };
  }

  /** Results still on their way through the Event API (tests and shutdown wait for them). */
  readonly pending = new Set<Promise<void>>();

  /** Sends the finished answer to the KakaoTalk user through the Event API, as plain text. */
  private async push(botUserKey: string, work: Promise<SkillResponse>) {
    const [title, ...lines] = plainText(await work).split('\n');
    try {
      await sendKakaoEvent(this.ctx.config.notify.kakao, [{ type: 'botUserKey', id: botUserKey }], {
        title: title ?? '',
        lines,
      });
    } catch (err) {
      // The user key is a per-bot pseudonym, the message may name trains: neither is logged.
      this.ctx.log.warn({ err: (err as Error).message }, 'kakao event after a slow answer failed');
    }
  }

  /** Posts the final answer to the one-time callback URL before it expires. */
  private async deliver(url: string, work: Promise<SkillResponse>, started: number, lang: KakaoLang) {
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<SkillResponse>((r) => {
      timer = setTimeout(
        () =>
          r(
            text(
              tr(
                lang,
                '아직 처리 중입니다. 잠시 후 "내 감시" 또는 "내 예약"으로 확인해 주세요.',
                'Still working on it. Check "my watches" or "my reservations" in a moment.',
              ),
            ),
          ),
        Math.max(0, CALLBACK_LIMIT_MS - (Date.now() - started)),
      );
    });
    const answer = await Promise.race([work, tooLong]);
    clearTimeout(timer);
    try {
      // The callback URL comes in the request: it may lead only to public addresses.
      const res = await guardedFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(answer),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json().catch(() => ({}))) as { status?: unknown; message?: unknown };
      // The URL carries a one-time token: log the outcome, never the URL.
      if (!res.ok || body.status !== 'SUCCESS')
        this.ctx.log.warn(
          { status: res.status, kakaoStatus: body.status, message: body.message },
          'kakao callback refused',
        );
    } catch (err) {
      this.ctx.log.warn({ err: (err as Error).message }, 'kakao callback failed');
    }
  }

  private explain(err: unknown, lang: KakaoLang): string {
    if (err instanceof AppError) {
      const suggestions = (err.data?.suggestions as string[] | undefined) ?? [];
      const field = (err.data?.errors as { path: string; message: string }[] | undefined)?.[0];
      const msg = field ? `${field.path.replace(/^body\./, '')}: ${field.message}` : err.message;
      return (
        tr(lang, `요청을 처리하지 못했습니다: ${msg}`, `Could not do that: ${msg}`) +
        (suggestions.length
          ? tr(lang, `\n혹시 ${suggestions.join(', ')}?`, `\nDid you mean ${suggestions.join(', ')}?`)
          : '')
      );
    }
    this.ctx.log.error({ err }, 'kakao skill failed');
    return tr(lang, '잠시 후 다시 시도해 주세요.', 'Please try again in a moment.');
  }

  private async answer(p: Payload, c: Command): Promise<SkillResponse> {
    const key = p.userRequest.user.id;
    const { lang } = c;
    if (c.verb === 'link') return this.link(key, c.args.join(''), lang);
    if (c.verb === 'help') return text(HELP[lang]);
    const user = await this.userFor(key);
    if (!user)
      return text(
        tr(
          lang,
          `먼저 yeyak 웹의 기차 › 계정·알림에서 연결 코드를 받아 "연결 ${EXAMPLE_CODE}"처럼 보내 주세요.`,
          `First get a link code on the yeyak web (Trains › Accounts & alerts) and send it like "link ${EXAMPLE_CODE}".`,
        ),
      );
    const turn = { rail: this.rail, user, c, a: p.action, blockId: p.userRequest.block?.id };
    switch (c.verb) {
      case 'search':
        return answerSearch(turn);
      case 'watch':
      case 'reserve':
        return answerStart(turn);
      case 'watches':
        return answerWatches(turn);
      case 'stop':
        return answerStop(turn);
      case 'reservations':
        return answerReservations(turn);
    }
  }

  private async link(key: string, typed: string, lang: KakaoLang): Promise<SkillResponse> {
    const code = linkCodeOf(typed);
    if (!code)
      return text(
        tr(
          lang,
          `웹에서 받은 8자리 연결 코드를 "연결 ${EXAMPLE_CODE}"처럼 보내 주세요.`,
          `Send the 8-character code from the web like "link ${EXAMPLE_CODE}".`,
        ),
      );
    // Per chat user, and over all users: a caller who invents user ids gets no more guesses.
    for (const [rule, subject] of [
      [RULES.kakaoLinkUser, key],
      [RULES.kakaoLinkAll, 'all'],
    ] as const) {
      const v = await this.limiter.hit(rule, subject);
      if (!v.allowed) {
        const min = Math.max(1, Math.ceil(v.retryAfter / 60));
        return text(
          tr(
            lang,
            `연결 시도가 너무 많습니다. ${min}분 후에 다시 해 주세요.`,
            `Too many link attempts. Try again in ${min} min.`,
          ),
        );
      }
    }
    const db = this.ctx.database.db;
    const [row] = await db
      .delete(railKakaoCodes)
      .where(
        and(eq(railKakaoCodes.codeHash, sha256(`kakao:${code}`)), gt(railKakaoCodes.expiresAt, new Date())),
      )
      .returning();
    if (row) {
      await this.limiter.release(RULES.kakaoLinkUser, key);
      await this.limiter.release(RULES.kakaoLinkAll, 'all');
    }
    if (!row)
      return text(
        tr(
          lang,
          '코드가 틀렸거나 만료되었습니다. 웹에서 새 코드를 받아 주세요.',
          'That code is wrong or has expired. Get a new one on the web.',
        ),
      );
    await db
      .insert(railKakaoLinks)
      .values({ botUserKey: key, userId: row.userId })
      .onConflictDoUpdate({
        target: railKakaoLinks.botUserKey,
        set: { userId: row.userId, linkedAt: new Date() },
      });
    return text(
      tr(
        lang,
        'yeyak 계정과 연결했습니다. "조회 수서 부산 내일 18:00"처럼 보내 보세요.',
        'Linked to your yeyak account. Try "search 수서 부산 tomorrow 18:00".',
      ),
    );
  }

  /** Whom the platform's `kakao` channel (the Event API) addresses for a yeyak user: their linked botUserKey. */
  async eventUsers(userId: string): Promise<KakaoEventUser[] | undefined> {
    const key = await this.keyFor(userId);
    return key ? [{ type: 'botUserKey', id: key }] : undefined;
  }
}
