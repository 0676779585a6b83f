/**
 * The Kakao i Open Builder skill server for rail (research integrations.md §4): `POST /api/kakao/skill`
 * takes a SkillPayload and answers a SkillResponse v2.0 within Kakao's 5 s. Work that takes longer
 * answers `useCallback` and posts the result to the one-time `callbackUrl` when done. KakaoTalk
 * users are linked to yeyak accounts with a one-time code from the web ("연결 123456"). Later news
 * (a watch got its seat) goes out through the Event API as the `kakao` notification channel.
 */
import { randomInt } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth, User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { safeEqual, sha256 } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { users } from '../../platform/schema.ts';
import type { Message } from './notify.ts';
import { railKakaoCodes, railKakaoLinks } from './schema.ts';
import type { Rail, TrainView, WatchView } from './service.ts';
import { addDays, hhmm, kstDate, normalizeDate, normalizeTime, ymd } from './time.ts';

const CODE_MINUTES = 10;

/** The parts of Kakao's SkillPayload we read; everything else is accepted and ignored. */
const skillPayload = z
  .object({
    userRequest: z
      .object({
        utterance: z.string().max(1000).default(''),
        callbackUrl: z.string().url().optional(),
        user: z.object({ id: z.string().min(1).max(100) }).passthrough(),
      })
      .passthrough(),
    action: z
      .object({ params: z.record(z.string(), z.unknown()).default({}) })
      .passthrough()
      .optional(),
  })
  .passthrough();

type Payload = z.infer<typeof skillPayload>;
type Output = Record<string, unknown>;
export type SkillResponse = {
  version: '2.0';
  template?: { outputs: Output[]; quickReplies?: QuickReply[] };
  useCallback?: boolean;
  data?: Record<string, unknown>;
};

type QuickReply = { label: string; action: 'message'; messageText: string };

const text = (t: string, quickReplies?: QuickReply[]): SkillResponse => ({
  version: '2.0',
  template: {
    outputs: [{ simpleText: { text: t.slice(0, 1000) } }],
    ...(quickReplies?.length ? { quickReplies } : {}),
  },
});

const HELP = [
  '예약 도우미 사용법',
  '• 연결 123456 — 웹(기차 › 계정·알림)의 코드로 계정 연결',
  '• 조회 수서 부산 2026-12-24 18:00 — 열차 조회 (KTX: 조회 ktx 서울 부산 …)',
  '• 감시 srt 수서 부산 20261224 351 — 매진 열차 빈자리 감시',
  '• 예약 srt 수서 부산 20261224 351 — 자리가 있는 열차 예약',
  '• 내 감시 / 내 예약',
].join('\n');

const label = (t: TrainView) => {
  const mark = (v: string) => (v === 'available' ? '가능' : v === 'sold-out' ? '매진' : '-');
  return `일반 ${mark(t.general)} · 특실 ${mark(t.special)}${t.standby ? ' · 대기가능' : ''}`;
};

function parseDate(word: string | undefined): string | undefined {
  if (!word) return undefined;
  const today = kstDate();
  if (word === '오늘') return today;
  if (word === '내일') return addDays(today, 1);
  if (word === '모레') return addDays(today, 2);
  return normalizeDate(word);
}

function provider(word: string | undefined): 'srt' | 'korail' | undefined {
  const w = word?.toLowerCase();
  return w === 'srt' ? 'srt' : w === 'ktx' || w === 'korail' || w === '코레일' ? 'korail' : undefined;
}

/** Kakao's system entities arrive as JSON strings (`{"date":"2026-12-24",…}`) or plain values. */
function param(p: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = p[n];
    if (typeof v !== 'string' || !v) continue;
    try {
      const o = JSON.parse(v) as Record<string, unknown>;
      const inner = o.date ?? o.time ?? o.value;
      if (typeof inner === 'string') return inner;
    } catch {
      // plain text
    }
    return v;
  }
  return undefined;
}

export class KakaoSkill {
  constructor(
    private readonly ctx: Context,
    private readonly rail: Rail,
  ) {}

