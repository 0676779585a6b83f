/**
 * Reading a Kakao skill request: typed words (Korean, or English where the user writes English),
 * entities of the block (`action.params` / `detailParams`), or quick replies whose `extra` comes back
 * as `action.clientExtra`, turned into a command, its passengers and seat class, and its trip.
 * Pure: nothing here asks the database or an operator.
 */
import { z } from 'zod';
import {
  PASSENGER_TYPES,
  type Passengers,
  type PassengerType,
  type ProviderName,
  type SeatPolicy,
  totalPassengers,
} from '../providers/index.ts';
import { addDays, kstDate, normalizeDate } from '../time.ts';

/**
 * A map Kakao may send as an object, as null, or as a JSON string: Kakao's own guides show
 * `"clientExtra": null`, `{}` and the string `"null"` in payloads of blocks without extras.
 * Anything else that is not an object reads as no map at all.
 */
const looseMap = <T extends z.ZodTypeAny>(inner: T) =>
  z.preprocess((v) => {
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        return null;
      }
    }
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null;
  }, z.record(z.string(), inner).nullable());

/** The parts of Kakao's SkillPayload we read; everything else is accepted and ignored. */
export const skillPayload = z
  .object({
    userRequest: z
      .object({
        utterance: z
          .string()
          .max(1000)
          .nullish()
          .transform((u) => u ?? ''),
        // No callback for the block: Kakao leaves it out; an empty or null one means the same.
        callbackUrl: z.preprocess(
          (v) => (v === '' || v === null ? undefined : v),
          z.string().url().optional(),
        ),
        block: z
          .object({ id: z.string().min(1).max(100) })
          .passthrough()
          .nullish(),
        user: z.object({ id: z.string().min(1).max(100) }).passthrough(),
      })
      .passthrough(),
    action: z
      .object({
        params: looseMap(z.unknown()).optional(),
        detailParams: looseMap(
          z.preprocess(
            (v) => (typeof v === 'object' && v !== null ? v : {}),
            z.object({ origin: z.unknown(), value: z.unknown() }).partial().passthrough(),
          ),
        ).optional(),
        clientExtra: looseMap(z.unknown()).optional(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export type Payload = z.infer<typeof skillPayload>;
export type Action = Payload['action'];

export type KakaoLang = 'ko' | 'en';
export const tr = (lang: KakaoLang, ko: string, en: string) => (lang === 'en' ? en : ko);

// ------------------------------------------------------------------ words → command

type Verb = 'link' | 'search' | 'watch' | 'reserve' | 'watches' | 'reservations' | 'stop' | 'help';
export type Command = { verb: Verb; lang: KakaoLang; args: string[] };

const hangul = (s: string) => /[\u3131-\u318e\uac00-\ud7a3]/.test(s);

/** Kakao's entities: `action.params`, else `detailParams[name].value`/`origin`. */
export function param(a: Action, ...names: string[]): string | undefined {
  for (const n of names) {
    const d = a?.detailParams?.[n];
    const raw = a?.params?.[n] ?? d?.value ?? d?.origin;
    const v = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    if (v) return unwrapEntity(v);
  }
  return undefined;
}

/**
 * System entities arrive as JSON strings (Kakao's skill guide: `sys_date` → `{"date":"2023-03-31",…}`).
 * The guide shows only sys_date; for sys_time and sys_number we take `time` and `amount` (or
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

export function commandOf(p: Payload): Command {
  const words = p.userRequest.utterance.trim().split(/\s+/).filter(Boolean);
  const compact = words.join('').toLowerCase();
  const a = p.action;
  const guess: KakaoLang =
    !hangul(p.userRequest.utterance) && /[a-z]/i.test(p.userRequest.utterance) ? 'en' : 'ko';
  const whole: Record<string, [Verb, KakaoLang]> = {
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
  const byWord: Record<string, [Verb, KakaoLang]> = {
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
  { type: 'toddler', re: '유아|toddlers?|infants?' },
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

const PASSENGER_LABEL: Record<KakaoLang, Record<PassengerType, string>> = {
  ko: {
    adult: '어른',
    child: '어린이',
    senior: '경로',
    disability1to3: '장애1-3',
    disability4to6: '장애4-6',
    toddler: '유아',
  },
  en: {
    adult: 'adult',
    child: 'child',
    senior: 'senior',
    disability1to3: 'disability1-3',
    disability4to6: 'disability4-6',
    toddler: 'toddler',
  },
};
export const SEAT_LABEL: Record<KakaoLang, Record<SeatPolicy, string>> = {
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

export type Options = { passengers?: Passengers; seatPolicy?: SeatPolicy; problem?: string };

/** Takes passenger counts and the seat policy out of free text; `rest` is what is left. */
function extractOptions(input: string, lang: KakaoLang): Options & { rest: string } {
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
function optionsFromParams(a: Action, lang: KakaoLang): Options {
  const names: Record<PassengerType, string[]> = {
    adult: ['adult', 'adults', '어른'],
    child: ['child', 'children', '어린이'],
    senior: ['senior', 'seniors', '경로'],
    disability1to3: ['disability1to3', 'disability1-3', '장애1-3'],
    disability4to6: ['disability4to6', 'disability4-6', '장애4-6'],
    toddler: ['toddler', 'toddlers', '유아'],
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

/** The operators' apps' passenger rules (1 to 9 a reservation, children not alone), said in the user's language. */
function passengerProblem(p: Passengers, lang: KakaoLang): string | undefined {
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

export const describePassengers = (p: Passengers, lang: KakaoLang) =>
  PASSENGER_TYPES.filter((t) => (p[t] ?? 0) > 0)
    .map((t) =>
      lang === 'en'
        ? `${p[t]} ${PASSENGER_LABEL.en[t]}${p[t] === 1 ? '' : t === 'child' ? 'ren' : 's'}`
        : `${PASSENGER_LABEL.ko[t]} ${p[t]}`,
    )
    .join(', ');

/** The words that give these options back when typed (for list items and quick replies). */
export const optionWords = (o: { passengers?: Passengers; seatPolicy?: SeatPolicy }, lang: KakaoLang) =>
  [
    ...(o.passengers
      ? PASSENGER_TYPES.filter((t) => (o.passengers?.[t] ?? 0) > 0).map(
          (t) => `${PASSENGER_LABEL[lang][t]} ${o.passengers?.[t]}`,
        )
      : []),
    ...(o.seatPolicy ? [SEAT_LABEL[lang][o.seatPolicy]] : []),
  ].join(' ');

// ------------------------------------------------------------------ trips

export function parseDate(word: string | undefined): string | undefined {
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

export type Trip = {
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
export function tripOf(words: string[], a: Action, lastNames: string[]): Trip {
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

/** Passengers and seat policy from the words and the entities, checked; the words left over. */
export function optionsOf(c: Command, a: Action): Options & { words: string[] } {
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
