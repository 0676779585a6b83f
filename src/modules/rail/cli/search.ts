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

const MARK: Record<string, string> = { available: '예약가능', 'sold-out': '매진', absent: '—' };

export function registerSearch(rail: Command, fail: (err: unknown) => never) {
  withServer(withTrip(rail.command('search').description('print the trains with availability per class')))
    .option('--time <HH:mm>', 'earliest departure', '00:00')
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
          `${o.provider.toUpperCase()} ${data.from} → ${data.to} ${ymd(dateArg(o.date))}${trainTypes ? ` (${trainTypes.join(', ')} only)` : ''}${data.sandbox ? ' [sandbox]' : ''}`,
        );
        console.log(
          table(
            ['train', 'type', 'dep', 'arr', 'general', 'special', 'standby', 'fare'],
            data.trains.map((t) => [
              t.trainNo,
              t.type,
              hhmm(t.departure),
              hhmm(t.arrival),
              t.departed ? '출발' : (MARK[t.general] ?? t.general),
              t.departed ? '' : (MARK[t.special] ?? t.special),
              t.standby ? '대기가능' : '',
              t.price ? `${t.price.toLocaleString('ko-KR')}원` : '',
            ]),
          ),
        );
      } catch (err) {
        fail(err);
      }
    });
}
