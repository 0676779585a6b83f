/**
 * Checks of what a user asks for, before anything is sent or stored: stations and trains the
 * operator knows, dates it sells, a party it seats. Each refusal is a 400 naming the field.
 */
import { AppError, fieldError, invalidField } from '../../platform/errors.ts';
import { msg } from '../../platform/messages/index.ts';
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
      const suggestions = err.suggestions ?? [];
      const m = suggestions.length
        ? msg('rail.no_station_suggest', {
            station: name,
            operator: provider,
            suggestions: suggestions.join(', '),
          })
        : msg('rail.no_station', { station: name, operator: provider });
      throw new AppError(400, `${path}: ${m.text}`, { errors: [fieldError(path, m)], suggestions });
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
      throw invalidField('body.trainNo', msg('rail.no_train', { trainNo, from, to, date }));
    if (kept) return kept;
  }
  const no = trainNo.replace(/^0+/, '');
  // A user waits on this: the one page that holds the train when a search showed it before (a
  // poll of the route, the user's own search), else pages up to it; never queued behind polls.
  const lookup = async (time: string, until?: string) => {
    try {
      const trains = await d.egress.asker(provider).search({ from, to, date, time, until, stopAt: no });
      d.egress.remember(from, to, date, trains);
      return trains.find((t) => t.trainNo === no);
    } catch (err) {
      throw await refused(d, err);
    }
  };
  const seen = d.egress.seen(provider, from, to, date, no);
  const train =
    seen?.fresh ??
    (seen ? await lookup(seen.departure, seen.departure) : undefined) ??
    (await lookup('000000'));
  if (!train) throw invalidField('body.trainNo', msg('rail.no_train', { trainNo, from, to, date }));
  return train;
}

/** The trains `nos` of that day (one search), or a 400 on `path` naming the ones not found. */
export async function findTrains(
  d: RailDeps,
  provider: ProviderName,
  from: string,
  to: string,
  date: string,
  nos: string[],
  path: string,
): Promise<Train[]> {
  // As findTrain: trains a search showed in the last seconds need no request; otherwise one search
  // from the earliest departure seen (or the day's start), asked outside the polls' line.
  const seen = nos.map((n) => d.egress.seen(provider, from, to, date, n));
  let trains: Train[] = seen.flatMap((s) => (s?.fresh ? [s.fresh] : []));
  if (trains.length < nos.length) {
    const known = seen.every((s) => s);
    const time = known ? seen.reduce((m, s) => (s && s.departure < m ? s.departure : m), '235959') : '000000';
    const until = known
      ? seen.reduce((m, s) => (s && s.departure > m ? s.departure : m), '000000')
      : undefined;
    try {
      trains = await d.egress.asker(provider).search({ from, to, date, time, until });
      d.egress.remember(from, to, date, trains);
      if (!known) await remember(d, { provider, from, to, date }, trains); // the whole day: a timetable
    } catch (err) {
      throw await refused(d, err);
    }
  }
  const found = nos.map((n) => trains.find((t) => t.trainNo === n));
  const missing = nos.filter((_, i) => !found[i]);
  if (missing.length)
    throw invalidField(path, msg('rail.no_train', { trainNo: missing.join(', '), from, to, date }));
  return found as Train[];
}

export function checkDate(provider: ProviderName, date: string, path = 'body.date') {
  const today = kstDate();
  const last = addDays(today, BOOKING_DAYS[provider]);
  if (date < today) throw invalidField(path, msg('rail.date_past', { date, today }));
  if (date > last)
    throw invalidField(
      path,
      msg('rail.date_too_far', { operator: PROVIDER_LABEL[provider], days: BOOKING_DAYS[provider], last }),
    );
}

export function checkPassengers(p: Passengers, path = 'body.passengers', provider?: ProviderName) {
  for (const t of PASSENGER_TYPES) {
    const n = p[t] ?? 0;
    if (!Number.isInteger(n) || n < 0) throw invalidField(`${path}.${t}`, 'must be a whole number ≥ 0');
  }
  const total = totalPassengers(p);
  if (total < 1) throw invalidField(path, 'at least 1 passenger');
  if (total > 9) throw invalidField(path, msg('rail.at_most_nine', { total }));
  if (provider === 'srt' && p.toddler) throw invalidField(`${path}.toddler`, msg('rail.no_toddler_srt'));
  if (total === (p.child ?? 0) + (p.toddler ?? 0))
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
