import { z } from 'zod';
import { minutes } from '../../platform/config.ts';
import { configSlice } from '../../platform/module.ts';

/** Tickets' settings: how long a hold and a waiting-list offer keep their seats. */
export type TicketsConfig = { holdMinutes: number; waitlistOfferMinutes: number };

declare module '../../platform/config.ts' {
  interface ModuleConfigs extends TicketsConfig {}
}

export const ticketsConfig = configSlice(
  z.object({
    HOLD_MINUTES: minutes.default(20),
    WAITLIST_OFFER_MINUTES: minutes.default(60),
  }),
  (e): TicketsConfig => ({ holdMinutes: e.HOLD_MINUTES, waitlistOfferMinutes: e.WAITLIST_OFFER_MINUTES }),
);
