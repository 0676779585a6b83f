/** `yeyak rail watch`: starts a watch in the server and follows it until a seat (or the end). */
import type { Command } from 'commander';
import { hhmm, ymd } from '../time.ts';
import { checkedEveryText, shortageText } from '../watch-words.ts';
import {
  type Api,
  type Common,
  connect,
  dateArg,
  passengers,
  timeArg,
  typesArg,
  withServer,
  withTrip,
} from './client.ts';
import { cliLang, t } from './lang.ts';

type Reservation = {
  pnr: string;
  trainType: string;
  trainNo: string;
  date: string;
  from: string;
  to: string;
  departure: string;
  arrival: string;
  seats: { car: string; seat: string }[];
  seatClass?: string | null;
  /** A party's seats side by side; false says they are split. */
  together?: boolean | null;
  seatCount: number;
  totalPrice: number;
  paymentDeadline: string | null;
  /** A standby request (예약대기): a place in the operator's queue, not a seat. */
  standby?: boolean;
};
type Watch = {
  id: string;
  status: string;
  attempts: number;
  lastResult: string | null;
  failReason: string | null;
  shortage?: { trainNo: string; seatsLeft: number | null; asked: number }[];
  /** About how often the server asks the operator for this watch's trains now (null: not polled). */
  pollEveryMs?: number | null;
  seatPolicy?: string;
  /** Not polled before this instant (the operator's opening, or the start asked for). */
  startAt?: string | null;
  opensAt?: string | null;
  reservation: Reservation | null;
};

function startArg(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new Error(
      t(
        '--start: 2026-12-01T07:00+09:00 같은 날짜와 시각이어야 합니다',
        '--start: must be a date-time like 2026-12-01T07:00+09:00',
      ),
    );
  return d.toISOString();
}

const kst = (iso: string) => new Date(iso).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' });

/** "특실 (first class) — standard was sold out" when a *-first policy fell back to its second class. */
export function describeClass(r: Pick<Reservation, 'seatClass'>, policy?: string): string {
  const name =
    r.seatClass === 'special'
      ? t('특실', 'first class')
      : r.seatClass === 'general'
        ? t('일반실', 'standard')
        : '—';
  if (policy === 'general-first' && r.seatClass === 'special')
    return t(`${name}: 일반실이 없어 특실로 예약`, `${name}: no standard seat, first class instead`);
  if (policy === 'special-first' && r.seatClass === 'general')
    return t(`${name}: 특실이 없어 일반실로 예약`, `${name}: no first-class seat, standard instead`);
  return name;
}

const STATUS_KO: Record<string, string> = {
  waiting: '대기',
  trying: '시도 중',
  reserved: '예약됨',
  failed: '실패',
  stopped: '중지',
};

/** A standby request in words: a place in the queue, not a seat (no car, no seat, nothing to pay yet). */
function describeStandby(r: Reservation): string {
  const train = `${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`;
  return t(
    [
      `예약대기 신청됨: ${train} — 아직 좌석이 아닙니다`,
      `  신청번호 ${r.pnr} · ${r.seatCount}명 · 좌석이 배정되면 ${r.totalPrice.toLocaleString('ko-KR')}원`,
      '  자리가 나야 운영사가 좌석을 줍니다. 그때 yeyak이 결제 기한과 함께 알려 드립니다',
    ].join('\n'),
    [
      `standby request (예약대기) placed for ${train}: NOT a seat yet`,
      `  request no. ${r.pnr} · ${r.seatCount} passenger(s) · ${r.totalPrice.toLocaleString('ko-KR')}원 if a seat is granted`,
      '  the operator gives you a seat only if one frees up; yeyak tells you then, with the payment deadline',
    ].join('\n'),
  );
}

/** "train 305: 1 seat left, 2 asked" for the trains too short for the party. */
export function describeShortage(w: Pick<Watch, 'shortage'>): string {
  return (w.shortage ?? []).map((x) => shortageText(x, cliLang())).join('; ');
}

/** "checked every ~12 s" while the server polls the watch's search (the budget's round). */
export function describeEvery(w: Pick<Watch, 'pollEveryMs' | 'status'>): string {
  const live = w.status === 'waiting' || w.status === 'trying';
  return live && typeof w.pollEveryMs === 'number' ? checkedEveryText(w.pollEveryMs, cliLang()) : '';
}

