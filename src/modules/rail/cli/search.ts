/** `yeyak rail search`: the trains with availability per class, as a table. */
import type { Command } from 'commander';
import type { TrainGroup } from '../providers/types.ts';
import { hhmm, ymd } from '../time.ts';
import {
  type Common,
  connect,
  dateArg,
  passengers,
  table,
  timeArg,
  typesArg,
  withServer,
  withTrip,
} from './client.ts';
import { t } from './lang.ts';

type Train = {
  trainNo: string;
  type: string;
  group: TrainGroup;
  departure: string;
  arrival: string;
  general: string;
  special: string;
  standby: boolean;
  price: number | null;
  departed: boolean;
};

const MARK = (): Record<string, string> => ({
  available: t('예약가능', 'seats'),
  'sold-out': t('매진', 'sold out'),
  absent: '—',
});

export function registerSearch(rail: Command, fail: (err: unknown) => never) {
  withServer(
    withTrip(
      rail
        .command('search')
        .description(
          t('열차와 등급별 좌석 여부를 표로 보여 줍니다', 'print the trains with availability per class'),
        ),
    ),
  )
    .option('--time <HH:mm>', t('가장 이른 출발 시각', 'earliest departure'), '00:00')
    .action(async (o: Common & Record<string, string>) => {
      try {
        const trainTypes = o.types === undefined ? undefined : typesArg(o.types);
        const api = await connect(o);
        const data = await api.call<{ sandbox: boolean; from: string; to: string; trains: Train[] }>(
          'POST',
          '/api/rail/search',
          {
            provider: o.provider,
            from: o.from,
            to: o.to,
            date: dateArg(o.date),
            time: timeArg('time', o.time),
            passengers: passengers(o as never),
            ...(trainTypes ? { trainTypes } : {}),
          },
        );
        console.log(
          `${o.provider.toUpperCase()} ${data.from} → ${data.to} ${ymd(dateArg(o.date))}${trainTypes ? t(` (${trainTypes.join(', ')}만)`, ` (${trainTypes.join(', ')} only)`) : ''}${data.sandbox ? t(' [샌드박스]', ' [sandbox]') : ''}`,
        );
        console.log(
          table(
            t(
              '열차 종류 출발 도착 일반실 특실 예약대기 운임',
              'train type dep arr general special standby fare',
            ).split(' '),
            data.trains.map((x) => [
              x.trainNo,
              x.type,
              hhmm(x.departure),
              hhmm(x.arrival),
              x.departed ? t('출발', 'left') : (MARK()[x.general] ?? x.general),
              x.departed ? '' : (MARK()[x.special] ?? x.special),
              x.standby ? t('대기가능', 'standby') : '',
              x.price
                ? t(`${x.price.toLocaleString('ko-KR')}원`, `KRW ${x.price.toLocaleString('en-US')}`)
                : '',
            ]),
          ),
        );
      } catch (err) {
        fail(err);
      }
    });
}
