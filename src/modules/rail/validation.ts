/**
 * Checks of what a user asks for, before anything is sent or stored: stations and trains the
 * operator knows, dates it sells, a party it seats. Each refusal is a 400 naming the field.
 */
import { AppError, invalidField } from '../../platform/errors.ts';
import type { RailDeps } from './egress.ts';
import {
  isRailError,
  PASSENGER_TYPES,
  type Passengers,
  type ProviderName,
  type Station,
  type Train,
  type TrainGroup,
  totalPassengers,
} from './providers/index.ts';
import { refused } from './refusals.ts';
import { knownTrain, remember } from './seen.ts';
import { addDays, kstDate } from './time.ts';
import { BOOKING_DAYS, PROVIDER_LABEL } from './views.ts';

/** Resolves a station name, or a 400 naming the field with the nearest names. */
export async function station(
  d: RailDeps,
  provider: ProviderName,
  name: string,
  path: string,
): Promise<Station> {
  try {
    return await d.egress.searcher(provider).findStation(name);
  } catch (err) {
    if (isRailError(err, 'no-such-station')) {
      throw new AppError(400, `${path}: ${err.message}`, {
        errors: [{ path, message: err.message }],
        suggestions: err.suggestions ?? [],
      });
    }
    throw await refused(d, err);
  }
}

/**
 * The train `trainNo` of that day, or a 400 on `body.trainNo`. With `timetable` (only its number and
 * departure matter, as for a watch) a search kept from the last hours answers without a request.
 */
export async function findTrain(
  d: RailDeps,
  provider: ProviderName,
  from: string,
  to: string,
  date: string,
  trainNo: string,
  timetable = false,
) {
  if (timetable) {
    const kept = await knownTrain(d, { provider, from, to, date, trainNo });
    if (kept === 'absent')
      throw invalidField('body.trainNo', `no train ${trainNo} from ${from} to ${to} on ${date}`);
    if (kept) return kept;
  }
  let trains: Train[];
  try {
    trains = await d.egress.searcher(provider).search({ from, to, date, time: '000000' });
  } catch (err) {
    throw await refused(d, err);
  }
  await remember(d, { provider, from, to, date }, trains);
  const train = trains.find((t) => t.trainNo === trainNo.replace(/^0+/, ''));
  if (!train) throw invalidField('body.trainNo', `no train ${trainNo} from ${from} to ${to} on ${date}`);
  return train;
}

export function checkDate(provider: ProviderName, date: string, path = 'body.date') {
  const today = kstDate();
  const last = addDays(today, BOOKING_DAYS[provider]);
  if (date < today) throw invalidField(path, `${date} is in the past (today in Korea is ${today})`);
  if (date > last)
    throw invalidField(
      path,
      `${PROVIDER_LABEL[provider]} sells ${BOOKING_DAYS[provider]} days ahead: the last date now is ${last}`,
    );
}

export function checkPassengers(p: Passengers, path = 'body.passengers') {
  for (const t of PASSENGER_TYPES) {
    const n = p[t] ?? 0;
    if (!Number.isInteger(n) || n < 0) throw invalidField(`${path}.${t}`, 'must be a whole number ≥ 0');
  }
  const total = totalPassengers(p);
  if (total < 1) throw invalidField(path, 'at least 1 passenger');
  if (total > 9) throw invalidField(path, `at most 9 passengers per reservation (got ${total})`);
  if (total === (p.child ?? 0))
    throw invalidField(path, 'children need an accompanying adult, senior or disabled passenger');
}

/** A train-type filter the operator can answer: SRT runs only SRT, Korail everything else. */
export function checkTrainTypes(
  provider: ProviderName,
  types: TrainGroup[] | null | undefined,
  path = 'body.trainTypes',
) {
  if (!types) return;
  const sold = types.filter((t) => (provider === 'srt' ? t === 'SRT' : t !== 'SRT'));
  if (!sold.length)
    throw invalidField(
      path,
      provider === 'srt'
        ? 'SRT runs only SRT trains: include SRT, or leave the filter out'
        : 'Korail does not run SRT trains: pick KTX, ITX, saemaeul, mugunghwa or other',
    );
}