function describeReservation(r: Reservation, policy?: string): string {
  if (r.standby) return describeStandby(r);
  const seats =
    r.seats.map((s) => `${s.car}-${s.seat}`).join(', ') || t(`${r.seatCount}석`, `${r.seatCount} seat(s)`);
  const deadline = r.paymentDeadline
    ? new Date(r.paymentDeadline).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })
    : '—';
  const train = `${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`;
  return t(
    [
      `예약됨 ${train}`,
      `  예약번호 ${r.pnr} · 좌석 등급 ${describeClass(r, policy)} · 좌석 ${seats}${r.together === false ? ' (붙어 있지 않음)' : ''} · ${r.totalPrice.toLocaleString('ko-KR')}원`,
      `  결제 기한 ${deadline} (한국 시간), 운영사 앱에서 결제해 주세요. yeyak은 결제하지 않습니다`,
    ].join('\n'),
    [
      `reserved ${train}`,
      `  reservation no. ${r.pnr} · class ${describeClass(r, policy)} · seats ${seats}${r.together === false ? ' (not together)' : ''} · ${r.totalPrice.toLocaleString('ko-KR')}원`,
      `  pay by ${deadline} (KST) in the operator's app; yeyak never pays`,
    ].join('\n'),
  );
}

export function registerWatch(rail: Command, fail: (err: unknown) => never) {
  withServer(
    withTrip(
      rail
        .command('watch')
        .description(
          t(
            '열차 하나나 시간대를 빈자리가 날 때까지 감시하고, 예약하면 끝납니다',
            'watch one train or a time window until a seat frees up; exits with the reservation',
          ),
        ),
    ),
  )
    .option(
      '--train <no[,no…]>',
      t(
        '열차 번호 하나나 여러 개 (먼저 자리가 나는 열차로)',
        'a train number, or several (the first with seats is taken)',
      ),
    )
    .option(
      '--start <when>',
      t(
        '이 ISO 일시에 시작 (아직 판매 전인 날짜는 판매 시작을 기다림)',
        'start at this ISO date-time (a date not on sale yet waits for its opening)',
      ),
    )
    .option('--position <where>', t('any, window(창가), aisle(통로)', 'any, window or aisle'), 'any')
    .option(
      '--direction <way>',
      t('any, forward(순방향), backward(역방향) (코레일만)', 'any, forward or backward (Korail only)'),
      'any',
    )
    .option('--after <HH:mm>', t('시간대의 가장 이른 출발', 'earliest departure of the window'), '00:00')
    .option('--before <HH:mm>', t('시간대의 가장 늦은 출발', 'latest departure of the window'), '23:59')
    .option(
      '--seat <policy>',
      t(
        'general-first(일반실 우선), general-only, special-first, special-only',
        'general-first, general-only, special-first or special-only',
      ),
      'general-first',
    )
    .option(
      '--select <how>',
      t('맞는 열차 중 earliest, latest, random', 'earliest, latest or random among matching trains'),
      'earliest',
    )
    .option(
      '--standby',
      t(
        '매진이 계속되면 예약대기 신청도 받기',
        'accept a standby (예약대기) request when seats stay sold out',
      ),
    )
    .option(
      '--notify <channels>',
      t(
        '쉼표로: email,discord,slack,telegram,kakao (기본: 설정한 알림 채널)',
        'comma-separated: email,discord,slack,telegram,kakao (default: the channels in your settings)',
      ),
    )
    .option(
      '--keep',
      t('Ctrl-C에도 서버의 감시를 계속 두기', 'on Ctrl-C leave the watch running in the server'),
    )
    .action(async (o: Common & Record<string, string | boolean | undefined>) => {
      let api: Api;
      let watch: Watch;
      try {
        const trainTypes = o.types === undefined ? undefined : typesArg(String(o.types));
        // One train is one type already; the filter picks among the trains of a window.
        if (trainTypes && o.train)
          throw new Error(
            t(
              '--types: 시간대(--after/--before)를 거르는 옵션입니다. --train과 함께 쓸 수 없습니다',
              '--types: filters a time window (--after/--before), not --train',
            ),
          );
        api = await connect(o);
        watch = (
          await api.call<{ watch: Watch }>('POST', '/api/rail/watches', {
            provider: o.provider,
            from: o.from,
            to: o.to,
            date: dateArg(String(o.date)),
            ...(o.train
              ? {
                  trainNos: String(o.train)
                    .split(',')
                    .map((s) => s.trim()),
                }
              : {
                  timeFrom: timeArg('after', String(o.after)),
                  timeTo: timeArg('before', String(o.before)),
                  ...(trainTypes ? { trainTypes } : {}),
                }),
            passengers: passengers(o as never),
            seatPolicy: o.seat,
            seatPosition: o.position,
            seatDirection: o.direction,
            ...(o.start ? { startAt: startArg(String(o.start)) } : {}),
            selection: o.select,
            standby: !!o.standby,
            // Without the flag the server uses the channels the user set up.
            ...(o.notify === undefined
              ? {}
              : {
                  notify: String(o.notify)
                    .split(',')
                    .map((s) => s.trim())
                    .filter(Boolean),
                }),
          })
        ).watch;
      } catch (err) {
        fail(err);
      }
      const started = Date.now();
      const tty = process.stdout.isTTY;
      let stopping = false;
      process.on('SIGINT', () => {
        if (stopping) process.exit(130);
        stopping = true;
        if (tty) process.stdout.write('\n');
        const done = o.keep
          ? Promise.resolve(
              console.log(
                t(`감시 ${watch.id}는 서버에서 계속됩니다`, `left watch ${watch.id} running in the server`),
              ),
            )
          : api
              .call('POST', `/api/rail/watches/${watch.id}/stop`)
              .then(() => console.log(t(`감시 ${watch.id}를 중지했습니다`, `stopped watch ${watch.id}`)));
        done.then(
          () => process.exit(130),
          () => process.exit(1),
        );
      });
      console.log(t(`감시 중 (${watch.id}); Ctrl-C로 중지`, `watching (${watch.id}); Ctrl-C stops`));
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        if (stopping) continue;
        try {
          watch = (await api.call<{ watch: Watch }>('GET', `/api/rail/watches/${watch.id}`)).watch;
        } catch (err) {
          console.error(`\n${(err as Error).message}`);
          continue;
        }
        const elapsed = Math.round((Date.now() - started) / 1000);
        const short = describeShortage(watch);
        const every = describeEvery(watch);
        const status = watch.reservation?.standby
          ? t('예약대기 신청됨', 'standby requested')
          : watch.startAt
            ? watch.opensAt
              ? t(`판매 시작 ${kst(watch.startAt)} (한국 시간)`, `opens at ${kst(watch.startAt)} KST`)
              : t(`시작 ${kst(watch.startAt)} (한국 시간)`, `starts at ${kst(watch.startAt)} KST`)
            : t(STATUS_KO[watch.status] ?? watch.status, watch.status);
        const line = t(
          `${status}${every ? ` · ${every}` : ''} · 시도 ${watch.attempts}회 · ${watch.lastResult ?? '—'}${short ? ` · ${short}` : ''} · ${Math.floor(elapsed / 60)}분 ${String(elapsed % 60).padStart(2, '0')}초`,
          `${status}${every ? ` · ${every}` : ''} · attempts ${watch.attempts} · ${watch.lastResult ?? '—'}${short ? ` · ${short}` : ''} · ${Math.floor(elapsed / 60)}m${String(elapsed % 60).padStart(2, '0')}s`,
        );
        if (tty) process.stdout.write(`\r\x1b[2K${line}`);
        else console.log(line);
        if (watch.status === 'reserved' && watch.reservation) {
          if (tty) process.stdout.write('\n');
          console.log(describeReservation(watch.reservation, watch.seatPolicy));
          process.exit(0);
        }
        if (watch.status === 'failed' || watch.status === 'stopped') {
          if (tty) process.stdout.write('\n');
          console.error(
            t(
              `감시 ${STATUS_KO[watch.status] ?? watch.status}: ${watch.failReason ?? ''}`,
              `watch ${watch.status}: ${watch.failReason ?? ''}`,
            ),
          );
          process.exit(1);
        }
      }
    });
}
