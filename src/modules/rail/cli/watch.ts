/** `yeyak rail watch`: starts a watch in the server and follows it until a seat (or the end). */
import type { Command } from 'commander';
import { hhmm, ymd } from '../time.ts';
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
  seatPolicy?: string;
  /** Not polled before this instant (the operator's opening, or the start asked for). */
  startAt?: string | null;
  opensAt?: string | null;
  reservation: Reservation | null;
};

function startArg(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error('--start: must be a date-time like 2026-12-01T07:00+09:00');
  return d.toISOString();
}

const kst = (iso: string) => new Date(iso).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' });

/** "특실 (first class) — standard was sold out" when a *-first policy fell back to its second class. */
export function describeClass(r: Pick<Reservation, 'seatClass'>, policy?: string): string {
  const name =
    r.seatClass === 'special' ? '특실 (first class)' : r.seatClass === 'general' ? '일반실 (standard)' : '—';
  if (policy === 'general-first' && r.seatClass === 'special')
    return `${name}: no standard seat, first class instead`;
  if (policy === 'special-first' && r.seatClass === 'general')
    return `${name}: no first-class seat, standard instead`;
  return name;
}

/** A standby request in words: a place in the queue, not a seat (no car, no seat, nothing to pay yet). */
function describeStandby(r: Reservation): string {
  return [
    `standby request (예약대기) placed for ${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}: NOT a seat yet`,
    `  request no. ${r.pnr} · ${r.seatCount} passenger(s) · ${r.totalPrice.toLocaleString('ko-KR')}원 if a seat is granted`,
    '  the operator gives you a seat only if one frees up; yeyak tells you then, with the payment deadline',
  ].join('\n');
}

/** "train 305: 1 seat left, 2 asked" for the trains too short for the party. */
export function describeShortage(w: Pick<Watch, 'shortage'>): string {
  return (w.shortage ?? [])
    .map((x) =>
      x.seatsLeft === null
        ? `train ${x.trainNo}: fewer seats left than the ${x.asked} asked`
        : `train ${x.trainNo}: ${x.seatsLeft} seat${x.seatsLeft === 1 ? '' : 's'} left, ${x.asked} asked`,
    )
    .join('; ');
}

function describeReservation(r: Reservation, policy?: string): string {
  if (r.standby) return describeStandby(r);
  const seats = r.seats.map((s) => `${s.car}-${s.seat}`).join(', ') || `${r.seatCount} seat(s)`;
  const deadline = r.paymentDeadline
    ? new Date(r.paymentDeadline).toLocaleString('ko-KR', { timeZone: 'Asia/Seoul' })
    : '—';
  return [
    `reserved ${r.trainType} ${r.trainNo} ${r.from} → ${r.to} ${ymd(r.date)} ${hhmm(r.departure)}–${hhmm(r.arrival)}`,
    `  reservation no. ${r.pnr} · class ${describeClass(r, policy)} · seats ${seats}${r.together === false ? ' (not together)' : ''} · ${r.totalPrice.toLocaleString('ko-KR')}원`,
    `  pay by ${deadline} (KST) in the operator's app; yeyak never pays`,
  ].join('\n');
}

export function registerWatch(rail: Command, fail: (err: unknown) => never) {
  withServer(
    withTrip(
      rail
        .command('watch')
        .description('watch one train or a time window until a seat frees up; exits with the reservation'),
    ),
  )
    .option('--train <no[,no…]>', 'a train number, or several (the first with seats is taken)')
    .option('--start <when>', 'start at this ISO date-time (a date not on sale yet waits for its opening)')
    .option('--position <where>', 'any, window or aisle', 'any')
    .option('--direction <way>', 'any, forward or backward (Korail only)', 'any')
    .option('--after <HH:mm>', 'earliest departure of the window', '00:00')
    .option('--before <HH:mm>', 'latest departure of the window', '23:59')
    .option('--seat <policy>', 'general-first, general-only, special-first or special-only', 'general-first')
    .option('--select <how>', 'earliest, latest or random among matching trains', 'earliest')
    .option('--standby', 'accept a standby (예약대기) request when seats stay sold out')
    .option(
      '--notify <channels>',
      'comma-separated: email,discord,slack,telegram,kakao (default: the channels in your settings)',
    )
    .option('--keep', 'on Ctrl-C leave the watch running in the server')
    .action(async (o: Common & Record<string, string | boolean | undefined>) => {
      let api: Api;
      let watch: Watch;
      try {
        const trainTypes = o.types === undefined ? undefined : typesArg(String(o.types));
        // One train is one type already; the filter picks among the trains of a window.
        if (trainTypes && o.train)
          throw new Error('--types: filters a time window (--after/--before), not --train');
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
          ? Promise.resolve(console.log(`left watch ${watch.id} running in the server`))
          : api
              .call('POST', `/api/rail/watches/${watch.id}/stop`)
              .then(() => console.log(`stopped watch ${watch.id}`));
        done.then(
          () => process.exit(130),
          () => process.exit(1),
        );
      });
      console.log(`watching (${watch.id}); Ctrl-C stops`);
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
        const status = watch.reservation?.standby
          ? 'standby requested'
          : watch.startAt
            ? `${watch.opensAt ? 'opens' : 'starts'} at ${kst(watch.startAt)} KST`
            : watch.status;
        const line = `${status} · attempts ${watch.attempts} · ${watch.lastResult ?? '—'}${short ? ` · ${short}` : ''} · ${Math.floor(elapsed / 60)}m${String(elapsed % 60).padStart(2, '0')}s`;
        if (tty) process.stdout.write(`\r\x1b[2K${line}`);
        else console.log(line);
        if (watch.status === 'reserved' && watch.reservation) {
          if (tty) process.stdout.write('\n');
          console.log(describeReservation(watch.reservation, watch.seatPolicy));
          process.exit(0);
        }
        if (watch.status === 'failed' || watch.status === 'stopped') {
          if (tty) process.stdout.write('\n');
          console.error(`watch ${watch.status}: ${watch.failReason ?? ''}`);
          process.exit(1);
        }
      }
    });
}
