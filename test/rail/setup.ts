import { type RailSim, type RailSimOptions, startRailSim } from '../../sims/rail/server.ts';
import { addDays } from '../../sims/rail/world.ts';
import {
  KorailProvider,
  type ProviderName,
  type RailProvider,
  SrtProvider,
} from '../../src/modules/rail/providers/index.ts';

export const MEMBER = { id: '1234567890', password: 'sim-password' };

export async function sim(options: RailSimOptions = {}): Promise<RailSim> {
  return startRailSim({ seed: 7, ...options });
}

/** An adapter pointed at the sim, with pacing off so tests run in milliseconds. */
export function provider(s: RailSim, name: ProviderName, extra: Record<string, unknown> = {}): RailProvider {
  const options = {
    baseUrl: s.url,
    netfunnelUrl: s.netfunnelUrl,
    minIntervalMs: 0,
    jitterMs: 0,
    netfunnelPollMs: 1,
    timeoutMs: 5_000,
    ...extra,
  };
  return name === 'srt' ? new SrtProvider(options) : new KorailProvider(options);
}

/** A departure date `days` ahead of the sim's today. */
export const dayAhead = (s: RailSim, days = 5) => addDays(s.today(), days);

export const ROUTES: Record<ProviderName, { from: string; to: string; fromCode: string; toCode: string }> = {
  srt: { from: '수서', to: '부산', fromCode: '0551', toCode: '0020' },
  korail: { from: '서울', to: '부산', fromCode: '0001', toCode: '0020' },
};

/** Expects `p` to reject with a RailError of `kind`; returns it. */
export async function railError(p: Promise<unknown>, kind: string) {
  try {
    await p;
  } catch (err) {
    const e = err as { name?: string; kind?: string };
    if (e.name === 'RailError' && e.kind === kind)
      return err as import('../../src/modules/rail/providers/types.ts').RailError;
    throw new Error(`expected RailError ${kind}, got ${e.name}/${e.kind}: ${(err as Error).message}`);
  }
  throw new Error(`expected RailError ${kind}, but it succeeded`);
}