  async linkCode(user: User) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
    await this.ctx.database.db.delete(railKakaoCodes).where(eq(railKakaoCodes.userId, user.id));
    await this.ctx.database.db
      .insert(railKakaoCodes)
      .values({ codeHash: sha256(`kakao:${code}`), userId: user.id, expiresAt });
    return { code, expiresAt: expiresAt.toISOString() };
  }

  private async userFor(key: string): Promise<User | undefined> {
    const [row] = await this.ctx.database.db
      .select({ u: users })
      .from(railKakaoLinks)
      .innerJoin(users, eq(users.id, railKakaoLinks.userId))
      .where(eq(railKakaoLinks.botUserKey, key));
    return row
      ? { id: row.u.id, email: row.u.email, name: row.u.name, role: row.u.role, verified: !!row.u.verifiedAt }
      : undefined;
  }

  /** The botUserKey linked to a yeyak user (for Event API notifications). */
  async keyFor(userId: string): Promise<string | undefined> {
    const [row] = await this.ctx.database.db
      .select({ k: railKakaoLinks.botUserKey })
      .from(railKakaoLinks)
      .where(eq(railKakaoLinks.userId, userId));
    return row?.k;
  }

  /** Answers one skill request; long work continues and is posted to the callback URL. */
  async handle(payload: Payload): Promise<SkillResponse> {
    const work = this.answer(payload).catch((err: unknown) => text(this.explain(err)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), this.rail.kakaoBudgetMs);
    });
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    const callbackUrl = payload.userRequest.callbackUrl;
    if (!callbackUrl) {
      void work.catch(() => undefined);
      return text('처리에 시간이 걸리고 있습니다. 잠시 후 "내 감시" 또는 "내 예약"으로 확인해 주세요.');
    }
    void work.then(async (answer) => {
      try {
        const res = await fetch(callbackUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(answer),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) this.ctx.log.warn({ status: res.status }, 'kakao callback refused');
      } catch (err) {
        this.ctx.log.warn({ err }, 'kakao callback failed');
      }
    });
    return {
      version: '2.0',
      useCallback: true,
      data: { text: '열차를 조회하고 있어요. 잠시만 기다려 주세요.' },
    };
  }

  private explain(err: unknown): string {
    if (err instanceof AppError) {
      const suggestions = (err.data?.suggestions as string[] | undefined) ?? [];
      const field = (err.data?.errors as { path: string; message: string }[] | undefined)?.[0];
      const msg = field ? `${field.path.replace(/^body\./, '')}: ${field.message}` : err.message;
      return `요청을 처리하지 못했습니다: ${msg}${suggestions.length ? `\n혹시 ${suggestions.join(', ')}?` : ''}`;
    }
    this.ctx.log.error({ err }, 'kakao skill failed');
    return '잠시 후 다시 시도해 주세요.';
  }

  private async answer(p: Payload): Promise<SkillResponse> {
    const key = p.userRequest.user.id;
    const words = p.userRequest.utterance.trim().split(/\s+/).filter(Boolean);
    const params = p.action?.params ?? {};
    const verb = words[0] ?? '';

    if (verb === '연결' || verb.toLowerCase() === 'link') return this.link(key, words[1]);

    const user = await this.userFor(key);
    const needLink = () =>
      text('먼저 yeyak 웹의 기차 › 계정·알림에서 연결 코드를 받아 "연결 123456"처럼 보내 주세요.');

    if (verb === '조회' || param(params, 'departure-station', 'from')) {
      if (!user) return needLink();
      return this.search(user, words.slice(1), params);
    }
    if (verb === '감시' || verb === '예약') {
      if (!user) return needLink();
      const rest = words.slice(1);
      const prov = provider(rest[0]) ?? 'srt';
      if (provider(rest[0])) rest.shift();
      const [from, to, dateWord, trainNo] = rest;
      const date = parseDate(dateWord);
      if (!from || !to || !date || !trainNo || !/^\d{1,5}$/.test(trainNo))
        return text(`이렇게 보내 주세요: ${verb} srt 수서 부산 20261224 351`);
      if (verb === '예약') {
        const r = await this.rail.reserve(user, {
          provider: prov,
          from,
          to,
          date,
          trainNo,
          passengers: { adult: 1 },
        });
        return text(
          `예약했습니다 (${r.trainType} ${r.trainNo}, ${ymd(r.date)} ${hhmm(r.departure)}).\n예약번호 ${r.pnr}\n` +
            `결제 기한 ${r.paymentDeadline ? new Date(r.paymentDeadline).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' }) : '-'}\n운영사 앱에서 결제해 주세요.`,
        );
      }
      const w = await this.rail.createWatch(user, {
        provider: prov,
        from,
        to,
        date,
        trainNo,
        passengers: { adult: 1 },
        notify: ['email', 'kakao'],
      });
      return text(
        `${w.from}→${w.to} ${ymd(w.date)} ${w.trainNo}번 열차 빈자리 감시를 시작했습니다. 자리가 나면 바로 예약하고 알려 드릴게요.`,
        [{ label: '내 감시', action: 'message', messageText: '내 감시' }],
      );
    }
    if (p.userRequest.utterance.replace(/\s/g, '') === '내감시') {
      if (!user) return needLink();
      return this.watches(await this.rail.watches(user));
    }
    if (p.userRequest.utterance.replace(/\s/g, '') === '내예약') {
      if (!user) return needLink();
      const list = (await this.rail.reservations(user)).filter((r) => r.status === 'held').slice(0, 5);
      if (!list.length) return text('결제를 기다리는 열차 예약이 없습니다.');
      return text(
        list
          .map(
            (r) =>
              `${r.trainType} ${r.trainNo} ${r.from}→${r.to} ${ymd(r.date)} ${hhmm(r.departure)} · ${r.pnr}` +
              (r.paymentDeadline
                ? ` · 결제 기한 ${new Date(r.paymentDeadline).toLocaleTimeString('ko-KR', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit' })}`
                : ''),
          )
          .join('\n'),
      );
    }
    return text(HELP);
  }

  private async link(key: string, code: string | undefined): Promise<SkillResponse> {
    if (!code || !/^\d{6}$/.test(code)) return text('6자리 연결 코드를 "연결 123456"처럼 보내 주세요.');
    const db = this.ctx.database.db;
    const [row] = await db
      .delete(railKakaoCodes)
      .where(
        and(eq(railKakaoCodes.codeHash, sha256(`kakao:${code}`)), gt(railKakaoCodes.expiresAt, new Date())),
      )
      .returning();
    if (!row) return text('코드가 틀렸거나 만료되었습니다. 웹에서 새 코드를 받아 주세요.');
    await db
      .insert(railKakaoLinks)
      .values({ botUserKey: key, userId: row.userId })
      .onConflictDoUpdate({
        target: railKakaoLinks.botUserKey,
        set: { userId: row.userId, linkedAt: new Date() },
      });
    return text('yeyak 계정과 연결했습니다. "조회 수서 부산 내일 18:00"처럼 보내 보세요.');
  }

  private async search(user: User, words: string[], params: Record<string, unknown>): Promise<SkillResponse> {
    void user;
    const prov = provider(words[0]) ?? provider(param(params, 'provider')) ?? 'srt';
    if (provider(words[0])) words.shift();
    const from = param(params, 'departure-station', 'from') ?? words[0];
    const to = param(params, 'destination', 'to') ?? words[1];
    const date = parseDate(param(params, 'departure-date', 'date') ?? words[2]) ?? kstDate();
    const time = normalizeTime(param(params, 'departure-time', 'time') ?? words[3] ?? '00:00') ?? '000000';
    if (!from || !to) return text('이렇게 보내 주세요: 조회 수서 부산 2026-12-24 18:00');
    const r = await this.rail.search({ provider: prov, from, to, date, time });
    const trains = r.trains.filter((t) => !t.departed).slice(0, 5);
    if (!trains.length) return text(`${r.from}→${r.to} ${ymd(date)} ${hhmm(time)} 이후 열차가 없습니다.`);
    const day = date;
    return {
      version: '2.0',
      template: {
        outputs: [
          {
            listCard: {
              header: { title: `${r.from}→${r.to} ${ymd(date)}${this.rail.sandbox ? ' (샌드박스)' : ''}` },
              items: trains.map((t) => ({
                title: `${t.type} ${t.trainNo} ${hhmm(t.departure)}→${hhmm(t.arrival)}`,
                description: label(t),
                action: 'message',
                messageText: `${t.general === 'available' ? '예약' : '감시'} ${prov} ${r.from} ${r.to} ${day} ${t.trainNo}`,
              })),
            },
          },
        ],
        quickReplies: trains.slice(0, 10).map((t) => ({
          label: `${t.general === 'available' ? '예약' : '감시'} ${t.trainNo}`.slice(0, 14),
          action: 'message' as const,
          messageText: `${t.general === 'available' ? '예약' : '감시'} ${prov} ${r.from} ${r.to} ${day} ${t.trainNo}`,
        })),
      },
    };
  }

  private watches(list: WatchView[]): SkillResponse {
    if (!list.length) return text('감시 중인 열차가 없습니다.');
    const state = { waiting: '대기', trying: '시도 중', reserved: '예약됨', failed: '실패', stopped: '중지' };
    return text(
      list
        .slice(0, 8)
        .map(
          (w) =>
            `${state[w.status]} · ${w.from}→${w.to} ${ymd(w.date)} ${w.trainNo ? `${w.trainNo}번` : `${hhmm(w.timeFrom)}-${hhmm(w.timeTo)}`} · 시도 ${w.attempts}회` +
            (w.reservation
              ? ` · 예약번호 ${w.reservation.pnr}`
              : w.failReason && w.status === 'failed'
                ? ` · ${w.failReason}`
                : ''),
        )
        .join('\n'),
    );
  }

  /** Event API (bot-initiated message) for notifications; needs KAKAO_BOT_ID and KAKAO_REST_API_KEY. */
  async notify(userId: string, m: Message): Promise<boolean> {
    const k = this.ctx.config.rail.kakao;
    if (!k.botId || !k.restApiKey) return false;
    const key = await this.keyFor(userId);
    if (!key) return false;
    const res = await fetch(`${k.apiUrl.replace(/\/$/, '')}/v2/bots/${encodeURIComponent(k.botId)}/talk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `KakaoAK ${k.restApiKey}` },
      body: JSON.stringify({
        event: { name: k.eventName, data: { text: [m.title, ...m.lines].join('\n').slice(0, 1000) } },
        user: [{ type: 'botUserKey', id: key }],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Kakao Event API answered HTTP ${res.status}`);
    const body = (await res.json().catch(() => ({}))) as { status?: string; message?: string };
    if (body.status && body.status !== 'SUCCESS')
      throw new Error(`Kakao Event API: ${body.status} ${body.message ?? ''}`);
    return true;
  }
}

export function kakaoRoutes(app: App, ctx: Context, auth: Auth, skill: KakaoSkill) {
  app.post(
    '/api/kakao/skill',
    {
      schema: {
        tags: ['rail'],
        summary: 'Kakao i Open Builder skill (SkillPayload in, SkillResponse v2.0 out)',
        querystring: z.object({ key: z.string().max(200).optional() }).passthrough(),
        body: skillPayload,
      },
    },
    async (req, reply) => {
      const want = ctx.config.rail.kakao.skillKey;
      if (want && !safeEqual(req.query.key ?? '', want))
        return envelope(reply, 401, 'wrong or missing skill key');
      reply.code(200);
      return skill.handle(req.body);
    },
  );

  app.post(
    '/api/rail/kakao/code',
    {
      onRequest: auth.guard(),
      schema: { tags: ['rail'], summary: 'A one-time code to link KakaoTalk ("연결 123456")' },
    },
    async (req, reply) => ok(reply, await skill.linkCode(await auth.require(req))),
  );
}
