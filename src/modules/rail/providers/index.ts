export { KORAIL_DEFAULTS, type KorailOptions, KorailProvider } from './korail.ts';
export { SRT_DEFAULTS, type SrtOptions, SrtProvider } from './srt.ts';
export {
  findStation,
  KORAIL_STATION_NAMES,
  nameDistance,
  SRT_STATIONS,
  suggestStations,
} from './stations.ts';
export * from './types.ts';

import { type KorailOptions, KorailProvider } from './korail.ts';
import { type SrtOptions, SrtProvider } from './srt.ts';
import type { ProviderName, RailProvider } from './types.ts';

/** A fresh adapter (own cookie jar, own pacing) for one account. */
export function createRailProvider(
  name: ProviderName,
  options: SrtOptions & KorailOptions = {},
): RailProvider {
  return name === 'srt' ? new SrtProvider(options) : new KorailProvider(options);
}
