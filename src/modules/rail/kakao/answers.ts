/**
 * What the skill answers to each rail command once the user is linked: trains found, a watch started
 * or a train reserved, the running watches (numbered for "중지 N") and stopping one, the reservations
 * waiting for payment. Also the SkillResponse v2.0 shapes every answer is made of.
 */
import type { User } from '../../../platform/auth/service.ts';
import type { Rail, TrainView, WatchView } from '../service.ts';
import { hhmm, kstClock, kstDate, normalizeTime, ymd } from '../time.ts';
import { checkedEveryText, shortageText } from '../watch-words.ts';
import { ageText, dateProblem, keptTrains, stations, trainProblem } from './local.ts';
import {
  type Action,
  type Command,
  describePassengers,
  type KakaoLang,
  optionsOf,
  optionWords,
  param,
  parseDate,
  SEAT_LABEL,
  tr,
  tripOf,
} from './parse.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Output = Record<string, unknown>;
export type SkillResponse = {
  version: '2.0';
  template?: { outputs: Output[]; quickReplies?: QuickReply[] };
  useCallback?: boolean;
  data?: Record<string, unknown>;
};

export type QuickReply = {
  label: string;
  action: 'message' | 'block';
  messageText: string;
  blockId?: string;
  extra?: Record<string, unknown>;
};

export const text = (t: string, quickReplies?: QuickReply[]): SkillResponse => ({
  version: '2.0',
  template: {
    outputs: [{ simpleText: { text: t.slice(0, 1000) } }],
    ...(quickReplies?.length ? { quickReplies: quickReplies.slice(0, 10) } : {}),
  },
});

/**
 * A SkillResponse as plain text, for channels that show only text (the Event API's block, Telegram):
 * list items with the words that act on them, then the quick replies' words.
 */
export function plainText(r: SkillResponse): string {
  const lines: string[] = [];
  for (const o of r.template?.outputs ?? []) {
    const simple = o.simpleText as { text?: string } | undefined;
    if (simple?.text) lines.push(simple.text);
    const list = o.listCard as
      | {
          header?: { title?: string };
          items?: { title?: string; description?: string; messageText?: string }[];
        }
      | undefined;
    if (list) {
      if (list.header?.title) lines.push(list.header.title);
      for (const i of list.items ?? [])
        lines.push(
          `• ${i.title ?? ''}${i.description ? ` · ${i.description}` : ''}${i.messageText ? `\n  → ${i.messageText}` : ''}`,
        );
    }
  }
  if (!lines.length && typeof r.data?.text === 'string') lines.push(r.data.text);
  return lines.join('\n');
}

const stateLabel: Record<KakaoLang, Record<WatchView['status'], string>> = {
  ko: { waiting: '대기', trying: '시도 중', reserved: '예약됨', failed: '실패', stopped: '중지' },
  en: { waiting: 'waiting', trying: 'trying', reserved: 'reserved', failed: 'failed', stopped: 'stopped' },
};

const watchLabel = (w: WatchView, lang: KakaoLang) =>
  `${w.from}→${w.to} ${ymd(w.date)} ` +
  (w.trainNo
    ? tr(lang, `${w.trainNos.join('·')}번`, `train ${w.trainNos.join('·')}`)
    : `${hhmm(w.timeFrom)}-${hhmm(w.timeTo)}`) +
  ` · ${describePassengers(w.passengers, lang)} · ${SEAT_LABEL[lang][w.seatPolicy]}` +
  // A watch waiting for the operator's opening (or its start time) says when it begins.
  (w.startAt
    ? tr(lang, ` · ${kstClock(new Date(w.startAt))} 시작`, ` · starts ${kstClock(new Date(w.startAt))} KST`)
    : '');

const isActive = (w: WatchView) => w.status === 'waiting' || w.status === 'trying';
/** Oldest first, ties by id, so the list and a later "중지 N" number the same watches alike. */
const running = (all: WatchView[]) =>
  all.filter(isActive).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

/** One request of a linked user: who asks, what they said, and the skill block to reply into. */
export type Turn = { rail: Rail; user: User; c: Command; a: Action; blockId: string | undefined };

function leftoverAnswer(lang: KakaoLang, leftover: string[], example: string): SkillResponse {
  return text(
    tr(
      lang,
      `알 수 없는 말이 있습니다: ${leftover.join(' ')}\n이렇게 보내 주세요: ${example}`,
      `I don't understand: ${leftover.join(' ')}\nSend it like: ${example}`,
    ),
  );
}

