/**
 * The Kakao i Open Builder skill server for rail (research integrations.md §4): `POST /api/kakao/skill`
 * takes a SkillPayload and answers a SkillResponse v2.0 within Kakao's 5 s. Work that takes longer
 * answers `useCallback` and posts the result to the one-time `callbackUrl` when done. KakaoTalk
 * users are linked to yeyak accounts with a one-time code from the web ("연결 K7QM-2XPA"). Later news
 * (a watch got its seat) goes out through the Event API as the `kakao` notification channel.
 *
 * Commands are typed words (Korean, or English where the user writes English), entities of the block
 * (`action.params` / `detailParams`), or quick replies whose `extra` comes back as `action.clientExtra`.
 */
import { randomInt } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Auth, User } from '../../platform/auth/service.ts';
import type { Context } from '../../platform/context.ts';
import { safeEqual, sha256 } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { type App, envelope, ok } from '../../platform/http/app.ts';
import { guardedFetch } from '../../platform/net/outbound.ts';
import { RULES, rateLimiter } from '../../platform/ratelimit.ts';
import { users } from '../../platform/schema.ts';
import { type Message, sendKakaoEvent } from './notify.ts';
import {
  PASSENGER_TYPES,
  type Passengers,
  type PassengerType,
  type ProviderName,
  type SeatPolicy,
  totalPassengers,
} from './providers/index.ts';
import { railKakaoCodes, railKakaoLinks } from './schema.ts';
import type { Rail, TrainView, WatchView } from './service.ts';
import { addDays, hhmm, kstDate, normalizeDate, normalizeTime, ymd } from './time.ts';

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
/** A callback URL is valid for 1 minute (research §4.4); past this we post a "still working" note instead. */
const CALLBACK_LIMIT_MS = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The parts of Kakao's SkillPayload we read; everything else is accepted and ignored. */
const skillPayload = z
  .object({
    userRequest: z
      .object({
        utterance: z.string().max(1000).default(''),
        callbackUrl: z.string().url().optional(),
        block: z
          .object({ id: z.string().min(1).max(100) })
          .passthrough()
          .optional(),
        user: z.object({ id: z.string().min(1).max(100) }).passthrough(),
      })
      .passthrough(),
    action: z
      .object({
        params: z.record(z.string(), z.unknown()).nullish(),
        detailParams: z
          .record(z.string(), z.object({ origin: z.unknown(), value: z.unknown() }).partial().passthrough())
          .nullish(),
        clientExtra: z.record(z.string(), z.unknown()).nullish(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

type Payload = z.infer<typeof skillPayload>;
type Action = Payload['action'];
type Output = Record<string, unknown>;
export type SkillResponse = {
  version: '2.0';
  template?: { outputs: Output[]; quickReplies?: QuickReply[] };
  useCallback?: boolean;
  data?: Record<string, unknown>;
};

type QuickReply = {
  label: string;
  action: 'message' | 'block';
  messageText: string;
  blockId?: string;
  extra?: Record<string, unknown>;
};

type Lang = 'ko' | 'en';
const tr = (lang: Lang, ko: string, en: string) => (lang === 'en' ? en : ko);

const text = (t: string, quickReplies?: QuickReply[]): SkillResponse => ({
  version: '2.0',
  template: {
    outputs: [{ simpleText: { text: t.slice(0, 1000) } }],
    ...(quickReplies?.length ? { quickReplies: quickReplies.slice(0, 10) } : {}),
  },
});

const HELP: Record<Lang, string> = {
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

// ------------------------------------------------------------------ words → command

type Verb = 'link' | 'search' | 'watch' | 'reserve' | 'watches' | 'reservations' | 'stop' | 'help';
type Command = { verb: Verb; lang: Lang; args: string[] };

const hangul = (s: string) => /[\u3131-\u318e\uac00-\ud7a3]/.test(s);

/** Kakao's entities: `action.params`, else `detailParams[name].value`/`origin`. */
function param(a: Action, ...names: string[]): string | undefined {
  for (const n of names) {
    const d = a?.detailParams?.[n];
    const raw = a?.params?.[n] ?? d?.value ?? d?.origin;
    const v = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (v) return unwrapEntity(v);
  }
  return undefined;
}

/**
 * System entities arrive as JSON strings (research §4.2: `sys_date` → `{"date":"2023-03-31",…}`).
 * The research shows only sys_date; for sys_time and sys_number we take `time` and `amount` (or
 * `value`) the same way, and a plain value as it is.
 */
function unwrapEntity(v: string): string {
  if (!v.startsWith('{')) return v;
  try {
    const o: unknown = JSON.parse(v);
    if (typeof o === 'object' && o !== null) {
      const r = o as Record<string, unknown>;
      for (const k of ['date', 'time', 'amount', 'value']) {
        const inner = r[k];
        if (typeof inner === 'string' || typeof inner === 'number') return String(inner);
      }
    }
  } catch {
    // plain text that starts with a brace
  }
  return v;
}

function commandOf(p: Payload): Command {
  const words = p.userRequest.utterance.trim().split(/\s+/).filter(Boolean);
  const compact = words.join('').toLowerCase();
  const a = p.action;
  const guess: Lang =
    !hangul(p.userRequest.utterance) && /[a-z]/i.test(p.userRequest.utterance) ? 'en' : 'ko';
  const whole: Record<string, [Verb, Lang]> = {
    내감시: ['watches', 'ko'],
    감시목록: ['watches', 'ko'],
    mywatches: ['watches', 'en'],
    watches: ['watches', 'en'],
    내예약: ['reservations', 'ko'],
    예약목록: ['reservations', 'ko'],
    myreservations: ['reservations', 'en'],
    mybookings: ['reservations', 'en'],
    reservations: ['reservations', 'en'],
    도움말: ['help', 'ko'],
    도움: ['help', 'ko'],
    명령어: ['help', 'ko'],
    help: ['help', 'en'],
    commands: ['help', 'en'],
  };
  const w = whole[compact];
  if (w) return { verb: w[0], lang: w[1], args: [] };
  const first = (words[0] ?? '').toLowerCase();
  const rest = words.slice(1);
  const byWord: Record<string, [Verb, Lang]> = {
    연결: ['link', 'ko'],
    link: ['link', 'en'],
    조회: ['search', 'ko'],
    검색: ['search', 'ko'],
    search: ['search', 'en'],
    find: ['search', 'en'],
    감시: ['watch', 'ko'],
    watch: ['watch', 'en'],
    예약: ['reserve', 'ko'],
    reserve: ['reserve', 'en'],
    book: ['reserve', 'en'],
    중지: ['stop', 'ko'],
    중단: ['stop', 'ko'],
    감시중지: ['stop', 'ko'],
    stop: ['stop', 'en'],
  };
  const hit = byWord[first];
  if (hit) {
    // "감시 중지 2" and "stop watch 2" read as a stop, not as a new watch.
    if (hit[0] === 'watch' && ['중지', '중단', 'stop'].includes((rest[0] ?? '').toLowerCase()))
      return { verb: 'stop', lang: hit[1], args: rest.slice(1) };
    if (hit[0] === 'stop' && (rest[0] ?? '').toLowerCase() === 'watch')
      return { verb: 'stop', lang: hit[1], args: rest.slice(1) };
    return { verb: hit[0], lang: hit[1], args: rest };
  }
  if (typeof a?.clientExtra?.watchId === 'string' || param(a, 'watch-id', 'watchId', 'watch-number'))
    return { verb: 'stop', lang: guess, args: [] };
  if (param(a, 'departure-station', 'from')) return { verb: 'search', lang: guess, args: words };
  return { verb: 'help', lang: guess, args: [] };
}

// ------------------------------------------------------------------ passengers and seats

const PASSENGER_WORDS: { type: PassengerType; re: string }[] = [
  {
    type: 'disability1to3',
    re: String.raw`(?:장애|disab(?:ility|led))\s*(?:1\s*[-~]\s*3|1to3)\s*급?|중증\s*장애인?`,
  },
  {
    type: 'disability4to6',
    re: String.raw`(?:장애|disab(?:ility|led))\s*(?:4\s*[-~]\s*6|4to6)\s*급?|경증\s*장애인?`,
  },
  { type: 'adult', re: '어른|성인|adults?' },
  { type: 'child', re: '어린이|아동|child(?:ren)?|kids?' },
  { type: 'senior', re: '경로|노인|seniors?' },
];
const PASSENGER_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:${PASSENGER_WORDS.map((w) => `(${w.re})`).join('|')})(?:\s*(\d{1,3})(?:\s*(?:명|people|persons?))?)?(?![\p{L}\p{N}])`,
  'giu',
);
/** "장애" or "disability" without the grade the operators need. */
const BARE_DISABILITY_RE = /(?<![\p{L}\p{N}])(?:장애인?|disab(?:ility|led))(?![\p{L}])/iu;

const SEAT_WORDS: { policy: SeatPolicy; re: string }[] = [
  { policy: 'special-first', re: String.raw`특실\s*우선|special[\s-]*first` },
  { policy: 'general-first', re: String.raw`일반실?\s*우선|general[\s-]*first` },
  { policy: 'special-only', re: String.raw`특실\s*만?|special(?:[\s-]*only)?` },
  { policy: 'general-only', re: String.raw`일반실?\s*만?|general(?:[\s-]*only)?` },
];
const seatRe = (re: string) => new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${re})(?![\p{L}\p{N}])`, 'giu');

const PASSENGER_LABEL: Record<Lang, Record<PassengerType, string>> = {
  ko: {
    adult: '어른',
    child: '어린이',
    senior: '경로',
    disability1to3: '장애1-3',
    disability4to6: '장애4-6',
  },
  en: {
    adult: 'adult',
    child: 'child',
    senior: 'senior',
    disability1to3: 'disability1-3',
    disability4to6: 'disability4-6',
  },
};
const SEAT_LABEL: Record<Lang, Record<SeatPolicy, string>> = {
  ko: {
    'general-only': '일반실',
    'special-only': '특실',
    'general-first': '일반실 우선',
    'special-first': '특실 우선',
  },
  en: {
    'general-only': 'general',
    'special-only': 'special',
    'general-first': 'general first',
    'special-first': 'special first',
  },
};

type Options = { passengers?: Passengers; seatPolicy?: SeatPolicy; problem?: string };

/** Takes passenger counts and the seat policy out of free text; `rest` is what is left. */
function extractOptions(input: string, lang: Lang): Options & { rest: string } {
  const passengers: Passengers = {};
  let problem: string | undefined;
  let rest = input.replace(PASSENGER_RE, (...m: unknown[]) => {
    const i = PASSENGER_WORDS.findIndex((_, k) => typeof m[k + 1] === 'string');
    const type = PASSENGER_WORDS[i].type;
    const count = m[PASSENGER_WORDS.length + 1];
    const name = PASSENGER_LABEL[lang][type];
    if (typeof count !== 'string')
      problem ??= tr(
        lang,
        `${name} 뒤에 인원수를 써 주세요 (예: ${name} 2).`,
        `Put a count after ${name}, e.g. ${name} 2.`,
      );
    else if (passengers[type] !== undefined)
      problem ??= tr(lang, `${name} 인원수를 두 번 썼습니다.`, `${name} is given twice.`);
    else passengers[type] = Number(count);
    return ' ';
  });
  if (BARE_DISABILITY_RE.test(rest))
    problem ??= tr(
      lang,
      '장애 승객은 등급을 함께 써 주세요: 장애1-3 1 또는 장애4-6 1.',
      'Give the grade for disabled passengers: disability1-3 1 or disability4-6 1.',
    );
  let seatPolicy: SeatPolicy | undefined;
  for (const s of SEAT_WORDS) {
    rest = rest.replace(seatRe(s.re), () => {
      if (seatPolicy && seatPolicy !== s.policy)
        problem ??= tr(lang, '좌석 등급은 하나만 골라 주세요.', 'Choose one seat class.');
      seatPolicy ??= s.policy;
      return ' ';
    });
  }
  return {
    passengers: Object.keys(passengers).length ? passengers : undefined,
    seatPolicy,
    problem,
    rest: rest.trim(),
  };
}

/** Passengers and seat policy from the block's entities (`adult`, `어른`, …, `seat`, or a free `passengers`). */
function optionsFromParams(a: Action, lang: Lang): Options {
  const names: Record<PassengerType, string[]> = {
    adult: ['adult', 'adults', '어른'],
    child: ['child', 'children', '어린이'],
    senior: ['senior', 'seniors', '경로'],
    disability1to3: ['disability1to3', 'disability1-3', '장애1-3'],
    disability4to6: ['disability4to6', 'disability4-6', '장애4-6'],
  };
  const passengers: Passengers = {};
  let problem: string | undefined;
  for (const t of PASSENGER_TYPES) {
    const v = param(a, ...names[t]);
    if (v === undefined) continue;
    const n = v.replace(/\s*명$/, '');
    if (!/^\d{1,3}$/.test(n))
      problem ??= tr(
        lang,
        `${PASSENGER_LABEL.ko[t]} 인원수가 숫자가 아닙니다: ${v}`,
        `The ${PASSENGER_LABEL.en[t]} count is not a number: ${v}`,
      );
    else passengers[t] = Number(n);
  }
  const free = param(a, 'passengers', '승객');
  const fromFree = free ? extractOptions(free, lang) : undefined;
  const seatWord = param(a, 'seat', 'seatPolicy', 'seat-class', '좌석');
  let seatPolicy: SeatPolicy | undefined;
  if (seatWord) {
    const exact = SEAT_WORDS.find((s) => s.policy === seatWord);
    seatPolicy = exact?.policy ?? extractOptions(seatWord, lang).seatPolicy;
    if (!seatPolicy)
      problem ??= tr(
        lang,
        `좌석 등급을 알 수 없습니다: ${seatWord} (일반실, 특실, 일반실 우선, 특실 우선)`,
        `Unknown seat class: ${seatWord} (general, special, general first, special first)`,
      );
  }
  const merged = { ...fromFree?.passengers, ...passengers };
  return {
    passengers: Object.keys(merged).length ? merged : undefined,
    seatPolicy: seatPolicy ?? fromFree?.seatPolicy,
    problem: problem ?? fromFree?.problem,
  };
}

/** The same rules as the operators (research rail.md §1.4/§2.5), said in the user's language. */
function passengerProblem(p: Passengers, lang: Lang): string | undefined {
  const total = totalPassengers(p);
  if (total < 1)
    return tr(lang, '승객이 한 명 이상 있어야 합니다 (예: 어른 1).', 'At least one passenger, e.g. adult 1.');
  if (total > 9)
    return tr(
      lang,
      `한 번에 9명까지 예약할 수 있습니다 (지금 ${total}명).`,
      `At most 9 passengers per reservation (you asked for ${total}).`,
    );
  if (total === (p.child ?? 0))
    return tr(
      lang,
      '어린이만으로는 예약할 수 없습니다. 어른, 경로 또는 장애 승객이 함께 있어야 합니다.',
      'Children cannot travel alone: add an adult, senior or disabled passenger.',
    );
  return undefined;
}

const describePassengers = (p: Passengers, lang: Lang) =>
  PASSENGER_TYPES.filter((t) => (p[t] ?? 0) > 0)
    .map((t) =>
      lang === 'en'
        ? `${p[t]} ${PASSENGER_LABEL.en[t]}${p[t] === 1 ? '' : t === 'child' ? 'ren' : 's'}`
        : `${PASSENGER_LABEL.ko[t]} ${p[t]}`,
    )
    .join(', ');

/** The words that give these options back when typed (for list items and quick replies). */
const optionWords = (o: { passengers?: Passengers; seatPolicy?: SeatPolicy }, lang: Lang) =>
  [
    ...(o.passengers
      ? PASSENGER_TYPES.filter((t) => (o.passengers?.[t] ?? 0) > 0).map(
          (t) => `${PASSENGER_LABEL[lang][t]} ${o.passengers?.[t]}`,
        )
      : []),
    ...(o.seatPolicy ? [SEAT_LABEL[lang][o.seatPolicy]] : []),
  ].join(' ');

// ------------------------------------------------------------------ trips

function parseDate(word: string | undefined): string | undefined {
  if (!word) return undefined;
  const today = kstDate();
  const w = word.toLowerCase();
  if (w === '오늘' || w === 'today') return today;
  if (w === '내일' || w === 'tomorrow') return addDays(today, 1);
  if (w === '모레') return addDays(today, 2);
  return normalizeDate(word);
}

function provider(word: string | undefined): ProviderName | undefined {
  const w = word?.toLowerCase();
  return w === 'srt' ? 'srt' : w === 'ktx' || w === 'korail' || w === '코레일' ? 'korail' : undefined;
}

type Trip = {
  provider: ProviderName;
  from?: string;
  to?: string;
  dateWord?: string;
  /** The departure time (search) or the train number (watch, reserve). */
  last?: string;
  leftover: string[];
};

/**
 * `[srt|ktx] from to date time|train`, from the block's entities when it has them (then the typed
 * words are only the utterance the entities came from), else from the words in that order.
 */
function tripOf(words: string[], a: Action, lastNames: string[]): Trip {
  const rest = [...words];
  const typed = provider(rest[0]);
  if (typed) rest.shift();
  const prov = typed ?? provider(param(a, 'provider', 'operator')) ?? 'srt';
  if (param(a, 'departure-station', 'from'))
    return {
      provider: prov,
      from: param(a, 'departure-station', 'from'),
      to: param(a, 'destination', 'arrival-station', 'to'),
      dateWord: param(a, 'departure-date', 'date'),
      last: param(a, ...lastNames),
      leftover: [],
    };
  return {
    provider: prov,
    from: rest.shift(),
    to: rest.shift(),
    dateWord: rest.shift(),
    last: rest.shift(),
    leftover: rest,
  };
}

const stateLabel: Record<Lang, Record<WatchView['status'], string>> = {
  ko: { waiting: '대기', trying: '시도 중', reserved: '예약됨', failed: '실패', stopped: '중지' },
  en: { waiting: 'waiting', trying: 'trying', reserved: 'reserved', failed: 'failed', stopped: 'stopped' },
};

const watchLabel = (w: WatchView, lang: Lang) =>
  `${w.from}→${w.to} ${ymd(w.date)} ` +
  (w.trainNo ? tr(lang, `${w.trainNo}번`, `train ${w.trainNo}`) : `${hhmm(w.timeFrom)}-${hhmm(w.timeTo)}`) +
  ` · ${describePassengers(w.passengers, lang)} · ${SEAT_LABEL[lang][w.seatPolicy]}`;

/** "305번 열차: 1석 남음, 2석 필요": a train with seats, but too few for the whole party. */
const shortageText = (x: WatchView['shortage'][number], lang: Lang) =>
  x.seatsLeft === null
    ? tr(
        lang,
        `${x.trainNo}번 열차: 남은 좌석이 ${x.asked}석보다 적음`,
        `train ${x.trainNo}: fewer seats left than the ${x.asked} asked`,
      )
    : tr(
        lang,
        `${x.trainNo}번 열차: ${x.seatsLeft}석 남음, ${x.asked}석 필요`,
        `train ${x.trainNo}: ${x.seatsLeft} seat${x.seatsLeft === 1 ? '' : 's'} left, ${x.asked} asked`,
      );
const isActive = (w: WatchView) => w.status === 'waiting' || w.status === 'trying';
/** Oldest first, ties by id, so the list and a later "중지 N" number the same watches alike. */
const running = (all: WatchView[]) =>
  all.filter(isActive).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

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
    const started = Date.now();
    const command = commandOf(payload);
    const lang = command.lang;
    const work = this.answer(payload, command).catch((err: unknown) => text(this.explain(err, lang)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), this.rail.kakaoBudgetMs);
    });
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    const callbackUrl = payload.userRequest.callbackUrl;
    if (!callbackUrl) {
      // The block has no callback: the work still finishes; the user checks the lists later.
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

  /** Posts the final answer to the one-time callback URL before it expires. */
  private async deliver(url: string, work: Promise<SkillResponse>, started: number, lang: Lang) {
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

  private explain(err: unknown, lang: Lang): string {
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
    const blockId = p.userRequest.block?.id;
    switch (c.verb) {
      case 'search':
        return this.search(c, p.action);
      case 'watch':
      case 'reserve':
        return this.start(user, c, p.action, blockId);
      case 'watches':
        return this.watches(user, lang, blockId);
      case 'stop':
        return this.stop(user, c, p.action, blockId);
      case 'reservations':
        return this.reservations(user, lang);
    }
  }

  private async link(key: string, typed: string, lang: Lang): Promise<SkillResponse> {
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

  /** Passengers and seat policy from the words and the entities, checked; the words left over. */
  private options(c: Command, a: Action): Options & { words: string[] } {
    const typed = extractOptions(c.args.join(' '), c.lang);
    const given = optionsFromParams(a, c.lang);
    const passengers =
      typed.passengers || given.passengers ? { ...given.passengers, ...typed.passengers } : undefined;
    const problem =
      typed.problem ?? given.problem ?? (passengers ? passengerProblem(passengers, c.lang) : undefined);
    return {
      passengers,
      seatPolicy: typed.seatPolicy ?? given.seatPolicy,
      problem,
      words: typed.rest.split(/\s+/).filter(Boolean),
    };
  }

  private leftoverAnswer(lang: Lang, leftover: string[], example: string): SkillResponse {
    return text(
      tr(
        lang,
        `알 수 없는 말이 있습니다: ${leftover.join(' ')}\n이렇게 보내 주세요: ${example}`,
        `I don't understand: ${leftover.join(' ')}\nSend it like: ${example}`,
      ),
    );
  }

  private async search(c: Command, a: Action): Promise<SkillResponse> {
    const { lang } = c;
    const example = tr(
      lang,
      '조회 수서 부산 2026-12-24 18:00 어른 2',
      'search 수서 부산 2026-12-24 18:00 adult 2',
    );
    const o = this.options(c, a);
    if (o.problem) return text(o.problem);
    const t = tripOf(o.words, a, ['departure-time', 'time']);
    if (!t.from || !t.to) return text(tr(lang, `이렇게 보내 주세요: ${example}`, `Send it like: ${example}`));
    if (t.leftover.length) return this.leftoverAnswer(lang, t.leftover, example);
    const date = t.dateWord ? parseDate(t.dateWord) : kstDate();
    if (!date) return text(this.badDate(lang, t.dateWord));
    const time = t.last ? normalizeTime(t.last.replace(/시$/, '')) : '000000';
    if (!time)
      return text(
        tr(lang, `시각을 알 수 없습니다: ${t.last} (예: 18:00)`, `Unknown time: ${t.last} (e.g. 18:00)`),
      );
    const r = await this.rail.search({
      provider: t.provider,
      from: t.from,
      to: t.to,
      date,
      time,
      passengers: o.passengers,
    });
    const trains = r.trains.filter((x) => !x.departed).slice(0, 5);
    if (!trains.length)
      return text(
        tr(
          lang,
          `${r.from}→${r.to} ${ymd(date)} ${hhmm(time)} 이후 열차가 없습니다.`,
          `No trains from ${r.from} to ${r.to} on ${ymd(date)} after ${hhmm(time)}.`,
        ),
      );
    const policy = o.seatPolicy ?? 'general-first';
    const open = (x: TrainView) =>
      policy === 'general-only'
        ? x.general === 'available'
        : policy === 'special-only'
          ? x.special === 'available'
          : x.general === 'available' || x.special === 'available';
    const mark = (v: string) =>
      v === 'available' ? tr(lang, '가능', 'seats') : v === 'sold-out' ? tr(lang, '매진', 'sold out') : '-';
    const verb = (x: TrainView) => (open(x) ? tr(lang, '예약', 'reserve') : tr(lang, '감시', 'watch'));
    const extra = optionWords(o, lang);
    const say = (x: TrainView) =>
      `${verb(x)} ${t.provider} ${r.from} ${r.to} ${date} ${x.trainNo}${extra ? ` ${extra}` : ''}`;
    const who = o.passengers ? ` · ${describePassengers(o.passengers, lang)}` : '';
    return {
      version: '2.0',
      template: {
        outputs: [
          {
            listCard: {
              header: {
                title: `${r.from}→${r.to} ${ymd(date)}${who}${this.rail.sandbox ? tr(lang, ' (샌드박스)', ' (sandbox)') : ''}`,
              },
              items: trains.map((x) => ({
                title: `${x.type} ${x.trainNo} ${hhmm(x.departure)}→${hhmm(x.arrival)}`,
                description:
                  tr(
                    lang,
                    `일반 ${mark(x.general)} · 특실 ${mark(x.special)}`,
                    `general ${mark(x.general)} · special ${mark(x.special)}`,
                  ) + (x.standby ? tr(lang, ' · 대기가능', ' · standby') : ''),
                action: 'message',
                messageText: say(x),
              })),
            },
          },
        ],
        quickReplies: trains.map((x) => ({
          label: `${verb(x)} ${x.trainNo}`.slice(0, 14),
          action: 'message' as const,
          messageText: say(x),
        })),
      },
    };
  }

  private badDate(lang: Lang, word: string | undefined): string {
    return tr(
      lang,
      `날짜를 알 수 없습니다: ${word ?? ''} (예: 20261224, 2026-12-24, 내일)`,
      `Unknown date: ${word ?? ''} (e.g. 20261224, 2026-12-24, tomorrow)`,
    );
  }

  /** `감시` (a watch on one train) and `예약` (reserve it now). */
  private async start(
    user: User,
    c: Command,
    a: Action,
    blockId: string | undefined,
  ): Promise<SkillResponse> {
    const { lang } = c;
    const word = c.verb === 'watch' ? tr(lang, '감시', 'watch') : tr(lang, '예약', 'reserve');
    const example = `${word} srt 수서 부산 20261224 351 ${tr(lang, '어른 2 특실', 'adult 2 special')}`;
    const o = this.options(c, a);
    if (o.problem) return text(o.problem);
    const t = tripOf(o.words, a, ['train-no', 'trainNo', 'train']);
    if (!t.from || !t.to || !t.dateWord || !t.last)
      return text(tr(lang, `이렇게 보내 주세요: ${example}`, `Send it like: ${example}`));
    if (t.leftover.length) return this.leftoverAnswer(lang, t.leftover, example);
    const date = parseDate(t.dateWord);
    if (!date) return text(this.badDate(lang, t.dateWord));
    if (!/^\d{1,5}$/.test(t.last))
      return text(tr(lang, `열차 번호를 알 수 없습니다: ${t.last}`, `Unknown train number: ${t.last}`));
    const passengers = o.passengers ?? { adult: 1 };
    const trip = { provider: t.provider, from: t.from, to: t.to, date, trainNo: t.last, passengers };
    if (c.verb === 'reserve') {
      const r = await this.rail.reserve(user, { ...trip, seatPolicy: o.seatPolicy });
      const deadline = r.paymentDeadline
        ? new Date(r.paymentDeadline).toLocaleString(tr(lang, 'ko-KR', 'en-GB'), { timeZone: 'Asia/Seoul' })
        : '-';
      const seats = r.seats.map((s) => `${s.car}-${s.seat}`).join(', ');
      return text(
        tr(
          lang,
          `예약했습니다 (${r.trainType} ${r.trainNo}, ${ymd(r.date)} ${hhmm(r.departure)}).\n예약번호 ${r.pnr}\n좌석 ${seats}\n결제 기한 ${deadline}\n운영사 앱에서 결제해 주세요.`,
          `Reserved (${r.trainType} ${r.trainNo}, ${ymd(r.date)} ${hhmm(r.departure)}).\nReservation ${r.pnr}\nSeats ${seats}\nPay by ${deadline} (KST) in the operator's app.`,
        ),
      );
    }
    // No `notify`: the watch uses every channel the user set up, KakaoTalk included now that it is linked.
    const w = await this.rail.createWatch(user, { ...trip, seatPolicy: o.seatPolicy });
    return text(
      tr(
        lang,
        `빈자리 감시를 시작했습니다: ${watchLabel(w, lang)}\n자리가 나면 바로 예약하고 알려 드릴게요.`,
        `Watching for a seat: ${watchLabel(w, lang)}\nWhen one frees up I reserve it at once and tell you.`,
      ),
      [
        this.reply(tr(lang, '내 감시', 'my watches'), tr(lang, '내 감시', 'my watches'), blockId),
        this.reply(tr(lang, '이 감시 중지', 'stop this'), tr(lang, '중지', 'stop'), blockId, {
          watchId: w.id,
        }),
      ],
    );
  }

  /**
   * A quick reply back into this skill's block, so its `extra` arrives as `action.clientExtra`
   * (research §4.3); without a block id (an odd payload) a plain message reply.
   */
  private reply(
    label: string,
    messageText: string,
    blockId?: string,
    extra?: Record<string, unknown>,
  ): QuickReply {
    return {
      label: label.slice(0, 14),
      action: blockId ? 'block' : 'message',
      messageText,
      ...(blockId ? { blockId } : {}),
      ...(extra ? { extra } : {}),
    };
  }

  /** Running watches oldest first: the numbers "중지 N" refers to, which a new watch does not shift. */
  private async active(user: User): Promise<WatchView[]> {
    return running(await this.rail.watches(user));
  }

  private async watches(user: User, lang: Lang, blockId: string | undefined): Promise<SkillResponse> {
    const all = await this.rail.watches(user);
    const active = running(all);
    const past = all.filter((w) => !isActive(w)).slice(0, 3);
    if (!all.length) return text(tr(lang, '감시 중인 열차가 없습니다.', 'You have no watches.'));
    const line = (w: WatchView) =>
      `${stateLabel[lang][w.status]} · ${watchLabel(w, lang)}` +
      (w.status === 'trying' || w.attempts
        ? tr(lang, ` · 시도 ${w.attempts}회`, ` · ${w.attempts} tries`)
        : '') +
      (w.reservation
        ? w.reservation.standby
          ? tr(
              lang,
              ` · 예약대기 신청 ${w.reservation.pnr} (아직 좌석 아님)`,
              ` · standby request ${w.reservation.pnr} (not a seat yet)`,
            )
          : tr(lang, ` · 예약번호 ${w.reservation.pnr}`, ` · reservation ${w.reservation.pnr}`)
        : w.failReason && w.status === 'failed'
          ? ` · ${w.failReason}`
          : '') +
      (isActive(w) ? w.shortage.map((x) => ` · ${shortageText(x, lang)}`).join('') : '');
    const parts = [
      ...(active.length
        ? [
            tr(lang, '진행 중인 감시 (중지: "중지 번호")', 'Running watches (to stop one: "stop <number>")'),
            ...active.slice(0, 9).map((w, i) => `${i + 1}. ${line(w)}`),
          ]
        : [tr(lang, '진행 중인 감시가 없습니다.', 'No running watches.')]),
      ...(past.length
        ? ['', tr(lang, '지난 감시', 'Earlier watches'), ...past.map((w) => `• ${line(w)}`)]
        : []),
    ];
    return text(
      parts.join('\n'),
      active.slice(0, 9).map((w, i) => {
        const say = `${tr(lang, '중지', 'stop')} ${i + 1}`;
        return this.reply(say, say, blockId, { watchId: w.id });
      }),
    );
  }

  /** Stops one of the user's watches: by the id a quick reply carries, or by its number in "내 감시". */
  private async stop(user: User, c: Command, a: Action, blockId: string | undefined): Promise<SkillResponse> {
    const { lang } = c;
    const extraId = a?.clientExtra?.watchId;
    const id = typeof extraId === 'string' ? extraId : param(a, 'watch-id', 'watchId');
    let target: WatchView | undefined;
    if (id) {
      // Only the user's own watches are found: someone else's id answers like one that never existed.
      target = UUID.test(id) ? (await this.rail.watches(user)).find((w) => w.id === id) : undefined;
      if (!target)
        return text(
          tr(
            lang,
            '그 감시를 찾지 못했습니다. "내 감시"로 확인해 주세요.',
            'No such watch. See "my watches".',
          ),
        );
    } else {
      const n = c.args[0] ?? param(a, 'watch-number', 'number');
      if (!n) return this.watches(user, lang, blockId);
      if (!/^\d{1,3}$/.test(n) || c.args.length > 1)
        return text(
          tr(
            lang,
            '중지할 감시의 번호를 "중지 2"처럼 보내 주세요.',
            'Send the number of the watch, like "stop 2".',
          ),
        );
      target = (await this.active(user))[Number(n) - 1];
      if (!target)
        return text(
          tr(
            lang,
            `${n}번 감시가 없습니다. "내 감시"로 번호를 확인해 주세요.`,
            `There is no watch ${n}. See "my watches" for the numbers.`,
          ),
        );
    }
    if (!isActive(target))
      return text(
        tr(
          lang,
          `이 감시는 이미 ${stateLabel.ko[target.status]} 상태입니다: ${watchLabel(target, lang)}`,
          `That watch is already ${stateLabel.en[target.status]}: ${watchLabel(target, lang)}`,
        ),
      );
    const w = await this.rail.stopWatch(user, target.id);
    if (w.status !== 'stopped')
      return text(
        tr(
          lang,
          `중지하기 전에 상태가 바뀌었습니다 (${stateLabel.ko[w.status]}): ${watchLabel(w, lang)}`,
          `It changed before I could stop it (${stateLabel.en[w.status]}): ${watchLabel(w, lang)}`,
        ),
      );
    return text(
      tr(lang, `감시를 중지했습니다: ${watchLabel(w, lang)}`, `Stopped watching: ${watchLabel(w, lang)}`),
      [this.reply(tr(lang, '내 감시', 'my watches'), tr(lang, '내 감시', 'my watches'), blockId)],
    );
  }

  private async reservations(user: User, lang: Lang): Promise<SkillResponse> {
    const list = (await this.rail.reservations(user)).filter((r) => r.status === 'held').slice(0, 5);
    if (!list.length)
      return text(
        tr(lang, '결제를 기다리는 열차 예약이 없습니다.', 'No rail reservations are waiting for payment.'),
      );
    return text(
      list
        .map(
          (r) =>
            `${r.trainType} ${r.trainNo} ${r.from}→${r.to} ${ymd(r.date)} ${hhmm(r.departure)} · ${r.pnr}` +
            (r.paymentDeadline
              ? tr(lang, ' · 결제 기한 ', ' · pay by ') +
                new Date(r.paymentDeadline).toLocaleTimeString(tr(lang, 'ko-KR', 'en-GB'), {
                  timeZone: 'Asia/Seoul',
                  hour: '2-digit',
                  minute: '2-digit',
                })
              : ''),
        )
        .join('\n'),
    );
  }

  /** Event API (bot-initiated message) to the user's linked botUserKey; needs KAKAO_BOT_ID and KAKAO_REST_API_KEY. */
  async notify(userId: string, m: Message): Promise<boolean> {
    const k = this.ctx.config.rail.kakao;
    if (!k.botId || !k.restApiKey) return false;
    const key = await this.keyFor(userId);
    if (!key) return false;
    await sendKakaoEvent(k, [{ type: 'botUserKey', id: key }], m);
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
      // Without a key anyone could speak for any KakaoTalk user: only the demo and sandbox stay open.
      if (!want && !ctx.config.demo && !ctx.config.rail.sandbox)
        return envelope(
          reply,
          403,
          'the Kakao skill is off: set KAKAO_SKILL_KEY and add ?key=… to the skill URL',
        );
      reply.code(200);
      return skill.handle(req.body);
    },
  );

  app.post(
    '/api/rail/kakao/code',
    {
      onRequest: auth.guard(),
      schema: { tags: ['rail'], summary: 'A one-time code to link KakaoTalk ("연결 K7QM-2XPA")' },
    },
    async (req, reply) => ok(reply, await skill.linkCode(await auth.require(req))),
  );
}
