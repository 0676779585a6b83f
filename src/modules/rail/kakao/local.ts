/**
 * What the skill can tell without asking an operator, so it answers inside Kakao's 5 s: the
 * stations (the operator's list, loaded once), the date against the booking window, a train number
 * against the timetable a recent search kept, and `조회` from a kept search that is still young.
 * Each refusal is a sentence for the chat, in the user's language (Korean by default).
 */
import { AppError } from '../../../platform/errors.ts';
import type { Passengers, ProviderName, Station } from '../providers/index.ts';
import { totalPassengers } from '../providers/index.ts';
import { covering } from '../seen.ts';
import type { Rail, TrainView } from '../service.ts';
import { addDays, kstDate, kstEpoch, kstTime, ymd } from '../time.ts';
import { BOOKING_DAYS, trainView } from '../views.ts';
import { type KakaoLang, tr } from './parse.ts';

const OPERATOR: Record<ProviderName, string> = { srt: 'SRT', korail: '코레일' };

/** The date is one the operator sells now, or the sentence saying why not. */
export function dateProblem(provider: ProviderName, date: string, lang: KakaoLang): string | undefined {
  const today = kstDate();
  const last = addDays(today, BOOKING_DAYS[provider]);
  if (date < today)
    return tr(
      lang,
      `${ymd(date)}은(는) 지난 날짜입니다 (오늘 ${ymd(today)}).`,
      `${ymd(date)} is in the past (today in Korea is ${ymd(today)}).`,
    );
  if (date > last)
    return tr(
      lang,
      `${OPERATOR[provider]}는 ${BOOKING_DAYS[provider]}일 뒤까지만 팝니다: 지금은 ${ymd(last)}까지 예약할 수 있습니다.`,
      `${provider === 'srt' ? 'SRT' : 'Korail'} sells ${BOOKING_DAYS[provider]} days ahead: the last date now is ${ymd(last)}.`,
    );
  return undefined;
}

/** Both stations by name, or the sentence naming the unknown one and the nearest names. */
export async function stations(
  rail: Rail,
  provider: ProviderName,
  from: string,
  to: string,
  lang: KakaoLang,
): Promise<{ from: Station; to: Station } | string> {
  const one = async (name: string) => {
    try {
      return await rail.station(provider, name, 'station');
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      const near = (err.data?.suggestions as string[] | undefined) ?? [];
      return tr(
        lang,
        `${OPERATOR[provider]}에 없는 역입니다: ${name}${near.length ? ` (혹시 ${near.join(', ')}?)` : ''}`,
        `No such ${provider === 'srt' ? 'SRT' : 'Korail'} station: ${name}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`,
      );
    }
  };
  const a = await one(from);
  if (typeof a === 'string') return a;
  const b = await one(to);
  if (typeof b === 'string') return b;
  if (a.name === b.name)
    return tr(lang, '출발역과 도착역이 같습니다.', 'The departure and arrival stations are the same.');
  return { from: a, to: b };
}

/**
 * A train number checked against the kept timetable: the sentence when the train does not run
 * that day or has already left (or leaves within `stopBeforeMinutes`), undefined when it is fine
 * or the timetable cannot tell (then the operator is asked).
 */
export async function trainProblem(
  rail: Rail,
  trip: { provider: ProviderName; from: string; to: string; date: string; trainNo: string },
  stopBeforeMinutes: number,
  lang: KakaoLang,
): Promise<string | undefined> {
  const kept = await rail.knownTrain(trip);
  if (kept === 'absent')
    return tr(
      lang,
      `${ymd(trip.date)} ${trip.from}→${trip.to}에는 ${trip.trainNo}번 열차가 없습니다. "조회 ${trip.provider === 'korail' ? 'ktx ' : ''}${trip.from} ${trip.to} ${trip.date}"로 열차를 확인해 주세요.`,
      `There is no train ${trip.trainNo} from ${trip.from} to ${trip.to} on ${ymd(trip.date)}. See "search ${trip.provider === 'korail' ? 'ktx ' : ''}${trip.from} ${trip.to} ${trip.date}".`,
    );
  if (kept && kstEpoch(kept.date, kept.departure) - stopBeforeMinutes * 60_000 <= Date.now())
    return tr(
      lang,
      `${trip.trainNo}번 열차는 이미 출발했거나 ${stopBeforeMinutes}분 안에 출발합니다.`,
      `Train ${trip.trainNo} has left or leaves within ${stopBeforeMinutes} min.`,
    );
  return undefined;
}

/**
 * `조회` from the last search of this route and date, when it is younger than `rail.freshSearchMs`,
 * asked for one seat (a party needs its own answer) and covers the five trains asked for.
 */
export async function keptTrains(
  rail: Rail,
  q: { provider: ProviderName; from: string; to: string; date: string; time: string },
  passengers: Passengers | undefined,
): Promise<{ trains: TrainView[]; ageMs: number } | undefined> {
  if (passengers && totalPassengers(passengers) !== 1) return undefined;
  const seen = await rail.seen(q.provider, q.from, q.to, q.date);
  if (!seen) return undefined;
  const now = Date.now();
  const ageMs = now - seen.seenAt.getTime();
  if (ageMs > rail.freshSearchMs) return undefined;
  const start = q.date === kstDate(now) && kstTime(now) > q.time ? kstTime(now) : q.time;
  const trains = covering(seen, start, 5);
  return trains ? { trains: trains.map((t) => trainView(t, now)), ageMs } : undefined;
}

/** "12초 전 조회" / "checked 12 s ago". */
export function ageText(ms: number, lang: KakaoLang): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 60
    ? tr(lang, `${s}초 전 조회`, `checked ${s} s ago`)
    : tr(lang, `${Math.round(s / 60)}분 전 조회`, `checked ${Math.round(s / 60)} min ago`);
}