/** `조회`: up to five trains still to leave, each with the words that watch or reserve it. */
export async function answerSearch({ rail, c, a }: Turn): Promise<SkillResponse> {
  const { lang } = c;
  const example = tr(
    lang,
    '조회 수서 부산 2026-12-24 18:00 어른 2',
    'search 수서 부산 2026-12-24 18:00 adult 2',
  );
  const o = optionsOf(c, a);
  if (o.problem) return text(o.problem);
  const t = tripOf(o.words, a, ['departure-time', 'time']);
  if (!t.from || !t.to) return text(tr(lang, `이렇게 보내 주세요: ${example}`, `Send it like: ${example}`));
  if (t.leftover.length) return leftoverAnswer(lang, t.leftover, example);
  const date = t.dateWord ? parseDate(t.dateWord) : kstDate();
  if (!date) return text(badDate(lang, t.dateWord));
  const time = t.last ? normalizeTime(t.last.replace(/시$/, '')) : '000000';
  if (!time)
    return text(
      tr(lang, `시각을 알 수 없습니다: ${t.last} (예: 18:00)`, `Unknown time: ${t.last} (e.g. 18:00)`),
    );
  const bad = dateProblem(t.provider, date, lang);
  if (bad) return text(bad);
  const st = await stations(rail, t.provider, t.from, t.to, lang);
  if (typeof st === 'string') return text(st);
  // A young kept search answers at once; otherwise the operator is asked (the skill sends it later
  // through the Event API when that takes longer than Kakao waits).
  const q = { provider: t.provider, from: st.from.name, to: st.to.name, date, time };
  const kept = await keptTrains(rail, q, o.passengers);
  const r = kept
    ? { from: q.from, to: q.to, trains: kept.trains }
    : await rail.search({ ...q, passengers: o.passengers });
  const trains = r.trains.filter((x) => !x.departed).slice(0, 5);
  const age = kept ? ` · ${ageText(kept.ageMs, lang)}` : '';
  if (!trains.length)
    return text(
      tr(
        lang,
        `${r.from}→${r.to} ${ymd(date)} ${hhmm(time)} 이후 열차가 없습니다${age ? ` (${age.slice(3)})` : ''}.`,
        `No trains from ${r.from} to ${r.to} on ${ymd(date)} after ${hhmm(time)}${age ? ` (${age.slice(3)})` : ''}.`,
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
              title: `${r.from}→${r.to} ${ymd(date)}${who}${age}${rail.sandbox ? tr(lang, ' (샌드박스)', ' (sandbox)') : ''}`,
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

function badDate(lang: KakaoLang, word: string | undefined): string {
  return tr(
    lang,
    `날짜를 알 수 없습니다: ${word ?? ''} (예: 20261224, 2026-12-24, 내일)`,
    `Unknown date: ${word ?? ''} (e.g. 20261224, 2026-12-24, tomorrow)`,
  );
}

/** `감시` (a watch on one train) and `예약` (reserve it now). */
export async function answerStart({ rail, user, c, a, blockId }: Turn): Promise<SkillResponse> {
  const { lang } = c;
  const word = c.verb === 'watch' ? tr(lang, '감시', 'watch') : tr(lang, '예약', 'reserve');
  const example = `${word} srt 수서 부산 20261224 351 ${tr(lang, '어른 2 특실', 'adult 2 special')}`;
  const o = optionsOf(c, a);
  if (o.problem) return text(o.problem);
  const t = tripOf(o.words, a, ['train-no', 'trainNo', 'train']);
  if (!t.from || !t.to || !t.dateWord || !t.last)
    return text(tr(lang, `이렇게 보내 주세요: ${example}`, `Send it like: ${example}`));
  if (t.leftover.length) return leftoverAnswer(lang, t.leftover, example);
  const date = parseDate(t.dateWord);
  if (!date) return text(badDate(lang, t.dateWord));
  if (!/^\d{1,5}$/.test(t.last))
    return text(tr(lang, `열차 번호를 알 수 없습니다: ${t.last}`, `Unknown train number: ${t.last}`));
  // Everything that can be refused without the operator is, at once.
  const bad = dateProblem(t.provider, date, lang);
  if (bad) return text(bad);
  const st = await stations(rail, t.provider, t.from, t.to, lang);
  if (typeof st === 'string') return text(st);
  const passengers = o.passengers ?? { adult: 1 };
  const trip = {
    provider: t.provider,
    from: st.from.name,
    to: st.to.name,
    date,
    trainNo: t.last,
    passengers,
  };
  const stopBefore = c.verb === 'watch' ? rail.config.stopBeforeMinutes : 0;
  const noTrain = await trainProblem(rail, trip, stopBefore, lang);
  if (noTrain) return text(noTrain);
  if (c.verb === 'reserve') {
    const r = await rail.reserve(user, { ...trip, seatPolicy: o.seatPolicy });
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
  const w = await rail.createWatch(user, { ...trip, seatPolicy: o.seatPolicy });
  return text(
    tr(
      lang,
      `빈자리 감시를 시작했습니다: ${watchLabel(w, lang)}\n자리가 나면 바로 예약하고 알려 드릴게요.`,
      `Watching for a seat: ${watchLabel(w, lang)}\nWhen one frees up I reserve it at once and tell you.`,
    ),
    [
      quickReply(tr(lang, '내 감시', 'my watches'), tr(lang, '내 감시', 'my watches'), blockId),
      quickReply(tr(lang, '이 감시 중지', 'stop this'), tr(lang, '중지', 'stop'), blockId, {
        watchId: w.id,
      }),
    ],
  );
}

/**
 * A quick reply back into this skill's block, so its `extra` arrives as `action.clientExtra`
 * (Kakao sends a pressed quick reply's `extra` that way only into a block); without a block id (an odd payload) a plain message reply.
 */
function quickReply(
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
async function active(rail: Rail, user: User): Promise<WatchView[]> {
  return running(await rail.watches(user));
}

/** `내 감시`: the running watches numbered, then the last few that ended. */
export async function answerWatches({ rail, user, c, blockId }: Turn): Promise<SkillResponse> {
  const { lang } = c;
  const all = await rail.watches(user);
  const active = running(all);
  const past = all.filter((w) => !isActive(w)).slice(0, 3);
  if (!all.length) return text(tr(lang, '감시 중인 열차가 없습니다.', 'You have no watches.'));
  // A standby request is not a seat: its watch says so instead of "reserved".
  const state = (w: WatchView) =>
    w.status === 'reserved' && w.reservation?.standby
      ? tr(lang, '예약대기 중', 'standby requested')
      : stateLabel[lang][w.status];
  const line = (w: WatchView) =>
    `${state(w)} · ${watchLabel(w, lang)}` +
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
    // A running watch says how often it looks and, for a party, which trains are too short.
    (isActive(w) && w.pollEveryMs !== null ? ` · ${checkedEveryText(w.pollEveryMs, lang)}` : '') +
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
      return quickReply(say, say, blockId, { watchId: w.id });
    }),
  );
}

/** Stops one of the user's watches: by the id a quick reply carries, or by its number in "내 감시". */
export async function answerStop(turn: Turn): Promise<SkillResponse> {
  const { rail, user, c, a, blockId } = turn;
  const { lang } = c;
  const extraId = a?.clientExtra?.watchId;
  const id = typeof extraId === 'string' ? extraId : param(a, 'watch-id', 'watchId');
  let target: WatchView | undefined;
  if (id) {
    // Only the user's own watches are found: someone else's id answers like one that never existed.
    target = UUID.test(id) ? (await rail.watches(user)).find((w) => w.id === id) : undefined;
    if (!target)
      return text(
        tr(lang, '그 감시를 찾지 못했습니다. "내 감시"로 확인해 주세요.', 'No such watch. See "my watches".'),
      );
  } else {
    const n = c.args[0] ?? param(a, 'watch-number', 'number');
    if (!n) return answerWatches(turn);
    if (!/^\d{1,3}$/.test(n) || c.args.length > 1)
      return text(
        tr(
          lang,
          '중지할 감시의 번호를 "중지 2"처럼 보내 주세요.',
          'Send the number of the watch, like "stop 2".',
        ),
      );
    target = (await active(rail, user))[Number(n) - 1];
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
  const w = await rail.stopWatch(user, target.id);
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
    [quickReply(tr(lang, '내 감시', 'my watches'), tr(lang, '내 감시', 'my watches'), blockId)],
  );
}

/** `내 예약`: the reservations still waiting for payment. */
export async function answerReservations({ rail, user, c }: Turn): Promise<SkillResponse> {
  const { lang } = c;
  const list = (await rail.reservations(user)).filter((r) => r.status === 'held').slice(0, 5);
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
